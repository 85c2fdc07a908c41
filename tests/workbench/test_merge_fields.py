"""Field-level merge: every field keeps its own clock; any order, grouping or repetition gives one result."""

import itertools
import shutil
import tempfile
from pathlib import Path
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench import clocks, ids
from workbench.articles import add_article
from workbench.claims import add_claim, delete_claim, restore_claim, set_rationale, set_verdict
from workbench.evidence import add_evidence, update_evidence
from workbench.merge import merge_database, save_copy
from workbench.store import Store

from .test_merge import dump

TEXT = "The minister said that 40 drones crossed the border on Tuesday. Officials denied it today."
REVIEWERS = ("Ana", "Bo", "Cy")
VERDICTS = ("pending", "verified", "disputed", "unverifiable")

OPS = st.one_of(
    st.tuples(st.just("verdict"), st.integers(0, 9), st.sampled_from(VERDICTS)),
    st.tuples(st.just("rationale"), st.integers(0, 9), st.sampled_from(["", "source?", "checked"])),
    st.tuples(st.just("delete"), st.integers(0, 9)),
    st.tuples(st.just("restore"), st.integers(0, 9)),
    st.tuples(st.just("note"), st.integers(0, 9), st.sampled_from(["seen", "archived"])),
    st.tuples(st.just("stance"), st.integers(0, 9), st.sampled_from(["supports", "refutes"])),
    st.tuples(st.just("claim"), st.integers(0, 60), st.integers(1, 20), st.sampled_from(VERDICTS)),
    st.tuples(st.just("title"), st.sampled_from(["Drones", "Border report"])),
)
TIMED = st.lists(st.tuples(st.integers(0, 4), OPS), max_size=8)  # few distinct times: ties are common


def _apply(path: Path, name: str, ops) -> None:
    with Store.open(path) as store:
        rid = store.reviewer(name)
        article = ids.article_id(TEXT)
        for moment, (kind, *args) in ops:
            with mock.patch.object(ids, "now", lambda m=moment: f"2024-05-31T12:00:0{m}.000000Z"):
                claims = [r["id"] for r in store.query("SELECT id FROM claims ORDER BY id")]
                evidence = [r["id"] for r in store.query("SELECT id FROM evidence ORDER BY id")]
                claim = claims[args[0] % len(claims)] if kind in ("verdict", "rationale", "delete", "restore") else None
                if kind == "verdict":
                    set_verdict(store, claim, args[1], reviewer_id=rid)
                elif kind == "rationale":
                    set_rationale(store, claim, args[1], reviewer_id=rid)
                elif kind == "delete":
                    delete_claim(store, claim, reviewer_id=rid)
                elif kind == "restore":
                    restore_claim(store, claim, reviewer_id=rid)
                elif kind in ("note", "stance") and evidence:
                    update_evidence(store, evidence[args[0] % len(evidence)], reviewer_id=rid, **{kind: args[1]})
                elif kind == "claim":
                    start = min(args[0], len(TEXT) - 1)
                    add_claim(store, article, start, min(start + args[1], len(TEXT)), reviewer_id=rid,
                              verdict=args[2])
                elif kind == "title":
                    with store.transaction():
                        store.update("articles", article, title=args[0], updated_by=rid)


def _base(path: Path) -> None:
    with Store.open(path) as store:
        rid = store.reviewer("Ana")
        with mock.patch.object(ids, "now", lambda: "2024-05-31T11:00:00.000000Z"):
            article = add_article(store, TEXT, reviewer_id=rid).article["id"]
            first = add_claim(store, article, 4, 12, reviewer_id=rid)
            add_claim(store, article, 13, 30, reviewer_id=rid, verdict="verified")
            add_evidence(store, first["id"], reviewer_id=rid, title="Ministry statement")


def _merged(folder: Path, name: str, start: Path, *others: Path) -> Path:
    target = folder / name
    shutil.copy(start, target)
    with Store.open(target) as store:
        for other in others:
            merge_database(store, other, reviewer_id=store.reviewer("Ana"))
    return target


