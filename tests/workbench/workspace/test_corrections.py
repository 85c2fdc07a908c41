"""The workspace's versions and orphans without Qt: new versions as tasks, placing and dismissing, list rows."""

import json

import pytest

from workbench.articles import add_article
from workbench.claims import add_claim, claims_for
from workbench.errors import WorkbenchError
from workbench.workspace import ArticlesChanged, ClaimsChanged, Reloaded, UndoState, Workspace
from workbench.workspace.events import OrphansChanged

OLD = ("Jets over the border\n"
       "Four Russian fighter jets were spotted near the border with Poland on Tuesday.\n"
       "The ministry said 40 drones crossed the border last month.\n"
       "A paragraph that the correction removes entirely, with its claim.\n"
       "Officials in Warsaw declined to comment.")
NEW = ("Jets over the border\n"
       "Four Russian fighter jets were spotted near the border with Poland on Tuesday.\n"
       "The ministry said 45 drones crossed the border last month.\n"
       "Officials in Warsaw declined to comment.")


def span(text, quote):
    start = text.index(quote)
    return start, start + len(quote)


@pytest.fixture
def ws(store):
    return Workspace(store, "Ana")


@pytest.fixture
def old(ws):
    article = add_article(ws.store, OLD, reviewer_id=ws.reviewer_id, title="Jets").article
    for quote, verdict in (("Four Russian fighter jets were spotted", "verified"),
                           ("The ministry said 40 drones crossed the border", "disputed"),
                           ("A paragraph that the correction removes entirely", "verified")):
        add_claim(ws.store, article["id"], *span(OLD, quote), reviewer_id=ws.reviewer_id, verdict=verdict)
    return article


def record(ws, *names):
    seen = []
    for name in names:
        getattr(ws.events, name).connect(seen.append)
    return seen


def new_version(ws, old, tmp_path):
    (tmp_path / "v2.txt").write_text(NEW, encoding="utf-8")
    task = ws.new_version_task(str(tmp_path / "v2.txt"), old["id"])
    progress = []
    task.events.progress.connect(progress.append)
    task.run()  # what the worker thread does, on its own connection
    assert task.error is None and progress[-1][:2] == (1, 1)
    return task


def test_a_new_version_task_opens_the_new_version_and_undo_removes_it(ws, old, tmp_path):
    ws.open_article(old["id"])
    seen = record(ws, "reloaded", "opened")
    task = new_version(ws, old, tmp_path)
    outcome, report = ws.finish_new_version(task)
    assert ws.article.id == report.article_id == outcome.added[0].article["id"]
    assert (report.exact, len(report.approximate), len(report.orphans)) == (1, 1, 1)
    assert [type(e).__name__ for e in seen] == ["OpenArticle", "Reloaded"]
    assert ws.undo_stack.state() == UndoState("Import new version", "")
    rows = {r["id"]: r for r in ws.list_articles()}
    assert rows[old["id"]]["version"] == {"number": 1, "of": 2, "superseded": True}
    assert rows[report.article_id]["version"] == {"number": 2, "of": 2, "superseded": False}
    assert rows[report.article_id]["orphans"] == 1 and rows[old["id"]]["orphans"] == 0
    changed = record(ws, "articles")
    ws.undo()  # the new version goes; the old one is the only version again, in the same event
    [event] = changed
    assert event.rows[report.article_id] is None and event.rows[old["id"]]["version"] is None
    assert len(claims_for(ws.store, old["id"])) == 3


def test_a_new_version_that_cannot_be_imported_changes_nothing(ws, old, tmp_path):
    task = ws.new_version_task(str(tmp_path / "missing.txt"), old["id"])
    task.run()
    assert "missing.txt" in task.error and ws.finish_new_version(task) is None
    assert ws.undo_stack.state() == UndoState() and len(ws.list_articles()) == 1
    with pytest.raises(WorkbenchError, match="missing.txt"):
        ws.import_new_version(str(tmp_path / "missing.txt"), old["id"])


def test_a_cancelled_new_version_task_stores_nothing(ws, old, tmp_path):
    (tmp_path / "v2.txt").write_text(NEW, encoding="utf-8")
    task = ws.new_version_task(str(tmp_path / "v2.txt"), old["id"])
    task.cancel()
    task.run()
    assert "cancelled" in task.error and ws.finish_new_version(task) is None
    assert len(ws.list_articles()) == 1


def test_placing_an_orphan_is_one_undoable_step_with_events(ws, old, tmp_path):
    (tmp_path / "v2.txt").write_text(NEW, encoding="utf-8")
    _, report = ws.import_new_version(str(tmp_path / "v2.txt"), old["id"])
    [orphan] = ws.orphans_for(report.article_id)
    seen = record(ws, "claims", "orphans", "articles")
    claim_id = ws.place_orphan(orphan["id"], *span(NEW, "Officials in Warsaw declined"))
    assert claim_id == orphan["id"] and ws.article.claim(claim_id)["verdict"] == "verified"
    placed = next(e for e in seen if isinstance(e, ClaimsChanged))
    assert placed.rows[claim_id]["quote"] == "Officials in Warsaw declined"
    assert next(e for e in seen if isinstance(e, OrphansChanged)) == OrphansChanged(report.article_id, [])
    assert next(e for e in seen if isinstance(e, ArticlesChanged)).rows[report.article_id]["orphans"] == 0
    assert ws.undo_stack.state().undo_text == "Place annotation"
    seen.clear()
    ws.undo()
    assert ws.article.claim(claim_id) is None and ws.store.get("claims", claim_id) is None
    assert next(e for e in seen if isinstance(e, ClaimsChanged)).purged == {claim_id}
    assert [o["id"] for o in next(e for e in seen if isinstance(e, OrphansChanged)).rows] == [orphan["id"]]
    ws.redo()
    assert ws.article.claim(claim_id)["quote"] == "Officials in Warsaw declined"
    assert ws.wording(claim_id).old == "A paragraph that the correction removes entirely"
    assert ws.wording(claim_id).method == "by hand"


