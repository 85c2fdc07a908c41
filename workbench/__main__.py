"""`python -m workbench`: the installed `workbench` command, else the Qt-free command line.

The console script (ui/launcher.py) adds the desktop program and the PDF export. The core must
not import ui/, so it is found the way any plug-in is: through the installed package's
`workbench` console-script entry point (importlib.metadata). From a source folder that is not
installed, every Qt-free command works and the desktop program or a PDF give one `error:` line.
"""

import sys
from importlib import metadata

from workbench.cli import main as qt_free_main

DISTRIBUTION = "factcheck-workbench"


def console_script():
    """The `workbench` entry point of the installed distribution, or None."""
    try:
        scripts = metadata.distribution(DISTRIBUTION).entry_points
    except metadata.PackageNotFoundError:
        return None
    return next((e for e in scripts if e.group == "console_scripts" and e.name == "workbench"), None)


def main() -> int:
    """Run the installed command when there is one that is not this Qt-free main itself."""
    script = console_script()
    if script is not None and script.value not in ("workbench.cli:main", "workbench.__main__:main"):
        try:
            entry = script.load()
        except ImportError:
            entry = None
        if entry is not None:
            return entry()
    return qt_free_main()


if __name__ == "__main__":
    sys.exit(main())
