"""Where things live: the default database, the bundled seeds and resources."""

import os
from pathlib import Path

import platformdirs

APP_NAME = "factcheck-workbench"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_ROOT / "seeds"
RESOURCES_DIR = PROJECT_ROOT / "resources"


def default_database() -> Path:
    """The default database: $WORKBENCH_DB if set, else workbench.db in the user data folder."""
    override = os.environ.get("WORKBENCH_DB")
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "workbench.db"


def seed_files() -> list[Path]:
    """The sample articles a new database starts with, in order."""
    return sorted(SEEDS_DIR.glob("*.txt"))
