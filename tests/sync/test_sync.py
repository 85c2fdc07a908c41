"""workbench sync against a real PostgreSQL server: push, pull, convergence, the cursor, attachments."""

import random

import psycopg
import pytest

from workbench import sync_merge
from workbench.claims import purge_claim, set_rationale, set_verdict
from workbench.evidence import add_evidence, attach_bytes
from workbench.merge import save_copy
from workbench.store import Store
from workbench.sync_server import ServerUnreachable

from tests.sync.helpers import add_work, local_state, open_db, server_state, sync


def test_three_reviewers_end_with_the_same_rows_as_the_server(desk, tmp_path):
    rng = random.Random(1)
    reviewers = [open_db(tmp_path, name) for name in ("Ana", "Bo", "Chen")]
    for store, rid in reviewers:
        add_work(store, rid, rng, claims=4)
    for _ in range(2):  # the first round brings each only what the earlier ones pushed
        for (store, _), name in zip(reviewers, ("Ana", "Bo", "Chen")):
            sync(store, desk.url, name)
    server = server_state(desk.url)
    assert len([k for k in server if k[0] == "claims"]) == 12
    for store, _ in reviewers:
        assert local_state(store) == server
        assert store.get_value("PRAGMA foreign_key_check") is None


def test_a_sync_with_nothing_new_moves_nothing(desk, tmp_path):
    ana, rid = open_db(tmp_path, "Ana")
    add_work(ana, rid, random.Random(2))
    first = sync(ana, desk.url)
    assert first.pushed > 0 and first.pulled == 0
    again = sync(ana, desk.url)
    assert (again.pulled, again.pushed) == (0, 0)  # our own push is not pulled back, nothing is resent
    assert str(again).endswith("nothing new came in; nothing to send")


def test_only_what_changed_since_the_last_sync_travels(desk, tmp_path):
    rng = random.Random(3)
    (ana, aid), (bo, bid) = open_db(tmp_path, "Ana"), open_db(tmp_path, "Bo")
    claims = add_work(ana, aid, rng, claims=5)
    sync(ana, desk.url, "Ana")
    sync(bo, desk.url, "Bo")
    assert sync(ana, desk.url, "Ana").pulled == 1  # Bo's reviewer row
    set_verdict(bo, claims[0], "unverifiable" if bo.get("claims", claims[0])["verdict"] != "unverifiable"
                else "verified", reviewer_id=bid)
    pushed = sync(bo, desk.url, "Bo")
    assert pushed.pulled == 0 and pushed.pushed == 2  # the claim and its new history row
    pulled = sync(ana, desk.url, "Ana")
    assert pulled.pulled == 2 and pulled.pushed == 0
    assert ana.get("claims", claims[0])["verdict"] == bo.get("claims", claims[0])["verdict"]


def test_edits_of_one_claim_on_two_sides_merge_by_the_merge_rules(desk, tmp_path):
    rng = random.Random(4)
    (ana, aid), (bo, bid) = open_db(tmp_path, "Ana"), open_db(tmp_path, "Bo")
    claim = add_work(ana, aid, rng, claims=1)[0]
    sync(ana, desk.url, "Ana")
    sync(bo, desk.url, "Bo")
    set_rationale(ana, claim, "Ana's reading", reviewer_id=aid)
    set_rationale(bo, claim, "Bo's later reading", reviewer_id=bid)
    sync(ana, desk.url, "Ana")
    summary = sync(bo, desk.url, "Bo")  # Bo's push must not overwrite Ana's version unseen
    assert summary.pulled >= 1
    sync(ana, desk.url, "Ana")
    assert ana.get("claims", claim)["rationale"] == bo.get("claims", claim)["rationale"] == "Bo's later reading"
    assert local_state(ana) == local_state(bo) == server_state(desk.url)


def test_a_row_committed_late_is_not_skipped(desk, tmp_path):
    """A transaction that started writing first but commits last must still reach every reviewer."""
    rng = random.Random(5)
    (ana, aid), (bo, bid), (cy, cid) = (open_db(tmp_path, n) for n in ("Ana", "Bo", "Cy"))
    for store, rid, name in ((ana, aid, "Ana"), (bo, bid, "Bo"), (cy, cid, "Cy")):
        sync(store, desk.url, name)  # the schema exists and each is known
    add_work(cy, cid, rng, claims=2)
    late_rows = list(sync_merge.all_rows(cy).items())
    slow = psycopg.connect(desk.url)
    slow.execute("SELECT pg_current_xact_id()")  # takes its transaction id first
    for (table, key), (data, clocks) in late_rows:
        slow.execute("INSERT INTO workbench.rows (tbl, id, data, clocks, pushed_by) VALUES (%s, %s, %s, %s, 'slow') "
                     "ON CONFLICT (tbl, id) DO UPDATE SET data = excluded.data, xid = pg_current_xact_id()",
                     [table, key, psycopg.types.json.Jsonb(data), psycopg.types.json.Jsonb(clocks)])
    add_work(bo, bid, rng, claims=1)
    sync(bo, desk.url, "Bo")  # a later transaction commits first
    sync(ana, desk.url, "Ana")
    assert len(ana.query("SELECT id FROM claims")) == 1  # Bo's; Cy's is not committed yet
    slow.commit()
    slow.close()
    sync(ana, desk.url, "Ana")
    assert len(ana.query("SELECT id FROM claims")) == 3


