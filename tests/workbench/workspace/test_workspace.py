"""The workspace without Qt: actions as transactions, undo and redo, events that carry their data."""

import pytest

from workbench.articles import add_article
from workbench.claims import claims_for, get_claim
from workbench.errors import WorkbenchError
from workbench.workspace import ClaimsChanged, EvidenceChanged, HistoryChanged, Reloaded, UndoState, Workspace

BODY = "The minister said unemployment fell by 40% last year.\nThe mayor disagreed, citing 12% growth."


@pytest.fixture
def ws(store):
    workspace = Workspace(store, "Ana")
    yield workspace


@pytest.fixture
def article_id(ws):
    return add_article(ws.store, BODY, reviewer_id=ws.reviewer_id, title="Jobs").article["id"]


def record(ws, *names):
    seen = []
    for name in names:
        getattr(ws.events, name).connect(seen.append)
    return seen


def test_mark_verdict_and_undo_without_qt(ws, article_id):
    ws.open_article(article_id)
    claim_id = ws.mark(article_id, 4, 12)
    ws.set_verdict(claim_id, "disputed")
    assert get_claim(ws.store, claim_id)["verdict"] == "disputed"
    assert ws.undo_stack.state() == UndoState("Mark disputed", "")
    ws.undo()
    assert get_claim(ws.store, claim_id)["verdict"] == "pending"
    ws.undo()
    assert claims_for(ws.store, article_id) == []
    assert ws.undo_stack.state() == UndoState("", "Mark claim")
    ws.redo()
    ws.redo()
    assert [(c["id"], c["verdict"]) for c in claims_for(ws.store, article_id)] == [(claim_id, "disputed")]


def test_events_carry_the_rows_read_inside_the_transaction(ws, article_id):
    ws.open_article(article_id)
    seen = record(ws, "claims", "history", "counts")
    claim_id = ws.mark(article_id, 4, 12)
    [made, counts] = seen
    assert isinstance(made, ClaimsChanged) and made.rows[claim_id]["quote"] == "minister"
    seen.clear()
    ws.set_verdict(claim_id, "verified")
    claim_event = next(e for e in seen if isinstance(e, ClaimsChanged))
    history_event = next(e for e in seen if isinstance(e, HistoryChanged))
    assert claim_event.rows[claim_id]["verdict"] == "verified"
    assert [(h["from_verdict"], h["to_verdict"], h["reviewer"]) for h in history_event.entries] \
        == [("pending", "verified", "Ana")]
    assert ws.article.counts["verified"] == 1 and ws.article.claim(claim_id)["verdict"] == "verified"
    seen.clear()
    ws.undo()  # undo of the verdict
    ws.undo()  # undo of the creation: the claim is gone, and the event says so
    assert any(isinstance(e, ClaimsChanged) and e.rows == {claim_id: None} for e in seen)
    assert ws.article.rows == []


def test_evidence_events_carry_the_list_and_update_the_count(ws, article_id):
    ws.open_article(article_id)
    claim_id = ws.mark(article_id, 4, 12)
    seen = record(ws, "evidence", "claims")
    evidence_id = ws.add_evidence(claim_id, {"title": "Labour statistics", "url": "https://example.org/a"},
                                  blobs=[(b"%PDF-1.4 x", "stats.pdf")])
    [event] = seen  # evidence only: the claim row did not change
    assert isinstance(event, EvidenceChanged) and event.claim_id == claim_id
    assert [(e["id"], [a["filename"] for a in e["attachments"]]) for e in event.items] == [(evidence_id, ["stats.pdf"])]
    assert ws.article.evidence_count(claim_id) == 1
    ws.undo()
    assert ws.article.evidence_count(claim_id) == 0


def test_one_verdict_reads_nothing_after_commit(ws, article_id):
    ws.open_article(article_id)
    claim_id = ws.mark(article_id, 4, 12)
    statements: list[str] = []
    ws.store.conn.set_trace_callback(statements.append)
    try:
        ws.set_verdict(claim_id, "disputed")
    finally:
        ws.store.conn.set_trace_callback(None)
    commit = statements.index("COMMIT")
    assert statements[commit + 1:] == []
    reads = [s for s in statements[:commit] if s.lstrip().upper().startswith("SELECT") and "FROM claims" in s]
    assert len(reads) <= 2  # the check before the change, and the row the event carries


def test_refused_action_is_not_kept_for_undo(ws, article_id):
    with pytest.raises(WorkbenchError):
        ws.mark(article_id, 5, 500)
    assert ws.undo_stack.state() == UndoState()


def test_consecutive_rationale_edits_undo_as_one_step(ws, article_id):
    ws.open_article(article_id)
    claim_id = ws.mark(article_id, 4, 12)
    for text in ("Stat", "Statistics office", "Statistics office says no"):
        ws.set_rationale(claim_id, text)
    ws.undo()
    assert get_claim(ws.store, claim_id)["rationale"] == ""
    assert ws.undo_stack.state().undo_text == "Mark claim"


def test_import_and_merge_emit_one_reload(ws, tmp_path):
    (tmp_path / "a.txt").write_text("An imported article.\nWith two lines.", encoding="utf-8")
    seen = record(ws, "reloaded", "claims", "articles")
    [outcome] = ws.import_sources([str(tmp_path / "a.txt")])
    assert outcome.added and [type(e) for e in seen] == [Reloaded]


def test_only_mine_and_disagreements_on_the_open_article(ws, article_id):
    bo = Workspace(ws.store, "Bo")
    ana_claim = ws.mark(article_id, 4, 26)
    bo_claim = bo.mark(article_id, 18, 30)
    ws.set_verdict(ana_claim, "verified")
    opened = ws.open_article(article_id)
    assert [r["id"] for r in opened.rows] == [ana_claim, bo_claim] and not opened.disagreements
    bo.set_verdict(bo_claim, "disputed")  # another workspace on the same file: events still reach this one
    assert set(opened.disagreements) == {ana_claim, bo_claim}
    ws.set_only_mine(True)
    assert [r["id"] for r in opened.rows] == [ana_claim] and not opened.disagreements


def test_neighbours_from_a_claim_or_the_caret(ws, article_id):
    ws.open_article(article_id)
    first, second, third = (ws.mark(article_id, s, e) for s, e in ((0, 3), (19, 31), (54, 57)))
    opened = ws.article
    assert opened.neighbour(first, +1) == second and opened.neighbour(third, +1) is None
    assert opened.neighbour(None, +1, position=20) == third
    assert opened.neighbour(None, -1, position=20) == second
    ws.set_verdict(third, "verified")
    assert opened.neighbour(first, +1, accept=lambda r: r["verdict"] == "verified") == third