def _fields(path: Path) -> dict:
    """(table, row id, field) -> (clock, values) of every field of claims, evidence and articles."""
    result = {}
    with Store.open(path) as store:
        for table in ("articles", "claims", "evidence"):
            layout = store.layout(table)
            rows = {r["id"]: r for r in store.query(f"SELECT * FROM {table}")}
            for name, cols in layout.fields.items():
                for row_id, clock in clocks.field_clocks(store, table, name).items():
                    result[(table, row_id, name)] = (clock, [rows[row_id][c] for c in cols])
    return result


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.tuples(TIMED, TIMED, TIMED))
def test_three_replicas_merged_in_every_order_agree_and_keep_every_fields_latest_edit(histories):
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        _base(folder / "base.db")
        replicas = []
        for reviewer, ops in zip(REVIEWERS, histories):
            path = folder / f"{reviewer}.db"
            with Store.open(folder / "base.db") as base:
                save_copy(base, path)
            _apply(path, reviewer, ops)
            replicas.append(path)
        results = [_merged(folder, f"order-{i}.db", first, *rest)
                   for i, (first, *rest) in enumerate(itertools.permutations(replicas))]
        expected = dump(results[0])
        for other in results[1:]:
            assert dump(other) == expected  # commutative
        grouped = _merged(folder, "grouped.db", replicas[0], _merged(folder, "pair.db", replicas[1], replicas[2]))
        assert dump(grouped) == expected  # associative
        with Store.open(results[0]) as store:
            for replica in replicas:
                assert not merge_database(store, replica, reviewer_id=store.reviewer("Ana")).changed
        assert dump(results[0]) == expected  # idempotent
        # Every field holds the version with the latest clock among the replicas: no edit is lost
        # to an edit of another field of the same row.
        versions = [_fields(r) for r in replicas]
        for key, (clock, values) in _fields(results[0]).items():
            best = max((v[key] for v in versions if key in v), key=lambda v: clocks.order_key(v[0], v[1]))
            assert (clock, values) == best, key


def test_edits_of_different_fields_by_three_reviewers_all_survive(tmp_path):
    _base(tmp_path / "base.db")
    paths = {}
    for reviewer in REVIEWERS:
        with Store.open(tmp_path / "base.db") as base:
            paths[reviewer] = save_copy(base, tmp_path / f"{reviewer}.db")
    with Store.open(paths["Ana"]) as ana:
        claim = ana.query("SELECT id FROM claims ORDER BY start LIMIT 1")[0]["id"]
        evidence = ana.query("SELECT id FROM evidence")[0]["id"]
        set_rationale(ana, claim, "Ana's reasons", reviewer_id=ana.reviewer("Ana"))
    with Store.open(paths["Bo"]) as bo:
        set_verdict(bo, claim, "disputed", reviewer_id=bo.reviewer("Bo"))
        update_evidence(bo, evidence, reviewer_id=bo.reviewer("Bo"), note="Bo's note")
    with Store.open(paths["Cy"]) as cy:
        update_evidence(cy, evidence, reviewer_id=cy.reviewer("Cy"), stance="refutes")
    for first in REVIEWERS:
        merged = _merged(tmp_path, f"from-{first}.db", paths[first], *(paths[r] for r in REVIEWERS if r != first))
        with Store.open(merged) as store:
            row = store.get("claims", claim)
            assert (row["verdict"], row["rationale"]) == ("disputed", "Ana's reasons")
            item = store.get("evidence", evidence)
            assert (item["note"], item["stance"]) == ("Bo's note", "refutes")
            givers = clocks.verdict_givers(store, [claim])
            assert givers[claim].author == ids.reviewer_id("Bo")
            assert item["updated_by"] in (ids.reviewer_id("Bo"), ids.reviewer_id("Cy"))


# -- regressions -----------------------------------------------------------------------------------

def test_evidence_and_attachment_updated_by_come_through(tmp_path):
    """Issue 10: merge took its columns from the version-1 schema and dropped updated_by."""
    from workbench.evidence import attach_bytes

    _base(tmp_path / "base.db")
    with Store.open(tmp_path / "base.db") as base:
        save_copy(base, tmp_path / "bo.db")
    with Store.open(tmp_path / "bo.db") as bo:
        bid = bo.reviewer("Bo")
        claim = bo.query("SELECT id FROM claims ORDER BY start LIMIT 1")[0]["id"]
        item = add_evidence(bo, claim, reviewer_id=bid, title="Bo's source")
        attach_bytes(bo, item["id"], b"%PDF-1.4 scan", "scan.pdf", reviewer_id=bid)
    with Store.open(tmp_path / "base.db") as store:
        merge_database(store, tmp_path / "bo.db", reviewer_id=store.reviewer("Ana"))
        assert store.get("evidence", item["id"])["updated_by"] == bid
        assert [r["updated_by"] for r in store.query("SELECT updated_by FROM attachments")] == [bid]


