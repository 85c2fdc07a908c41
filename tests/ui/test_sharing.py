"""Sharing from the window: merge a colleague's database, see it, compare, save a copy, export."""

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog, QTableWidget

from tests.ui.conftest import open_titled, wait_for_tasks
from ui import safe
from workbench.articles import list_articles
from workbench.claims import add_claim
from workbench.seeds import open_database
from workbench.store import Store

PHRASE = "Four Russian fighter jets were spotted"


def colleague_database(path, verdict="disputed"):
    """A database of reviewer Bo with one claim on the first seed article."""
    with open_database(path, reviewer="Bo") as other:
        bo = other.reviewer("Bo")
        article = next(a for a in list_articles(other) if a["title"].startswith("Nato considers"))
        body = other.get("articles", article["id"])["body"]
        start = body.index(PHRASE)
        claim = add_claim(other, article["id"], start, start + len(PHRASE), reviewer_id=bo, verdict=verdict)
    return article["id"], claim


def mark(window, qtbot, phrase, key):
    from tests.ui.conftest import select_with_mouse

    body = window.article["body"]
    start = body.index(phrase)
    select_with_mouse(qtbot, window.reader, start, start + len(phrase))
    qtbot.keyClick(window.reader, Qt.Key.Key_Return)
    qtbot.keyClick(window.reader, key)


def test_merge_from_the_menu_shows_colleagues_claims(qtbot, window, tmp_path, monkeypatch):
    article_id, theirs = colleague_database(tmp_path / "bo.db")
    open_titled(window, window.article_list.model_.rows[0]["title"])
    assert window.article["id"] == article_id
    mark(window, qtbot, "Four Russian fighter jets", Qt.Key.Key_1)  # Ana: verified, overlapping
    before = (tmp_path / "bo.db").read_bytes()
    shown = []
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(tmp_path / "bo.db")], ""))
    monkeypatch.setattr(safe, "message", lambda parent, title, text, *icon: shown.append(text))
    window.actions_["merge"].trigger()
    wait_for_tasks(qtbot, window)
    assert shown and "1 claim" in shown[0]
    assert theirs["id"] in {r["id"] for r in window.workspace.article.rows}
    assert (tmp_path / "bo.db").read_bytes() == before
    assert not window.workspace.undo_stack.state().can_undo

    window.actions_["only_mine"].trigger()
    assert theirs["id"] not in {r["id"] for r in window.workspace.article.rows} and len(window.workspace.article.rows) == 1
    window.actions_["only_mine"].trigger()
    assert theirs["id"] in {r["id"] for r in window.workspace.article.rows}

    window.actions_["agreement"].trigger()
    dialog = window.agreement_dialog
    table = dialog.findChild(QTableWidget, "agreementTable")
    row = [table.item(0, c).text() for c in range(table.columnCount())]
    assert row[0] == "Ana & Bo" and row[1:5] == ["1", "1", "0", "0%"]
    dialog.close()


def test_refused_merge_changes_nothing(qtbot, window, tmp_path, monkeypatch):
    crafted = tmp_path / "crafted.db"
    colleague_database(crafted)
    with Store.open(crafted) as other:
        other.conn.execute("CREATE VIEW sneaky AS SELECT * FROM claims")
    errors = []
    monkeypatch.setattr(window, "show_error", errors.append)
    count = window.workspace.store.get_value("SELECT count(*) FROM claims")
    window.files.merge([str(crafted)])
    wait_for_tasks(qtbot, window)
    assert errors and "sneaky" in errors[0]
    assert window.workspace.store.get_value("SELECT count(*) FROM claims") == count


def test_save_a_copy_opens_as_a_database(qtbot, window, tmp_path, monkeypatch):
    target = tmp_path / "copy.db"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.actions_["save_copy"].trigger()
    with Store.open(target) as copy:
        assert copy.get_value("SELECT count(*) FROM articles") == 3
        assert copy.database_id != window.workspace.store.database_id


def test_export_dialog_previews_and_saves_each_format(qtbot, window, tmp_path, monkeypatch):
    open_titled(window, "Emoji article")
    mark(window, qtbot, "minister said", Qt.Key.Key_2)
    window.actions_["export"].trigger()
    dialog = window.export_dialog
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: "minister said" in dialog.preview.toPlainText(), timeout=20000)
    assert dialog.this_article.isChecked()
    for fmt, check in [("markdown", lambda p: "minister said" in p.read_text(encoding="utf-8")),
                       ("pdf", lambda p: p.read_bytes().startswith(b"%PDF")),
                       ("claimreview", lambda p: "ClaimReview" in p.read_text(encoding="utf-8"))]:
        dialog.format.setCurrentIndex(dialog.format.findData(fmt))
        dialog.refresh()
        qtbot.waitUntil(lambda: not dialog.busy(), timeout=20000)
        target = tmp_path / f"out.{fmt}"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, t=target, **k: (str(t), ""))
        dialog.setVisible(True)
        qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Save), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda t=target: t.exists() and not dialog.busy(), timeout=30000)
        assert check(target), fmt
    dialog.format.setCurrentIndex(dialog.format.findData("claimreview"))
    dialog.refresh()
    qtbot.waitUntil(lambda: '"@type": "ClaimReview"' in dialog.preview.toPlainText(), timeout=20000)


