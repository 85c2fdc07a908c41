"""Killing the program at any moment loses nothing that was shown as done."""

import contextlib
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

CHILD = Path(__file__).with_name("kill_child.py")


def test_sigkill_keeps_every_claim_shown_as_done(tmp_path):
    db = tmp_path / "kill.db"
    child = subprocess.Popen([sys.executable, str(CHILD), str(db), str(tmp_path / "settings")],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    reported = []
    deadline = time.monotonic() + 60
    while len(reported) < 25 and time.monotonic() < deadline:
        line = child.stdout.readline()
        if not line:
            break
        reported.append(line.rstrip("\n").split("\t"))
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    child.stdout.close()
    assert len(reported) >= 25, "the child reported too few claims before being killed"
    with contextlib.closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = dict(conn.execute("SELECT id, verdict FROM claims WHERE deleted_at IS NULL"))
    for claim_id, verdict in reported:
        assert stored.get(claim_id) == verdict