def test_two_fresh_databases_keep_the_earliest_creator_and_report_nothing_updated(tmp_path):
    """Issue 10: merging two fresh databases reported the shared seed articles as updated."""
    from workbench.articles import list_articles
    from workbench.seeds import open_database

    for name in ("Ana", "Bo"):
        open_database(tmp_path / f"{name}.db", reviewer=name).close()
    for target, other in (("Ana", "Bo"), ("Bo", "Ana")):
        shutil.copy(tmp_path / f"{target}.db", tmp_path / f"{target}-merged.db")
        with Store.open(tmp_path / f"{target}-merged.db") as store:
            summary = merge_database(store, tmp_path / f"{other}.db", reviewer_id=store.reviewer(target))
            assert summary.tables["articles"].updated == 0 and summary.tables["articles"].added == 0
            assert {r["created_by"] for r in store.query("SELECT created_by FROM articles")} == {ids.reviewer_id("Ana")}
    with Store.open(tmp_path / "Ana-merged.db") as ana, Store.open(tmp_path / "Bo-merged.db") as bo:
        assert [a["id"] for a in list_articles(ana)] == [a["id"] for a in list_articles(bo)]
    assert dump(tmp_path / "Ana-merged.db") == dump(tmp_path / "Bo-merged.db")


def test_a_forged_future_time_is_refused_and_changes_nothing(tmp_path):
    """Issue 16: a row stamped 9999-12-31 merged in and won every later merge."""
    import sqlite3

    import pytest

    from workbench.merge import MalformedRow

    _base(tmp_path / "ours.db")
    with Store.open(tmp_path / "ours.db") as base:
        save_copy(base, tmp_path / "evil.db")
    for sql in ("UPDATE claims SET rationale = 'forged', updated_at = '9999-12-31T23:59:59.999999Z'",
                "INSERT INTO field_clocks SELECT 'claims', id, 'rationale', '9999-12-31T23:59:59.999999Z', NULL FROM claims"):
        shutil.copy(tmp_path / "ours.db", tmp_path / "evil.db")
        with Store.open(tmp_path / "evil.db") as evil:
            evil.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn = sqlite3.connect(tmp_path / "evil.db")
        conn.execute(sql)
        conn.commit()
        conn.close()
        before = dump(tmp_path / "ours.db")
        with Store.open(tmp_path / "ours.db") as store:
            with pytest.raises(MalformedRow, match="in the future"):
                merge_database(store, tmp_path / "evil.db", reviewer_id=store.reviewer("Ana"))
        assert dump(tmp_path / "ours.db") == before


def test_a_local_edit_after_receiving_a_time_from_a_fast_clock_still_wins(tmp_path):
    """The hybrid logical clock: Bo's clock runs 5 minutes ahead; Ana edits after merging his work."""
    import datetime

    _base(tmp_path / "ana.db")
    with Store.open(tmp_path / "ana.db") as ana:
        save_copy(ana, tmp_path / "bo.db")
        claim = ana.query("SELECT id FROM claims ORDER BY start LIMIT 1")[0]["id"]
    ahead = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=5)).strftime(
        "%Y-%m-%dT%H:%M:%S.%fZ")
    with Store.open(tmp_path / "bo.db") as bo, mock.patch.object(ids, "now", lambda: ahead):
        set_rationale(bo, claim, "Bo's", reviewer_id=bo.reviewer("Bo"))
    with Store.open(tmp_path / "ana.db") as ana:
        merge_database(ana, tmp_path / "bo.db", reviewer_id=ana.reviewer("Ana"))
        set_rationale(ana, claim, "Ana's, after reading Bo's", reviewer_id=ana.reviewer("Ana"))
        assert ana.get("claims", claim)["updated_at"] > ahead
    with Store.open(tmp_path / "bo.db") as bo:
        merge_database(bo, tmp_path / "ana.db", reviewer_id=bo.reviewer("Bo"))
        assert bo.get("claims", claim)["rationale"] == "Ana's, after reading Bo's"


def test_a_colleagues_verdict_survives_my_later_rationale_and_stays_theirs(tmp_path):
    """Issue 11: my later rationale edit took the colleague's verdict away and gave it a false history."""
    from workbench.claims import verdict_history
    from workbench.disagreements import disagreements

    _base(tmp_path / "me.db")
    with Store.open(tmp_path / "me.db") as me:
        save_copy(me, tmp_path / "colleague.db")
        claim = me.query("SELECT id FROM claims WHERE verdict = 'verified'")[0]["id"]
        article = me.query("SELECT id FROM articles")[0]["id"]
    with Store.open(tmp_path / "colleague.db") as colleague:
        set_verdict(colleague, claim, "unverifiable", reviewer_id=colleague.reviewer("Bo"))
    with Store.open(tmp_path / "me.db") as me:
        set_rationale(me, claim, "My reasons", reviewer_id=me.reviewer("Ana"))
        merge_database(me, tmp_path / "colleague.db", reviewer_id=me.reviewer("Ana"))
        row = me.get("claims", claim)
        assert (row["verdict"], row["rationale"]) == ("unverifiable", "My reasons")
        assert clocks.verdict_givers(me, [claim])[claim].author == ids.reviewer_id("Bo")
        assert [(h["from_verdict"], h["to_verdict"], h["reviewer"]) for h in verdict_history(me, claim)] == [
            ("pending", "verified", "Ana"), ("verified", "unverifiable", "Bo")]
        assert [d.summary() for d in disagreements(me, article)] == ["Ana: Verified · Bo: Unverifiable"]


