"""The README's two set-up commands, taken from its text, run in a fresh copy of the project."""

import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from tests.install.readme import setup_commands
from ui.app import apt_command
from workbench import ids, paths
from workbench.text import normalise_body

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="keeps the user's own data out with XDG folders")

# One quick test of the copy's suite, so the test command runs without recursing into this one.
ONE_TEST = "test_new_database_starts_with_the_seeds"


def seed_article_ids() -> set[str]:
    """The ids the shipped sample articles get (an article's id comes from its text)."""
    return {ids.article_id(normalise_body(seed.read_text(encoding="utf-8"), source=seed.name))
            for seed in paths.seed_files()}


def article_ids(database: Path) -> set[str]:
    """The ids of the articles in a database file, read without changing it."""
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        return {row[0] for row in db.execute("SELECT id FROM articles")}


def run(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run one README command in a shell, as a user would type it."""
    return subprocess.run(command, shell=True, cwd=cwd, env=env, capture_output=True, text=True, timeout=1200)


@pytest.fixture
def user_env(shell_env, tmp_path) -> dict[str, str]:
    """A shell's environment with its own config and data folders, a reviewer name already given
    (else the program asks in a dialog), offscreen Qt, and the program told to quit once started."""
    config, data = tmp_path / "config", tmp_path / "data"
    user_pip = Path(shell_env.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "pip"
    if user_pip.is_dir():  # pip keeps reading this machine's index settings
        shutil.copytree(user_pip, config / "pip")
    settings = config / "FactCheckWorkbench" / "Fact-check Workbench.conf"
    settings.parent.mkdir(parents=True)
    settings.write_text("[General]\nreviewer=Set-up Test\n", encoding="utf-8")
    return {**shell_env, "XDG_CONFIG_HOME": str(config), "XDG_DATA_HOME": str(data),
            "QT_QPA_PLATFORM": "offscreen", "WORKBENCH_QUIT_WHEN_STARTED": "1"}


def test_readme_commands_set_up_start_and_test_in_a_fresh_copy(project_copy, user_env, tmp_path):
    _, start, test = setup_commands()
    assert not (project_copy / ".venv").exists()

    first = run(start, project_copy, user_env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Installing the project" in first.stderr
    database = tmp_path / "data" / paths.APP_NAME / "workbench.db"
    assert article_ids(database) == seed_article_ids()

    again = run(start, project_copy, user_env)  # nothing changed: nothing is installed again
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Installing" not in again.stderr and "Creating" not in again.stderr

    (project_copy / "not-a-db.db").write_text("plain text", encoding="utf-8")
    refused = run(f"{start} not-a-db.db", project_copy, user_env)  # arguments go on to the program
    assert refused.returncode == 1 and "not-a-db.db" in refused.stderr, refused.stderr
    assert refused.stderr.strip().splitlines()[-1].startswith("error: ")

    tests = run(f"{test} -p no:cacheprovider -k {ONE_TEST}", project_copy, user_env)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "1 passed" in tests.stdout and "Installing" not in tests.stderr


def test_readme_apt_line_is_the_one_the_program_prints():
    apt, _, _ = setup_commands()
    assert apt == apt_command()

