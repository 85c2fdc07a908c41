"""Syncing a workspace's database in the background (a real PostgreSQL server), and the pieces a window shows."""

import random
import socket
import threading
from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.sync.helpers import add_work, open_db, server_state
from workbench.errors import WorkbenchError
from workbench.sync import SyncStatus
from workbench.sync_server import conninfo_parts, without_password
from workbench.workspace import Workspace
from workbench.workspace.team import BackgroundSync, Connection, local_time, status_details, status_text

WAIT_S = 30


def test_a_pasted_url_splits_into_fields_and_comes_back_without_its_password():
    parsed = Connection.parse("postgresql://ana:s3cr%40t@desk.example.org:5433/factcheck_desk?sslmode=verify-full")
    assert (parsed.host, parsed.port, parsed.dbname, parsed.user) == ("desk.example.org", "5433", "factcheck_desk", "ana")
    assert parsed.password == "s3cr@t" and parsed.options == {"sslmode": "verify-full"}
    assert parsed.url() == "postgresql://ana@desk.example.org:5433/factcheck_desk?sslmode=verify-full"
    assert Connection.parse("host=desk.example.org dbname=fc user=bo password=x").url() == \
        "postgresql://bo@desk.example.org/fc"


@given(host=st.from_regex(r"[a-z][a-z0-9.-]{0,20}", fullmatch=True),
       port=st.one_of(st.just(""), st.integers(1, 65535).map(str)),
       dbname=st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12),
       user=st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12))
def test_fields_survive_the_url_that_stores_them(host, port, dbname, user):
    connection = Connection(host, port, dbname, user)
    parts = conninfo_parts(connection.url())
    assert parts.get("host") == host and parts.get("dbname") == dbname
    assert parts.get("port", "") == port and parts.get("user", "") == user
    assert "password" not in parts


def test_fields_that_cannot_reach_a_server_are_named():
    assert Connection("", "", "fc").problem() == "Give the server's host name."
    assert Connection("desk", "", "").problem() == "Give the name of the desk's database."
    assert "not a number" in Connection("desk", "54x", "fc").problem()
    with pytest.raises(WorkbenchError):
        Connection.parse("postgresql://desk:notaport/fc")


def test_the_indicator_words_and_tooltip():
    now = datetime(2025, 5, 3, 12, 0, tzinfo=timezone.utc)
    synced = SyncStatus("synced", "2025-05-03T11:58:00.000000Z", "desk: nothing new came in; nothing to send")
    assert status_text(synced, now) == "Synced " + local_time(synced.last_sync, now)
    assert local_time(synced.last_sync, now) == datetime(2025, 5, 3, 11, 58, tzinfo=timezone.utc).astimezone().strftime("%H:%M")
    assert local_time("2025-04-30T08:00:00Z", now).endswith(datetime(2025, 4, 30, 8, tzinfo=timezone.utc).astimezone().strftime("%b %H:%M"))
    offline = SyncStatus("offline", synced.last_sync, "desk: cannot reach the team server (connection refused)")
    assert status_text(offline, now) == "Offline"
    details = status_details("ana@desk:5432/fc", offline, now)
    assert "Why: desk: cannot reach the team server (connection refused)" in details
    assert "Last sync: " in details and "sent when the server answers again" in details
    assert status_details("s", SyncStatus("never synced"), now).splitlines()[1] == "Not synced with it yet"


class Recorder:
    """Collects what a BackgroundSync reports from its thread."""

    def __init__(self):
        self.states: list[str] = []
        self.summaries = []
        self.changed = threading.Condition()

    def status(self, status: SyncStatus) -> None:
        with self.changed:
            self.states.append(status.state)
            self.changed.notify_all()

    def synced(self, summary) -> None:
        with self.changed:
            self.summaries.append(summary)
            self.changed.notify_all()

    def wait(self, condition) -> None:
        with self.changed:
            assert self.changed.wait_for(condition, WAIT_S), self.states


def test_background_sync_sends_what_is_made_here_while_it_runs(desk, tmp_path):
    store, reviewer_id = open_db(tmp_path, "Ana")
    workspace = Workspace(store, "Ana")
    seen = Recorder()
    background = workspace.background_sync(desk.url, on_status=seen.status, on_synced=seen.synced, interval_s=0.1)
    assert background.url == without_password(desk.url) and background.server.endswith(f"/{desk.database}")
    background.start()
    try:
        seen.wait(lambda: seen.summaries)
        claims = add_work(store, reviewer_id, random.Random(7), claims=2)
        made = len(seen.summaries)
        seen.wait(lambda: sum(summary.pushed for summary in seen.summaries[made:]) >= 2 * len(claims))
        seen.wait(lambda: len(seen.summaries) > made + 1)  # and a sync after those has completed
        on_server = {key[1] for key in server_state(desk.url) if key[0] == "claims"}
        assert set(claims) <= on_server
    finally:
        background.stop()
        workspace.close()
    assert seen.states[:2] == ["never synced", "syncing"] and "synced" in seen.states
    assert not background._thread.is_alive()


def test_background_sync_keeps_trying_a_server_that_does_not_answer(tmp_path):
    with socket.socket() as probe:  # a port nothing listens on: connections are refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    seen = Recorder()
    background = BackgroundSync(tmp_path / "a.db", f"postgresql://ana:pw@127.0.0.1:{port}/desk", reviewer="Ana",
                                on_status=seen.status, interval_s=0.05, offline_max_s=0.1)
    assert "pw" not in background.url  # the password stays in the client's memory
    background.start()
    try:
        seen.wait(lambda: seen.states.count("offline") >= 3)  # tried again and again, without a click
    finally:
        background.stop()
    assert background.status.state == "offline" and "cannot reach the team server" in background.status.message


def test_a_malformed_address_is_refused_before_any_thread_starts(tmp_path):
    with pytest.raises(WorkbenchError, match="not a PostgreSQL connection string"):
        BackgroundSync(tmp_path / "a.db", "postgresql://desk:port/fc", reviewer="Ana")
