"""Fixtures for the install tests: a fresh copy of the project and a shell's environment."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What a checkout holds that a fresh clone would not (used when git cannot list the files).
NOT_COPIED = shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.egg-info", ".pytest_cache",
                                    ".hypothesis", "build", "dist", "*.db", "*.db-*", "out")


def project_files() -> list[Path] | None:
    """The project's files as git knows them (tracked and new, less ignored), or None without git."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                                cwd=ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return [ROOT / name for name in listed.decode().split("\0") if name and (ROOT / name).is_file()]


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A fresh copy of the project in a temporary folder, as a clone of it would be."""
    copy = tmp_path / "project"
    files = project_files()
    if files is None:
        shutil.copytree(ROOT, copy, ignore=NOT_COPIED)
        return copy
    for source in files:
        target = copy / source.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    return copy


@pytest.fixture
def shell_env() -> dict[str, str]:
    """This environment as a new shell would have it: no active virtualenv, PYTHONPATH or database."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "WORKBENCH_DB", "PYTEST_ADDOPTS")}
    if sys.prefix != sys.base_prefix:  # drop the running virtualenv's bin folder from PATH
        venv_bin = Path(sys.executable).parent.resolve()
        env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                      if p and Path(p).resolve() != venv_bin)
    return env
