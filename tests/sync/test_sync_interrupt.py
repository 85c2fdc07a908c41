"""A sync cut at any moment (connection terminated, process killed) leaves both sides consistent,
and the next sync completes it."""

import os
import random
import signal
import subprocess
import sys
import threading
import time

import psycopg
import pytest

from workbench.store import Store
from workbench.sync_server import ServerUnreachable

from tests.sync.helpers import (add_work, assert_local_consistent, assert_server_consistent, local_state,
                                open_db, server_state, sync)

SEED = 20240615


def _terminate_sync_connections(desk) -> int:
    """Cut every sync connection to the desk's database from the server side; how many were cut."""
    return len(desk.admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE application_name = 'workbench-sync' AND datname = current_database()"))


def test_a_connection_cut_at_each_step_is_completed_by_the_next_sync(desk, tmp_path):
    rng = random.Random(SEED)
    (ana, aid), (bo, bid) = open_db(tmp_path, "Ana"), open_db(tmp_path, "Bo")
    add_work(bo, bid, rng, claims=3)
    sync(bo, desk.url, "Bo")
    cut_at = []
    for step in range(50):  # cut at the first progress event, then the second, ... until one runs through
        add_work(ana, aid, rng, claims=2)
        add_work(bo, bid, rng, claims=1)
        sync(bo, desk.url, "Bo")
        events = []

        def cut(phase, done, total):
            events.append(phase)
            if len(events) == step + 1 and _terminate_sync_connections(desk):
                cut_at.append(phase)

        try:
            sync(ana, desk.url, "Ana", progress=cut)
        except ServerUnreachable as error:
            assert "connection to the team server was lost" in str(error)
        assert_local_consistent(ana)
        assert_server_consistent(desk.url)
        if len(events) <= step:
            break
    assert {"pulling", "merging", "pushing"} <= set(cut_at)
    for store, name in ((ana, "Ana"), (bo, "Bo"), (ana, "Ana")):
        sync(store, desk.url, name)
    assert local_state(ana) == local_state(bo) == server_state(desk.url)


def _cut_when_waiting(desk) -> threading.Thread:
    """A thread that cuts the sync connection once it waits for a lock the test holds."""
    def watch():
        for _ in range(3000):
            if desk.admin("SELECT 1 FROM pg_stat_activity WHERE application_name = 'workbench-sync' "
                          "AND wait_event_type = 'Lock'"):
                _terminate_sync_connections(desk)
                return
            time.sleep(0.005)

    thread = threading.Thread(target=watch)
    thread.start()
    return thread


@pytest.mark.parametrize("during, lock", [
    ("pull", "LOCK TABLE workbench.blobs IN ACCESS EXCLUSIVE MODE"),  # after the rows, before the files
    ("push", "LOCK TABLE workbench.rows IN SHARE MODE"),  # reads go on, writes wait
])
def test_a_connection_cut_inside_a_server_transaction(desk, tmp_path, during, lock):
    from workbench.evidence import add_evidence, attach_bytes

    rng = random.Random(SEED + 1)
    (ana, aid), (bo, bid) = open_db(tmp_path, "Ana"), open_db(tmp_path, "Bo")
    sync(ana, desk.url, "Ana")
    claim = add_work(bo, bid, rng, claims=30)[0]
    attach_bytes(bo, add_evidence(bo, claim, reviewer_id=bid)["id"], b"scan" * 1000, "scan.bin", reviewer_id=bid)
    sync(bo, desk.url, "Bo")
    add_work(ana, aid, rng, claims=30)
    before = server_state(desk.url)
    holder = psycopg.connect(desk.server.url(desk.database), password=desk.server.password)
    holder.execute(lock)
    watcher = _cut_when_waiting(desk)
    with pytest.raises(ServerUnreachable, match="connection to the team server was lost"):
        sync(ana, desk.url, "Ana")
    watcher.join()
    holder.rollback()
    holder.close()
    assert_local_consistent(ana)
    assert server_state(desk.url) == before  # the cut transaction left nothing behind
    if during == "pull":
        assert ana.get_value("SELECT count(*) FROM claims WHERE created_by = ?", [bid]) == 0
    for store, name in ((ana, "Ana"), (bo, "Bo")):
        sync(store, desk.url, name)
    assert_server_consistent(desk.url)
    assert local_state(ana) == local_state(bo) == server_state(desk.url)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_of_the_syncing_process_at_random_moments(desk, tmp_path):
    rng = random.Random(SEED + 2)
    (ana, aid), (bo, bid) = open_db(tmp_path, "Ana"), open_db(tmp_path, "Bo")
    ana.close()
    env = {**os.environ, "PGPASSWORD": desk.password, "WORKBENCH_REVIEWER": "Ana",
           "PYTHONPATH": os.pathsep.join(sys.path)}
    killed = 0
    for _ in range(6):
        with Store.open(tmp_path / "Ana.db") as ana:
            add_work(ana, aid, rng, claims=60)
        add_work(bo, bid, rng, claims=60)
        sync(bo, desk.url, "Bo")
        child = subprocess.Popen([sys.executable, "-m", "workbench", "sync", str(tmp_path / "Ana.db"), desk.url],
                                 env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.2, 1.5))
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=30)
        killed += child.returncode == -signal.SIGKILL
        with Store.open(tmp_path / "Ana.db") as ana:
            assert_local_consistent(ana)
        assert_server_consistent(desk.url)
    assert killed >= 1
    with Store.open(tmp_path / "Ana.db") as ana:
        for store, name in ((ana, "Ana"), (bo, "Bo"), (ana, "Ana")):
            sync(store, desk.url, name)
        assert local_state(ana) == local_state(bo) == server_state(desk.url)
        assert ana.get_value("SELECT count(*) FROM claims") == 6 * 120 + 0