def test_attachments_travel_once_by_sha256(desk, tmp_path):
    rng = random.Random(6)
    (ana, aid), (bo, bid) = open_db(tmp_path, "Ana"), open_db(tmp_path, "Bo")
    claims = add_work(ana, aid, rng, claims=2)
    scan = bytes(range(256)) * 1000
    for claim in claims:  # one file attached to two evidence items
        evidence = add_evidence(ana, claim, reviewer_id=aid, title="scan")
        attach_bytes(ana, evidence["id"], scan, "scan.pdf", reviewer_id=aid)
    first = sync(ana, desk.url, "Ana")
    assert first.files_sent == 1 and "with 1 attached file" in str(first)
    assert desk.admin("SELECT count(*), sum(length(data)) FROM workbench.blobs") == [(1, len(scan))]
    assert sync(bo, desk.url, "Bo").files_received == 1
    assert bo.get_value("SELECT data FROM blobs") == scan
    # Bo attaches the same file again: the server is not sent it again, nor Ana
    evidence = add_evidence(bo, claims[0], reviewer_id=bid, title="the same scan")
    attach_bytes(bo, evidence["id"], scan, "copy.pdf", reviewer_id=bid)
    assert sync(bo, desk.url, "Bo").files_sent == 0
    again = sync(ana, desk.url, "Ana")
    assert again.files_received == 0 and again.pulled >= 2
    assert len(ana.query("SELECT id FROM attachments")) == 3


def test_a_saved_copy_starts_afresh_and_its_work_reaches_the_server(desk, tmp_path):
    rng = random.Random(7)
    ana, aid = open_db(tmp_path, "Ana")
    add_work(ana, aid, rng)
    sync(ana, desk.url, "Ana")
    save_copy(ana, tmp_path / "copy.db")
    with Store.open(tmp_path / "copy.db") as copy:
        rid = copy.reviewer("Bo")
        add_work(copy, rid, rng, claims=2)
        sync(copy, desk.url, "Bo")
        sync(ana, desk.url, "Ana")
        assert local_state(copy) == local_state(ana) == server_state(desk.url)


def test_a_claim_removed_here_after_it_was_pushed_comes_back_with_colleagues_evidence(desk, tmp_path):
    rng = random.Random(8)
    (ana, aid), (bo, bid) = open_db(tmp_path, "Ana"), open_db(tmp_path, "Bo")
    claim = add_work(ana, aid, rng, claims=1)[0]
    ana.conn.execute("DELETE FROM evidence")  # as if the claim were new: undo of its creation
    sync(ana, desk.url, "Ana")
    sync(bo, desk.url, "Bo")
    purge_claim(ana, claim)
    add_evidence(bo, claim, reviewer_id=bid, title="Bo's source")
    sync(bo, desk.url, "Bo")
    sync(ana, desk.url, "Ana")  # the evidence points at the claim: the server's copy comes along
    assert ana.get("claims", claim) is not None
    assert local_state(ana) == local_state(bo) == server_state(desk.url)


def test_an_interrupted_push_is_completed_by_the_next_sync(desk, tmp_path, monkeypatch):
    """The server committed but this side never heard: the rows stay marked, then match."""
    from workbench import sync_local

    ana, aid = open_db(tmp_path, "Ana")
    add_work(ana, aid, random.Random(9))

    def lost(*args):
        raise psycopg.OperationalError("server closed the connection unexpectedly")

    with monkeypatch.context() as patched:
        patched.setattr(sync_local, "clear_pending", lost)
        with pytest.raises(ServerUnreachable, match="connection to the team server was lost"):
            sync(ana, desk.url)
    assert ana.get_value("SELECT count(*) FROM sync_pending") > 0
    again = sync(ana, desk.url)
    assert again.pushed == 0  # pulled back, found identical: nothing to send
    assert ana.get_value("SELECT count(*) FROM sync_pending") == 0
    assert local_state(ana) == server_state(desk.url)


def test_concurrent_edits_of_different_fields_both_survive_a_sync(desk, tmp_path):
    rng = random.Random(10)
    (ana, aid), (bo, bid) = open_db(tmp_path, "Ana"), open_db(tmp_path, "Bo")
    claim = add_work(ana, aid, rng, claims=1)[0]
    sync(ana, desk.url, "Ana")
    sync(bo, desk.url, "Bo")
    verdict = "disputed" if ana.get("claims", claim)["verdict"] != "disputed" else "verified"
    set_verdict(ana, claim, verdict, reviewer_id=aid)
    set_rationale(bo, claim, "Bo's rationale, written later", reviewer_id=bid)
    sync(bo, desk.url, "Bo")
    sync(ana, desk.url, "Ana")
    sync(bo, desk.url, "Bo")
    for store in (ana, bo):
        row = store.get("claims", claim)
        assert (row["verdict"], row["rationale"]) == (verdict, "Bo's rationale, written later")
    assert local_state(ana) == local_state(bo) == server_state(desk.url)


def test_a_change_of_a_field_clock_alone_is_sent(desk, tmp_path):
    """The same value set again later by another reviewer: only its clock changes, and travels."""
    rng = random.Random(11)
    (ana, aid), (bo, bid) = open_db(tmp_path, "Ana"), open_db(tmp_path, "Bo")
    claim = add_work(ana, aid, rng, claims=1)[0]
    sync(ana, desk.url, "Ana")
    sync(bo, desk.url, "Bo")
    rationale = bo.get("claims", claim)["rationale"]
    set_rationale(bo, claim, rationale + " (checked)", reviewer_id=bid)
    set_rationale(bo, claim, rationale, reviewer_id=bid)
    sync(bo, desk.url, "Bo")
    sync(ana, desk.url, "Ana")
    assert local_state(ana) == local_state(bo) == server_state(desk.url)


def test_every_merged_table_is_marked_for_sync(store):
    from workbench import schema
    from workbench.merge_rules import merged_tables

    assert set(merged_tables(store.conn)) == set(schema.SYNCED_TABLES)