def test_disagreement_is_marked_and_can_be_settled(qtbot, window, tmp_path, monkeypatch):
    article_id, theirs = colleague_database(tmp_path / "bo.db", verdict="disputed")
    open_titled(window, window.article_list.model_.rows[0]["title"])
    mark(window, qtbot, "Four Russian fighter jets", Qt.Key.Key_1)  # Ana says verified
    mine = window.current_claim
    monkeypatch.setattr(safe, "message", lambda *a: None)
    window.files.merge([str(tmp_path / "bo.db")])
    wait_for_tasks(qtbot, window)
    model = window.claims_panel.model
    assert "reviewers disagree" in model.data(model.index(model.row_of(mine)))
    window.select_claim(theirs["id"])
    assert window.detail.disagreement.isVisible()
    assert window.detail.disagreement_text.text().endswith("Ana: Verified · Bo: Disputed")
    settle_disputed = next(a for a in window.detail.settle.menu().actions() if a.text() == "Disputed")
    settle_disputed.trigger()
    store = window.workspace.store
    assert store.get("claims", mine)["verdict"] == "disputed"
    assert not window.detail.disagreement.isVisible()
    assert "reviewers disagree" not in model.data(model.index(model.row_of(mine)))
    notes = [h["note"] for h in store.query("SELECT note FROM verdict_history WHERE claim_id = ? AND deleted_at IS NULL", [mine])]
    assert "settled by Ana" in notes
    qtbot.keySequence(window, QKeySequence("Ctrl+Z"))
    assert store.get("claims", mine)["verdict"] == "verified"
    assert window.detail.disagreement.isVisible()


def test_save_a_copy_suggests_a_folder_people_can_see(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtCore import QSettings

    hidden = tmp_path / ".local" / "share" / "workbench"
    hidden.mkdir(parents=True)
    QSettings().setValue("lastFolder/databases", str(hidden))  # the database was opened from the app's folder
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda parent, title, where, *a: asked.append(where) or ("", ""))
    window.actions_["save_copy"].trigger()
    folder = Path(asked[0]).parent
    assert folder.is_dir() and not any(part.startswith(".") for part in folder.parts)
    assert Path(asked[0]).name == f"{window.workspace.path.stem} copy.db"


def test_two_verdicts_on_the_same_claim_after_a_merge_are_flagged_attributed_and_settled(qtbot, window, tmp_path,
                                                                                          monkeypatch):
    from workbench.claims import set_verdict

    open_titled(window, window.article_list.model_.rows[0]["title"])
    mark(window, qtbot, "Four Russian fighter jets", Qt.Key.Key_1)  # Ana: verified
    claim_id = window.current_claim
    window.workspace.save_copy(tmp_path / "bo.db")
    with Store.open(tmp_path / "bo.db") as theirs:  # Bo, in the copy, judges the same claim otherwise
        set_verdict(theirs, claim_id, "disputed", reviewer_id=theirs.reviewer("Bo"))
    window.detail.rationale.setFocus()
    qtbot.keyClicks(window.detail.rationale, "Only my note changed")  # Ana edits the rationale only
    window.detail.flush()
    monkeypatch.setattr(safe, "message", lambda *a: None)
    window.files.merge([str(tmp_path / "bo.db")])
    wait_for_tasks(qtbot, window)

    assert window.current_claim == claim_id
    model = window.claims_panel.model
    assert "reviewers disagree" in model.data(model.index(model.row_of(claim_id)))
    assert window.detail.disagreement.isVisible()
    assert window.detail.disagreement_text.text().endswith("Ana: Verified · Bo: Disputed")
    history = [[item.text(c) for c in range(3)] for item in
               (window.detail.history.topLevelItem(i) for i in range(window.detail.history.topLevelItemCount()))]
    assert ["Bo", "Verified → Disputed"] == history[0][1:]  # Bo's own change, newest first
    assert window.workspace.store.get("claims", claim_id)["rationale"] == "Only my note changed"

    settle_verified = next(a for a in window.detail.settle.menu().actions() if a.text() == "Verified")
    settle_verified.trigger()
    assert window.workspace.store.get("claims", claim_id)["verdict"] == "verified"
    assert not window.detail.disagreement.isVisible()
    assert "reviewers disagree" not in model.data(model.index(model.row_of(claim_id)))
    window.reader.setFocus()
    qtbot.keySequence(window, QKeySequence("Ctrl+Z"))
    assert window.workspace.store.get("claims", claim_id)["verdict"] == "disputed"
    assert window.detail.disagreement_text.text().endswith("Ana: Verified · Bo: Disputed")
