"""Where things live: the default database, and the seeds and style sheets shipped in the packages."""

import os
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import platformdirs

APP_NAME = "factcheck-workbench"


def default_database() -> Path:
    """The default database: $WORKBENCH_DB if set, else workbench.db in the user data folder."""
    override = os.environ.get("WORKBENCH_DB")
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "workbench.db"


def resource(name: str, package: str = "workbench") -> Traversable:
    """A file shipped in package's resources/ folder (inside a wheel as in a checkout)."""
    return resources.files(package).joinpath("resources", name)


def resource_text(name: str, package: str = "workbench") -> str:
    """The UTF-8 text of a file shipped in package's resources/ folder."""
    return resource(name, package).read_text(encoding="utf-8")


def seed_files() -> list[Traversable]:
    """The sample articles a new database starts with, in order of their file names."""
    return sorted((f for f in resource("seeds").iterdir() if f.name.endswith(".txt")), key=lambda f: f.name)