def test_dismissing_an_orphan_is_undoable(ws, old, tmp_path):
    (tmp_path / "v2.txt").write_text(NEW, encoding="utf-8")
    _, report = ws.import_new_version(str(tmp_path / "v2.txt"), old["id"])
    [orphan] = ws.orphans_for(report.article_id)
    seen = record(ws, "orphans", "articles")
    ws.dismiss_orphan(orphan["id"])
    assert ws.orphans_for(report.article_id) == [] and seen[0] == OrphansChanged(report.article_id, [])
    assert seen[1].rows[report.article_id]["orphans"] == 0
    assert ws.undo_stack.state().undo_text == "Dismiss annotation"
    ws.undo()
    assert [o["id"] for o in ws.orphans_for(report.article_id)] == [orphan["id"]]


def test_versions_wording_and_counterparts_for_the_window(ws, old, tmp_path):
    (tmp_path / "v2.txt").write_text(NEW, encoding="utf-8")
    _, report = ws.import_new_version(str(tmp_path / "v2.txt"), old["id"])
    assert [v["id"] for v in ws.versions_of(old["id"])] == [old["id"], report.article_id]
    drones_old = next(c for c in claims_for(ws.store, old["id"]) if "drones" in c["quote"])
    drones_new = ws.counterpart(drones_old["id"], report.article_id)
    assert ws.counterpart(drones_new, old["id"]) == drones_old["id"]
    changed = ws.wording(drones_new)
    assert (changed.old, changed.new, changed.method) == (drones_old["quote"], ws.article.claim(drones_new)["quote"],
                                                        "approximate")


def test_annotations_onto_the_open_article_as_a_task(ws, old, tmp_path):
    rows = {"rows": [{"id": "h1", "uri": "https://elsewhere.example/jets", "text": "Radar says so", "tags": ["jets"],
                      "target": [{"source": "https://elsewhere.example/jets", "selector": [
                          {"type": "TextQuoteSelector", "exact": "Officials in Warsaw declined"}]}]},
                     {"id": "h2", "uri": "https://elsewhere.example/jets", "text": "", "tags": [],
                      "target": [{"source": "https://elsewhere.example/jets", "selector": [
                          {"type": "TextQuoteSelector", "exact": "A sentence nowhere in it"}]}]}]}
    (tmp_path / "h.json").write_text(json.dumps(rows), encoding="utf-8")
    ws.open_article(old["id"])
    seen = record(ws, "reloaded")
    task = ws.annotations_task(tmp_path / "h.json", old["id"])
    task.run()
    report = ws.finish_annotations(task)
    assert report.imported == 1 and len(report.orphans) == 1 and seen == [Reloaded("annotations")]
    assert any(c["quote"] == "Officials in Warsaw declined" for c in ws.article.rows)
    assert [o["quote"] for o in ws.orphans_for(old["id"])] == ["A sentence nowhere in it"]
    assert ws.undo_stack.state().undo_text == "Import annotations"
    seen = record(ws, "orphans", "claims")
    ws.undo()  # the claim and the orphan the import made go; the open article hears of both
    assert not any(c["quote"] == "Officials in Warsaw declined" for c in ws.article.rows)
    assert OrphansChanged(old["id"], []) in seen and ws.orphans_for(old["id"]) == []
    assert len(claims_for(ws.store, old["id"])) == 3
    ws.redo()  # the file read again
    assert any(c["quote"] == "Officials in Warsaw declined" for c in ws.article.rows)
    assert len(ws.orphans_for(old["id"])) == 1


def test_a_new_version_and_a_dismissal_by_another_connection_are_noticed(ws, old, tmp_path, db_path):
    from workbench.store import Store

    ws.open_article(old["id"])
    ws.list_articles()
    seen = record(ws, "articles", "orphans")
    (tmp_path / "v2.txt").write_text(NEW, encoding="utf-8")
    with Store.open(db_path) as other:  # the command line: workbench import DB FILE --new-version-of ID
        _, report = Workspace(other, "Bo").import_new_version(str(tmp_path / "v2.txt"), old["id"])
    assert ws.notice_outside_changes() is True
    [listed] = [e for e in seen if isinstance(e, ArticlesChanged)]
    assert listed.rows[old["id"]]["version"] == {"number": 1, "of": 2, "superseded": True}
    assert listed.rows[report.article_id]["version"]["number"] == 2 and listed.rows[report.article_id]["orphans"] == 1
    ws.open_article(report.article_id)
    [orphan] = ws.orphans_for(report.article_id)
    seen.clear()
    with Store.open(db_path) as other:
        Workspace(other, "Bo").dismiss_orphan(orphan["id"])
    assert ws.notice_outside_changes() is True
    assert OrphansChanged(report.article_id, []) in seen  # the open article's waiting list empties
    assert next(e for e in seen if isinstance(e, ArticlesChanged)).rows[report.article_id]["orphans"] == 0
