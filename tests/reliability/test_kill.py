"""SIGKILL at random moments loses nothing a writer reported as committed, and damages nothing."""

import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from workbench.articles import add_article
from workbench.store import Store

from tests.reliability.writer import ARTICLE

WRITER = Path(__file__).with_name("writer.py")
RUNS = 8
SEED = 20240607

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def run_and_kill(db: Path, seed: int, delay: float) -> list[list[str]]:
    """Start a writer, SIGKILL it `delay` seconds after it is ready; the complete lines it printed."""
    child = subprocess.Popen([sys.executable, str(WRITER), str(db), "kill", str(seed)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
    lines: list[str] = []
    ready = threading.Event()

    def read():
        for line in child.stdout:  # until EOF: what was printed before the kill is still in the pipe
            lines.append(line)
            ready.set()
        ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert ready.wait(30), "the writer never started"
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    reader.join(timeout=10)
    child.stdout.close()
    stderr = child.stderr.read()
    child.stderr.close()
    assert child.returncode == -signal.SIGKILL, f"the writer ended before the kill: {stderr}"
    assert lines and lines[0] == "ready\n", stderr
    # A line cut off by the kill has no newline: its commit may or may not have happened.
    return [line.rstrip("\n").split("\t") for line in lines[1:] if line.endswith("\n")]


def check_database(db: Path) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Open db as the program does, check it whole; live claims' verdicts and verdict histories."""
    with Store.open(db) as store:  # Store.open refuses a damaged or foreign file
        assert store.get_value("PRAGMA integrity_check") == "ok"
        assert store.get_value("PRAGMA foreign_key_check") is None
        for table in ("articles_fts", "claims_fts", "evidence_fts"):  # raises if an index lost step
            store.conn.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")
        stored = {r["id"]: r["verdict"] for r in store.query(
            "SELECT id, verdict FROM claims WHERE deleted_at IS NULL")}
        history: dict[str, list[str]] = {}
        for row in store.query("SELECT claim_id, to_verdict FROM verdict_history "
                               "WHERE deleted_at IS NULL ORDER BY created_at, rowid"):
            history.setdefault(row["claim_id"], []).append(row["to_verdict"])
    return stored, history


def test_sigkill_at_random_moments_keeps_every_reported_claim(tmp_path):
    db = tmp_path / "kill.db"
    with Store.open(db) as store:
        add_article(store, ARTICLE, reviewer_id=store.reviewer("Kim"), title="Shared article")
    rng = random.Random(SEED)
    reported: dict[str, list[str]] = {}  # claim id -> the verdicts reported for it, in order
    in_flight: set[str] = set()  # claims whose next verdict change may have committed unreported
    for run in range(RUNS):
        events = run_and_kill(db, rng.randrange(1 << 30), rng.uniform(0.0, 0.4))
        for kind, claim_id, verdict in events:
            assert kind == "claim" if claim_id not in reported else kind == "verdict"
            reported.setdefault(claim_id, []).append(verdict)
        if events:
            in_flight.add(events[-1][1])
        stored, history = check_database(db)
        for claim_id, verdicts in reported.items():
            assert claim_id in stored, f"run {run}: claim {claim_id} was reported done but is not stored"
            expected = ([verdicts[0]] if verdicts[0] != "pending" else []) + verdicts[1:]
            got = history.get(claim_id, [])
            if stored[claim_id] == verdicts[-1]:
                assert got == expected, f"run {run}: claim {claim_id}: history {got}, reported {expected}"
            else:  # the change in flight at a kill committed, but was not reported
                assert claim_id in in_flight, \
                    f"run {run}: claim {claim_id} has {stored[claim_id]}, reported {verdicts[-1]}"
                assert got == [*expected, stored[claim_id]], f"run {run}: claim {claim_id}: history {got}"
        unreported = set(stored) - set(reported)
        assert len(unreported) <= run + 1, f"run {run}: {len(unreported)} claims nobody reported"
    assert len(reported) > 5 * RUNS, "the writers were killed before they wrote much"


def test_a_killed_writer_leaves_a_database_that_sqlite_itself_opens(tmp_path):
    """After the kill, a plain sqlite3 connection (no workbench code) reads every reported claim."""
    db = tmp_path / "kill.db"
    with Store.open(db) as store:
        add_article(store, ARTICLE, reviewer_id=store.reviewer("Kim"), title="Shared article")
    events = run_and_kill(db, 1, 0.3)
    claims = {e[1] for e in events}
    assert claims
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {r[0] for r in conn.execute("SELECT id FROM claims")}
    finally:
        conn.close()
    assert claims <= stored
