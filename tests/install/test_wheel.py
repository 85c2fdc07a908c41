"""A wheel (not an editable install) carries the seeds and style sheets: import and HTML export work."""

import site
import sqlite3
import subprocess
import sys
import venv
from contextlib import closing
from pathlib import Path

import pytest

from workbench import ids, paths
from workbench.text import normalise_body

ROOT = Path(__file__).resolve().parents[2]


def shared_seeds() -> Path | None:
    """The team's shared seeds/ folder beside the checkout (or its worktree folder), if there is one."""
    for parent in ROOT.parents:
        if (parent / "shared" / "seeds").is_dir():
            return parent / "shared" / "seeds"
    return None


def venv_bin(env_dir: Path, name: str) -> Path:
    """A program in a virtual environment's scripts folder."""
    return env_dir / ("Scripts" if sys.platform == "win32" else "bin") / name


@pytest.fixture
def wheel_env(project_copy, shell_env, tmp_path) -> Path:
    """A fresh virtual environment with the project installed from its wheel.

    The dependencies are not downloaded again: a .pth file appends this test run's site-packages
    to the new environment's path, after its own (the .pth files in there, such as an editable
    install of the project, are not run, so `workbench` can only come from the wheel)."""
    dist = tmp_path / "dist"
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check", "-q",
             "-w", str(dist), str(project_copy)]
    subprocess.run(build, check=True, capture_output=True, timeout=600, env=shell_env, cwd=tmp_path)
    [wheel] = dist.glob("factcheck_workbench-*.whl")
    env_dir = tmp_path / "wheel-venv"
    venv.create(env_dir, with_pip=True)
    python = venv_bin(env_dir, "python")
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True, env=shell_env).stdout.strip()
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q",
                    "--disable-pip-version-check", str(wheel)], check=True, capture_output=True, timeout=600,
                   env=shell_env, cwd=tmp_path)
    # Written after the install, so pip never sees (or offers to replace) what this run has installed.
    Path(purelib, "test_dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    return env_dir


def test_wheel_install_has_seeds_and_style_sheets(wheel_env, shell_env, tmp_path):
    work = tmp_path / "work"  # not the checkout, whose workbench/ would be imported from the cwd
    work.mkdir()
    (work / "article.txt").write_text("A headline\n\nThe council spent 4 million on roads.\n", encoding="utf-8")
    env = {**shell_env, "QT_QPA_PLATFORM": "offscreen", "WORKBENCH_REVIEWER": "Wheel Test"}
    python = venv_bin(wheel_env, "python")

    where = subprocess.run([str(python), "-c", "import workbench, ui; print(workbench.__file__, ui.__file__)"],
                           cwd=work, env=env, capture_output=True, text=True).stdout.split()
    assert len(where) == 2 and all(Path(f).is_relative_to(wheel_env) for f in where), where

    imported = subprocess.run([str(venv_bin(wheel_env, "workbench")), "import", "w.db", "article.txt"],
                              cwd=work, env=env, capture_output=True, text=True, timeout=120)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip().endswith("\tA headline")
    seeds = {ids.article_id(normalise_body(s.read_text(encoding="utf-8"), source=s.name)) for s in paths.seed_files()}
    with closing(sqlite3.connect(f"file:{work / 'w.db'}?mode=ro", uri=True)) as db:
        stored = {row[0] for row in db.execute("SELECT id FROM articles")}
    assert len(seeds) == 2 and seeds < stored and len(stored) == 3

    exported = subprocess.run([str(python), "-m", "workbench", "export", "w.db", "--format", "html"],
                              cwd=work, env=env, capture_output=True, text=True, timeout=120)
    assert exported.returncode == 0, exported.stderr
    css = paths.resource_text("report.css").replace("</", "<\\/")
    assert f"<style>\n{css}</style>" in exported.stdout

    qss = subprocess.run([str(python), "-c", "from ui.app import create_application; "
                          "print(create_application().styleSheet(), end='')"],
                         cwd=work, env=env, capture_output=True, text=True, timeout=120)
    assert qss.returncode == 0, qss.stderr
    assert qss.stdout == paths.resource_text("workbench.qss", package="ui") != ""


def test_shipped_seeds_are_the_shared_seeds():
    shared = shared_seeds()
    if shared is None:
        pytest.skip("no shared/seeds folder beside this checkout")
    ours = {f.name: f.read_bytes() for f in paths.seed_files()}
    assert ours == {f.name: f.read_bytes() for f in sorted(shared.glob("*.txt"))}
