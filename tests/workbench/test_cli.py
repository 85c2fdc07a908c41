"""The command line: subcommands, output lines, errors and exit codes."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.store import Store

ROOT = Path(__file__).resolve().parents[2]


def test_import_prints_one_line_per_new_article(tmp_path, capsys):
    db = tmp_path / "w.db"
    source = tmp_path / "a.txt"
    source.write_text("Headline here\nBody of the article.", encoding="utf-8")
    assert main(["import", str(db), str(source)]) == 0
    out = capsys.readouterr()
    [line] = out.out.splitlines()
    article_id, title = line.split("\t")
    assert title == "Headline here" and len(article_id) == 36
    assert main(["import", str(db), str(source)]) == 0
    again = capsys.readouterr()
    assert again.out == "" and again.err.count("already in the database") == 1


def test_new_database_starts_with_the_seeds(tmp_path, capsys):
    db = tmp_path / "w.db"
    source = tmp_path / "a.txt"
    source.write_text("Only article", encoding="utf-8")
    main(["import", str(db), str(source)])
    with Store.open(db) as store:
        titles = {r["title"] for r in store.query("SELECT title FROM articles")}
    assert "Only article" in titles and len(titles) == 3


def test_bad_source_is_an_error_line_and_exit_1(tmp_path, capsys):
    db = tmp_path / "w.db"
    good = tmp_path / "good.txt"
    good.write_text("Good one", encoding="utf-8")
    assert main(["import", str(db), str(tmp_path / "missing.txt"), str(good)]) == 1
    out = capsys.readouterr()
    assert "Good one" in out.out
    assert out.err.startswith("error: ") and "missing.txt" in out.err


def test_stats_and_export_need_an_existing_database(tmp_path, capsys):
    assert main(["stats", str(tmp_path / "none.db")]) == 1
    assert "error:" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()


def test_stats_prints_counts(tmp_path, capsys):
    db = tmp_path / "w.db"
    source = tmp_path / "a.txt"
    source.write_text("Counted article", encoding="utf-8")
    main(["import", str(db), str(source)])
    capsys.readouterr()
    assert main(["stats", str(db)]) == 0
    assert "Counted article" in capsys.readouterr().out


def test_refused_database_is_one_error_line(tmp_path, capsys):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database at all" * 50)
    assert main(["stats", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "not a SQLite database" in err and "Traceback" not in err


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["import"])
    assert exit_info.value.code == 2


def _clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(extra)
    return env


def test_module_entry_point_and_no_display_message(tmp_path):
    result = subprocess.run([sys.executable, "-m", "workbench", str(tmp_path / "w.db")], cwd=ROOT,
                            env=_clean_env(), capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.startswith("error: no display") and "QT_QPA_PLATFORM" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
