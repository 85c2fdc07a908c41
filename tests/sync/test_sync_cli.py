"""`workbench sync DB URL` on the command line, and the Qt-free SyncClient a window runs on a worker thread."""

import random
import socket
import subprocess
import sys
import threading

import pytest

from workbench.cli import main
from workbench.sync import SyncCancelled, SyncClient
from workbench.sync_server import ServerUnreachable, SyncError

from tests.sync.helpers import add_work, local_state, open_db, server_state


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_cli_sync_prints_one_summary_line(desk, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("WORKBENCH_REVIEWER", "Ana")
    ana, rid = open_db(tmp_path, "Ana")
    add_work(ana, rid, random.Random(1), claims=2)
    ana.close()
    assert main(["sync", str(tmp_path / "Ana.db"), desk.url]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"{desk.role}@127.0.0.1:{desk.server.port}/{desk.database}: ")
    assert out.count("\n") == 1 and "sent" in out and err == ""
    assert main(["sync", str(tmp_path / "Ana.db"), desk.url]) == 0
    assert capsys.readouterr().out.endswith("nothing new came in; nothing to send\n")


@pytest.mark.parametrize("url, message", [
    ("postgresql://ana@127.0.0.1:{port}/desk", "cannot reach the team server"),
    ("postgresql://ana@127.0.0.1:notaport/desk", "not a PostgreSQL connection string"),
])
def test_cli_sync_errors_are_one_line(tmp_path, capsys, url, message):
    ana, _ = open_db(tmp_path, "Ana")
    ana.close()
    assert main(["sync", str(tmp_path / "Ana.db"), url.format(port=_closed_port())]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("error: ") and message in err and err.count("\n") == 1


def test_cli_sync_of_a_missing_database_is_refused(tmp_path, capsys):
    assert main(["sync", str(tmp_path / "none.db"), "postgresql://ana@127.0.0.1/desk"]) == 1
    assert "no such database" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()


def test_cli_sync_needs_both_arguments(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["sync", "only.db"])
    assert exited.value.code == 2


def test_the_single_user_commands_never_load_the_postgresql_client(tmp_path):
    code = ("import sys; from workbench.cli import main; "
            f"assert main(['import', {str(tmp_path / 'a.db')!r}, {str(tmp_path / 'a.txt')!r}]) == 0; "
            f"assert main(['stats', {str(tmp_path / 'a.db')!r}]) == 0; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('psycopg', 'workbench') and 'sync' in m "
            "or m.startswith('psycopg')))")
    (tmp_path / "a.txt").write_text("The minister said so.\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"


# -- SyncClient -------------------------------------------------------------------------------------

@pytest.fixture
def make_client():
    """SyncClient(...), closed at the end of the test."""
    made = []

    def make(*args, **options):
        made.append(SyncClient(*args, **options))
        return made[-1]

    yield make
    for client in made:
        client.close()


def test_client_keeps_the_url_without_password_and_reports_its_state(desk, tmp_path, monkeypatch, make_client):
    monkeypatch.delenv("PGPASSWORD")
    ana, rid = open_db(tmp_path, "Ana")
    add_work(ana, rid, random.Random(2))
    ana.close()
    seen, asked = [], []
    client = make_client(tmp_path / "Ana.db", desk.url, reviewer="Ana", on_status=seen.append,
                        prompt=lambda server: asked.append(server) or desk.password)
    assert client.url == f"user={desk.role} dbname={desk.database} host=127.0.0.1 port={desk.server.port}"
    assert client.status.state == "never synced" and client.status.last_sync is None
    summary = client.sync_once()
    assert [s.state for s in seen] == ["syncing", "synced"]
    assert client.status.last_sync and client.status.message == str(summary)
    client.sync_once()
    assert len(asked) == 1  # the typed password is kept in memory for the next syncs
    # the connection is kept for the next sync, idle: no open transaction holds the server back
    assert desk.admin("SELECT state FROM pg_stat_activity WHERE application_name = 'workbench-sync'") == [("idle",)]
    client.close()
    again = make_client(tmp_path / "Ana.db", desk.url, reviewer="Ana")
    assert again.status.last_sync == client.status.last_sync  # read back from the database


def test_client_goes_offline_and_back(desk, tmp_path, make_client):
    ana, rid = open_db(tmp_path, "Ana")
    ana.close()
    offline = make_client(tmp_path / "Ana.db", f"postgresql://ana@127.0.0.1:{_closed_port()}/desk", reviewer="Ana")
    with pytest.raises(ServerUnreachable):
        offline.sync_once()
    assert offline.status.state == "offline" and "cannot reach" in offline.status.message
    client = make_client(tmp_path / "Ana.db", desk.url, reviewer="Ana")
    client.sync_once()
    assert client.status.state == "synced"


def test_client_cancel_keeps_both_sides_consistent(desk, tmp_path, make_client):
    (ana, aid), (bo, bid) = open_db(tmp_path, "Ana"), open_db(tmp_path, "Bo")
    add_work(bo, bid, random.Random(3), claims=5)
    make_client(tmp_path / "Bo.db", desk.url, reviewer="Bo").sync_once()
    add_work(ana, aid, random.Random(4), claims=5)
    stop = threading.Event()
    phases = []

    def progress(phase, done, total):
        phases.append(phase)
        if phase == "pushing":
            stop.set()

    client = make_client(tmp_path / "Ana.db", desk.url, reviewer="Ana")
    with pytest.raises(SyncCancelled):
        client.sync_once(progress=progress, cancel=stop.is_set)
    assert client.status.state == "failed"
    assert "merging" in phases  # what was pulled is kept; nothing of Ana's reached the server
    assert not [k for k, (d, _) in server_state(desk.url).items() if k[0] == "claims" and d["created_by"] == aid]
    client.sync_once()
    make_client(tmp_path / "Bo.db", desk.url, reviewer="Bo").sync_once()
    assert local_state(ana) == local_state(bo) == server_state(desk.url)


def test_client_syncs_one_at_a_time_from_two_threads(desk, tmp_path, make_client):
    ana, rid = open_db(tmp_path, "Ana")
    add_work(ana, rid, random.Random(5))
    client = make_client(tmp_path / "Ana.db", desk.url, reviewer="Ana")
    errors = []

    def run():
        try:
            client.sync_once()
        except SyncError as error:
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and local_state(ana) == server_state(desk.url)
