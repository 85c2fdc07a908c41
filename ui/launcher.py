"""The `workbench` console script: the core's command line with the desktop program and Qt exporters."""

import sys
from pathlib import Path


def run_desktop(db_path: Path) -> int:
    """The desktop program on db_path."""
    from ui.app import run

    return run(db_path)


def main(argv: list[str] | None = None) -> int:
    """Register the formats that need Qt, then run workbench.cli with the desktop program."""
    from ui import pdf
    from workbench import cli

    pdf.register()
    return cli.main(argv, desktop=run_desktop)


if __name__ == "__main__":
    sys.exit(main())
