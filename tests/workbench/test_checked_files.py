"""The program's own database skips its opening checks only while it is exactly as the program left it."""

import sqlite3

import pytest

from workbench import checked_files
from workbench.errors import DatabaseRefused
from workbench.store import Store


@pytest.fixture(autouse=True)
def own_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


def _close_remembered(path):
    store = Store.open(path, remember=True)
    store.reviewer("Ana")
    store.close()


def test_a_database_closed_by_the_program_is_known_unchanged_until_another_program_writes(tmp_path):
    path = tmp_path / "own.db"
    _close_remembered(path)
    assert checked_files.unchanged(path)
    Store.open(path, remember=True).close()  # reopened and closed with no change: still known
    assert checked_files.unchanged(path)
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO meta(key, value) VALUES ('note', 'another program')")
    conn.commit()
    conn.close()
    assert not checked_files.unchanged(path)


def test_a_file_changed_behind_the_programs_back_is_checked_again_and_refused(tmp_path):
    path = tmp_path / "own.db"
    _close_remembered(path)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TRIGGER evil AFTER INSERT ON claims BEGIN SELECT 1; END")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseRefused, match="own.db"):
        Store.open(path, remember=True)


def test_only_remembered_opens_note_the_file(tmp_path):
    path = tmp_path / "plain.db"
    Store.open(path).close()
    assert not checked_files.unchanged(path)
    readonly = Store.open(path, readonly=True)
    readonly.close()
    assert not checked_files.unchanged(path)