# -- files written before field clocks (schema 3) -------------------------------------------------

T = ["2024-05-0%dT10:00:00.000000Z" % day for day in range(1, 6)]


def _schema_3_file(path: Path) -> dict:
    """A database as version 3 of the program wrote it: a verdict by Bo, then a rationale by Ana."""
    import sqlite3

    from sqlite_utils import Database

    from workbench import schema
    from workbench.text import quote_at

    conn = sqlite3.connect(path, isolation_level=None)
    schema.migrations.apply(Database(conn), stop_before="m004_field_clocks")
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 3")
    conn.execute("PRAGMA journal_mode = WAL")
    ana, bo = ids.reviewer_id("Ana"), ids.reviewer_id("Bo")
    article, claim, kept = ids.article_id(TEXT), "00000000-0000-4000-8000-00000000c1a1", ids.new_id()
    quote = quote_at(TEXT, 4, 12)
    conn.executemany("INSERT INTO meta VALUES (?, ?)", [("database_id", ids.new_id()), ("created_at", T[0])])
    conn.executemany("INSERT INTO reviewers (id, created_at, updated_at, name) VALUES (?, ?, ?, ?)",
                     [(ana, T[0], T[0], "Ana"), (bo, T[0], T[0], "Bo")])
    conn.execute("INSERT INTO articles (seq, id, created_at, updated_at, title, body, created_by) "
                 "VALUES (1, ?, ?, ?, 'Drones', ?, ?)", [article, T[0], T[0], TEXT, ana])
    conn.execute('INSERT INTO claims (seq, id, created_at, updated_at, article_id, start, "end", quote, prefix, '
                 "suffix, verdict, rationale, created_by, updated_by) VALUES (1, ?, ?, ?, ?, 4, 12, ?, ?, ?, "
                 "'unverifiable', 'Ana''s reasons', ?, ?)",
                 [claim, T[0], T[3], article, quote.exact, quote.prefix, quote.suffix, ana, ana])
    conn.executemany("INSERT INTO verdict_history (id, created_at, updated_at, claim_id, from_verdict, to_verdict, "
                     "created_by, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
                         (ids.new_id(), T[0], T[0], claim, "pending", "verified", ana, None),
                         (ids.new_id(), T[1], T[1], claim, "verified", "unverifiable", bo, None),
                         (kept, T[2], T[2], claim, "verified", "unverifiable", ana,
                          "merge: kept verified from … (the later unverifiable of … won)")])
    conn.close()
    return {"claim": claim, "article": article}


def test_an_older_database_migrates_keeping_every_value_and_who_gave_the_verdict(tmp_path):
    made = _schema_3_file(tmp_path / "old.db")
    with Store.open(tmp_path / "old.db") as store:
        row = store.get("claims", made["claim"])
        assert (row["verdict"], row["rationale"], row["updated_at"]) == ("unverifiable", "Ana's reasons", T[3])
        verdict = clocks.field_clocks(store, "claims", "verdict")[made["claim"]]
        rationale = clocks.field_clocks(store, "claims", "rationale")[made["claim"]]
        assert verdict == (T[1], ids.reviewer_id("Bo"))  # from Bo's history row, not the invented one
        assert rationale == (T[3], ids.reviewer_id("Ana"))
        assert len(store.query("SELECT * FROM verdict_history")) == 3  # nothing lost


def test_an_older_file_merges_into_a_new_one_and_stays_untouched(tmp_path):
    import hashlib

    made = _schema_3_file(tmp_path / "old.db")
    digest = hashlib.sha256((tmp_path / "old.db").read_bytes()).hexdigest()
    sides = sorted(p.name for p in tmp_path.iterdir())
    with Store.open(tmp_path / "new.db") as store:
        summary = merge_database(store, tmp_path / "old.db", reviewer_id=store.reviewer("Cy"))
        assert summary.tables["claims"].added == 1 and summary.tables["verdict_history"].added == 3
        assert store.get("claims", made["claim"])["rationale"] == "Ana's reasons"
        assert clocks.verdict_givers(store, [made["claim"]])[made["claim"]].author == ids.reviewer_id("Bo")
    assert hashlib.sha256((tmp_path / "old.db").read_bytes()).hexdigest() == digest
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("new.db")) == sides
