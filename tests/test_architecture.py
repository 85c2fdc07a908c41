"""The layering contract: workbench/ never imports Qt or ui/ (import-linter, pyproject.toml); ui/ holds no SQL or connections."""

import re
import subprocess
import tomllib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_core_does_not_import_qt():
    code = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True, no_logo=True))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_every_core_module_has_its_place_in_the_layers():
    """A new module of workbench/ must be put in a layer, or among the utilities that use none."""
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]
    placed = set()
    for contract in contracts:
        for layer in contract.get("layers", []):
            placed.update(name.strip() for name in layer.replace("|", ":").split(":"))
        if contract["type"] == "forbidden" and contract["source_modules"] != ["workbench"]:
            placed.update(contract["source_modules"])
    modules = {f"workbench.{p.stem}" for p in (ROOT / "workbench").glob("*.py") if p.stem not in ("__init__", "__main__")}
    modules |= {f"workbench.{p.name}" for p in (ROOT / "workbench").iterdir() if (p / "__init__.py").exists()}
    assert modules - placed == set()


def test_no_module_is_oversized():
    sizes = {p: len(p.read_text(encoding="utf-8").splitlines())
             for d in ("workbench", "ui") for p in (ROOT / d).rglob("*.py")}
    assert not {p: n for p, n in sizes.items() if n > 650}


UI_FORBIDDEN = re.compile(
    r"\b(SELECT|INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+\w+\s+SET|BEGIN|COMMIT|ROLLBACK)\b"  # SQL
    r"|\.conn\b|\.transaction\(|\.store\b|\bStore\b"  # connections, transactions, the store itself
    r"|^\s*(from|import)\s+(sqlite3|sqlite_utils|workbench\.store)\b",  # database modules
    re.MULTILINE)


def test_ui_holds_no_sql_connections_or_transactions():
    found = {}
    for path in sorted((ROOT / "ui").rglob("*.py")):
        hits = [m.group(0) for m in UI_FORBIDDEN.finditer(path.read_text(encoding="utf-8"))]
        if hits:
            found[path.name] = hits
    assert found == {}
