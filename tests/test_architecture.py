"""The layering contract: workbench/ never imports Qt or ui/ (import-linter, pyproject.toml)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_core_does_not_import_qt():
    code = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True, no_logo=True))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_no_module_is_oversized():
    sizes = {p: len(p.read_text(encoding="utf-8").splitlines())
             for d in ("workbench", "ui") for p in (ROOT / d).rglob("*.py")}
    assert not {p: n for p, n in sizes.items() if n > 650}

