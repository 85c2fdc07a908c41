"""The workspace's publishing actions without Qt: who made a claim (undoable) and the publication settings."""

import pytest

from workbench.articles import add_article
from workbench.claims import get_claim
from workbench.errors import WorkbenchError
from workbench.publication import Publication
from workbench.seeds import open_database
from workbench.workspace import ClaimsChanged, UndoState, Workspace

BODY = "The minister said unemployment fell by 40% last year.\nThe mayor disagreed, citing 12% growth."
DESK = Publication("Fact Desk", "https://factdesk.example.org", "https://factdesk.example.org/checks/{claim_id}")


@pytest.fixture
def ws(store):
    return Workspace(store, "Ana")


@pytest.fixture
def claim_id(ws):
    article = add_article(ws.store, BODY, reviewer_id=ws.reviewer_id, title="Jobs", author="  Daily   Desk ").article
    ws.open_article(article["id"])
    return ws.mark(article["id"], 4, 12)


def test_the_claimant_is_one_undo_step_and_its_event_carries_the_row(ws, claim_id):
    seen = []
    ws.events.claims.connect(seen.append)
    ws.set_claimant(claim_id, "  Ministry of\tDefence ")
    [event] = seen
    assert isinstance(event, ClaimsChanged) and event.rows[claim_id]["claimant"] == "Ministry of Defence"
    assert ws.article.claim(claim_id)["claimant"] == "Ministry of Defence"
    assert ws.undo_stack.state() == UndoState("Edit who made the claim", "")
    ws.set_claimant(claim_id, "Ministry of Defence")  # the same name again: no step, no event
    assert len(seen) == 1 and ws.undo_stack.state().undo_text == "Edit who made the claim"
    ws.set_claimant(claim_id, "The Minister")
    ws.undo()
    assert get_claim(ws.store, claim_id)["claimant"] == "Ministry of Defence"
    ws.undo()
    assert get_claim(ws.store, claim_id)["claimant"] is None
    assert seen[-1].rows[claim_id]["claimant"] is None
    assert ws.undo_stack.state() == UndoState("Mark claim", "Edit who made the claim")
    ws.redo()
    assert ws.article.claim(claim_id)["claimant"] == "Ministry of Defence"


def test_an_empty_claimant_falls_back_to_the_articles_author(ws, claim_id):
    assert ws.default_claimant(claim_id) == "Daily Desk"
    ws.set_claimant(claim_id, "Mayor")
    ws.set_claimant(claim_id, "   ")
    assert get_claim(ws.store, claim_id)["claimant"] is None
    assert ws.default_claimant(claim_id) == "Daily Desk"
    ws.open_article(None)  # not on screen: read from the database
    assert ws.default_claimant(claim_id) == "Daily Desk"


def test_publication_settings_are_checked_saved_per_database_and_not_undone(ws, claim_id, tmp_path):
    statements = []
    ws.store.conn.set_trace_callback(statements.append)
    try:
        saved = ws.set_publication(Publication(" Fact   Desk ", DESK.publisher_url + " ", DESK.review_url))
    finally:
        ws.store.conn.set_trace_callback(None)
    assert saved == DESK and ws.publication() == DESK
    assert [s for s in statements if s.split()[0] in ("BEGIN", "COMMIT")] == ["BEGIN IMMEDIATE", "COMMIT"]
    assert ws.undo_stack.state().undo_text == "Mark claim"  # a setting, like the reviewer's name
    with pytest.raises(WorkbenchError, match="publisher's site"):
        ws.set_publication(Publication("X", "https://x.org", "https://elsewhere.org/{claim_id}"))
    with pytest.raises(WorkbenchError, match="http"):
        ws.set_publication(Publication("X", "ftp://x.org", ""))
    assert ws.publication() == DESK  # nothing saved when wrong
    other = Workspace(open_database(tmp_path / "other.db", reviewer="Ben"), "Ben")
    try:
        assert other.publication() == Publication()
    finally:
        other.close()
