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


def test_deleting_an_article_is_undoable_and_a_tombstone(ws, article_id):
    ws.open_article(article_id)
    seen = record(ws, "articles", "opened")
    ws.delete_article(article_id)
    assert ws.article is None and None in seen  # the open article closed (opened: None)
    row = ws.store.get("articles", article_id)
    assert row["deleted_at"] is not None  # kept as a tombstone, so a merge knows it was deleted
    assert article_id not in [a["id"] for a in ws.list_articles()]
    ws.undo()
    assert ws.store.get("articles", article_id)["deleted_at"] is None


def test_an_import_can_be_undone_and_redone(ws, tmp_path):
    paths = []
    for number in range(3):
        path = tmp_path / f"a{number}.txt"
        path.write_text(f"Imported article number {number}.", encoding="utf-8")
        paths.append(str(path))
    before = len(ws.list_articles())
    outcomes = ws.import_sources(paths)
    assert len(ws.list_articles()) == before + 3 and all(o.added for o in outcomes)
    assert ws.undo_stack.state().undo_text == "Import 3 articles"
    ws.undo()
    assert len(ws.list_articles()) == before
    ws.redo()
    assert len(ws.list_articles()) == before + 3


def test_an_import_task_reports_progress_and_stops_when_cancelled(ws, tmp_path):
    paths = []
    for number in range(5):
        path = tmp_path / f"b{number}.txt"
        path.write_text(f"Background article number {number}.", encoding="utf-8")
        paths.append(str(path))
    task = ws.import_task(paths)
    progress = []

    def on_progress(step):
        progress.append(step)
        if step[0] == 2:
            task.cancel()

    task.events.progress.connect(on_progress)
    task.run()  # on this thread here; the window runs it on a worker
    outcomes = ws.finish_import(task)
    # the file under way when Cancel came is finished (it was too small to stop); none after it starts
    assert [step[:2] for step in progress] == [(0, 5), (1, 5), (2, 5), (3, 5)]
    imported = [o for o in outcomes if o.error is None]
    assert len(imported) == 3 and task.cancelled and task.error is None
    assert [o.error.endswith("not imported: cancelled") for o in outcomes if o.error] == [True, True]


def test_correcting_an_articles_details(ws, article_id):
    ws.edit_article(article_id, title="  Jobs   report ", published="2024-05", url="https://example.org/jobs")
    row = ws.store.get("articles", article_id)
    assert (row["title"], row["published"], row["url"]) == ("Jobs report", "2024-05", "https://example.org/jobs")
    with pytest.raises(WorkbenchError, match="not a date"):
        ws.edit_article(article_id, published="2024-13-40")
    with pytest.raises(WorkbenchError, match="web address"):
        ws.edit_article(article_id, url="javascript:alert(1)")
    ws.undo()
    assert ws.store.get("articles", article_id)["title"] == "Jobs"


def test_changes_made_through_another_connection_are_noticed_and_carried(ws, article_id, db_path):
    from workbench.store import Store

    ws.open_article(article_id)
    mine = ws.mark(article_id, 4, 12)
    ws.list_articles()
    assert ws.notice_outside_changes() is False  # nothing from anyone else yet
    seen = record(ws, "claims", "evidence", "history", "articles")
    with Store.open(db_path) as other:  # another window, the command line, a sync
        colleague = Workspace(other, "Bo")
        theirs = colleague.mark(article_id, 19, 31)
        colleague.set_verdict(mine, "disputed")
        colleague.add_evidence(mine, {"title": "Statistics office"})
        colleague.edit_article(article_id, title="Jobs and growth")
    assert ws.notice_outside_changes() is True
    claims_event = next(e for e in seen if isinstance(e, ClaimsChanged))
    assert set(claims_event.rows) == {mine, theirs} and claims_event.rows[mine]["verdict"] == "disputed"
    assert [r["id"] for r in ws.article.rows] == [mine, theirs] and ws.article.claim(mine)["verdict"] == "disputed"
    [evidence_event] = [e for e in seen if isinstance(e, EvidenceChanged)]
    assert [item["title"] for item in evidence_event.items] == ["Statistics office"]
    assert ws.article.evidence_count(mine) == 1
    assert any(isinstance(e, HistoryChanged) and e.claim_id == mine for e in seen)
    assert ws.article.article["title"] == "Jobs and growth"
    assert ws.notice_outside_changes() is False  # asked again: nothing new


