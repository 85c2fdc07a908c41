"""The README's "Set up" section, read as a new user reads it: its fenced command blocks."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def section(title: str, text: str | None = None) -> str:
    """The text of the README's `## title` section, up to the next `## ` heading."""
    text = README.read_text(encoding="utf-8") if text is None else text
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"README.md has no '## {title}' section"
    return match.group(1)


def code_blocks(text: str) -> list[str]:
    """The contents of the fenced code blocks in text, in order, without trailing newlines."""
    return [block.strip() for block in re.findall(r"^```[\w-]*\n(.*?)^```", text, re.M | re.S)]


def setup_commands() -> tuple[str, str, str]:
    """The set-up section's apt line, its start command and its test command."""
    blocks = code_blocks(section("Set up"))
    apt = [b for b in blocks if b.startswith("sudo apt")]
    commands = [b for b in blocks if not b.startswith("sudo apt")]
    assert len(apt) == 1 and len(commands) == 2, f"expected one apt line and two commands, got {blocks}"
    assert all("\n" not in block for block in blocks), "each set-up command is one line"
    return apt[0], commands[0], commands[1]
