"""Set up .venv and start the program, or run the tests: the README's two set-up commands.

    python3.11 tools/dev.py start [ARGS...]    install into .venv if needed, then `python -m workbench ARGS`
    python3.11 tools/dev.py test [ARGS...]     install into .venv if needed, then `python -m pytest ARGS`

The first run makes .venv at the top of the project and installs the project with its test extra
(editable, so code changes need no reinstall). Later runs install again only when pyproject.toml
has changed, and make .venv again only when another Python runs this script. Standard library
only, on Linux, macOS and Windows.
"""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
STAMP = VENV / "installed-from.sha256"  # what the last successful install was made from
COMMANDS = {"start": ["-m", "workbench"], "test": ["-m", "pytest"]}


def venv_python() -> Path:
    """The Python of the project's virtual environment."""
    if sys.platform == "win32":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def python_identity() -> str:
    """Which Python runs this script (a .venv made by another one is made again)."""
    return f"{os.path.realpath(sys.executable)} {sys.version.split()[0]}"


def pyproject_digest() -> str:
    """The SHA-256 of pyproject.toml: a change there (a dependency, say) means installing again."""
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def make_venv() -> None:
    """Create .venv with this Python, or exit with one line saying what is missing."""
    result = subprocess.run([sys.executable, "-m", "venv", str(VENV)], stdout=subprocess.DEVNULL)
    if result.returncode != 0 or not venv_python().exists():
        shutil.rmtree(VENV, ignore_errors=True)  # a half-made .venv (Debian without venv) would stick
        sys.exit(f"error: could not create {VENV}; on Debian or Ubuntu install python3.11-venv "
                 "(see README, Set up)")


def ensure_installed() -> Path:
    """Make .venv and install the project into it unless it is up to date; return its Python."""
    wanted = [python_identity(), pyproject_digest()]
    done = STAMP.read_text(encoding="utf-8").splitlines() if STAMP.exists() else []
    if done == wanted and venv_python().exists():
        return venv_python()
    if done and done[0] != wanted[0]:
        shutil.rmtree(VENV)
    if not venv_python().exists():
        print(f"Creating {VENV} ...", file=sys.stderr, flush=True)
        make_venv()
    print(f"Installing the project into {VENV} (pip install -e \".[test]\") ...", file=sys.stderr, flush=True)
    STAMP.unlink(missing_ok=True)
    install = [str(venv_python()), "-m", "pip", "install", "--disable-pip-version-check", "-e", f"{ROOT}[test]"]
    if subprocess.run(install).returncode != 0:
        sys.exit("error: installing the project into .venv failed (pip's message is above)")
    STAMP.write_text("\n".join(wanted) + "\n", encoding="utf-8")
    return venv_python()


def main(argv: list[str]) -> int:
    """Run `start` or `test` with the rest of argv passed on; return its exit status."""
    if sys.version_info < (3, 11):
        sys.exit(f"error: Python 3.11 or newer is needed (this is {sys.version.split()[0]}); "
                 "run it as python3.11 tools/dev.py (Windows: py -3.11 tools\\dev.py)")
    if not argv or argv[0] not in COMMANDS:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    python = ensure_installed()
    cwd = ROOT if argv[0] == "test" else None  # pytest finds its settings there; the program keeps yours
    try:
        return subprocess.run([str(python), *COMMANDS[argv[0]], *argv[1:]], cwd=cwd).returncode
    except KeyboardInterrupt:  # Ctrl+C reached the program too; its own exit is enough
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