def test_two_reviewers_verdicts_on_one_claim_are_a_disagreement_on_the_open_article(ws, article_id):
    ws.open_article(article_id)
    claim_id = ws.mark(article_id, 4, 12)
    ws.set_verdict(claim_id, "verified")
    flagged = []
    ws.article.events.disagreements.connect(flagged.append)
    ws.set_reviewer("Bo")
    ws.set_verdict(claim_id, "disputed")  # Bo's verdict on Ana's claim
    found = ws.article.disagreements[claim_id]
    assert found.claim_ids == (claim_id,) and found.summary() == "Ana: Verified · Bo: Disputed"
    assert flagged and flagged[-1][claim_id] == found
    ws.settle([claim_id], "verified")
    assert claim_id not in ws.article.disagreements
    ws.undo()  # the settlement undone: the disagreement is back
    assert ws.article.disagreements[claim_id].summary() == "Ana: Verified · Bo: Disputed"
    ws.open_article(None)
    assert ws.open_article(article_id).disagreements[claim_id].claim_ids == (claim_id,)  # read afresh, too


def test_an_outside_verdict_on_the_same_claim_is_flagged(ws, article_id, db_path):
    from workbench.claims import set_verdict
    from workbench.store import Store

    ws.open_article(article_id)
    claim_id = ws.mark(article_id, 4, 12)
    ws.set_verdict(claim_id, "verified")
    with Store.open(db_path) as other:
        set_verdict(other, claim_id, "unverifiable", reviewer_id=other.reviewer("Bo"))
    assert ws.notice_outside_changes()
    assert ws.article.disagreements[claim_id].summary() == "Ana: Verified · Bo: Unverifiable"


def test_counts_of_work_left_travel_with_the_events(ws, article_id):
    [row] = ws.list_articles()
    assert row["work"] == {"pending": 0, "no_evidence": 0, "no_rationale": 0, "disagreement": 0}
    ws.open_article(article_id)
    seen = record(ws, "counts")
    claim_id = ws.mark(article_id, 4, 12)
    assert seen[-1].work["pending"] == 1
    ws.set_verdict(claim_id, "verified")
    assert seen[-1].work == {"pending": 0, "no_evidence": 1, "no_rationale": 1, "disagreement": 0}
    ws.add_evidence(claim_id, {"url": "https://example.org/a", "title": "A"})
    assert seen[-1].work["no_evidence"] == 0
    ws.set_rationale(claim_id, "Checked against the statistics office.")
    assert seen[-1].work == {"pending": 0, "no_evidence": 0, "no_rationale": 0, "disagreement": 0}
    assert ws.list_articles()[0]["work"] == seen[-1].work  # the open article counts as the database does
    other = add_article(ws.store, "Another article with words.", reviewer_id=ws.reviewer_id, title="B").article["id"]
    elsewhere = add_claim_in(ws, other)
    seen.clear()
    ws.set_verdict(elsewhere, "disputed")  # an article not open: counted from the database
    assert [(e.article_id, e.work["no_evidence"]) for e in seen] == [(other, 1)]


def add_claim_in(ws, article_id):
    from workbench.claims import add_claim

    return add_claim(ws.store, article_id, 0, 7, reviewer_id=ws.reviewer_id)["id"]


def test_a_verdict_repaints_the_open_article_once(ws, article_id):
    """The new row and the new opinions of a verdict are applied to the open article in one pass."""
    ws.open_article(article_id)
    claim_id = ws.mark(article_id, 4, 12)
    ws.set_reviewer("Bo")
    repaints, flagged = [], []
    ws.article.events.repaint.connect(repaints.append)
    ws.article.events.disagreements.connect(flagged.append)
    ws.set_verdict(claim_id, "disputed")  # Bo's verdict on Ana's pending claim: no disagreement yet
    ws.set_reviewer("Ana")
    ws.set_verdict(claim_id, "verified")  # now two reviewers differ
    assert repaints == [(4, 12), (4, 12)]
    assert [list(changed) for changed in flagged] == [[claim_id]]
    assert ws.article.disagreements[claim_id].summary() == "Ana: Verified · Bo: Disputed"
