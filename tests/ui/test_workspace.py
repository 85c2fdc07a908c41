"""The annotation workspace driven as a reviewer drives it: mouse, keys, and the database after."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import EMOJI_BODY, open_titled, point_at, select_with_mouse, wait_for_tasks
from workbench.claims import claims_for, verdict_history


def live_claims(window):
    return claims_for(window.workspace.store, window.article["id"])


def test_mouse_selection_after_emoji_marks_exactly_that_text(qtbot, window):
    open_titled(window, "Emoji article")
    start = EMOJI_BODY.index("40% of 𝔘nicode readers")
    end = start + len("40% of 𝔘nicode readers")
    select_with_mouse(qtbot, window.reader, start, end)
    qtbot.keyClick(window.reader, Qt.Key.Key_Return)
    [claim] = live_claims(window)
    assert (claim["start"], claim["end"]) == (start, end)
    assert claim["quote"] == EMOJI_BODY[start:end] == "40% of 𝔘nicode readers"
    assert claim["created_by"] == window.workspace.reviewer_id
    assert window.current_claim == claim["id"]


def test_partial_word_selection_snaps_to_whole_words(qtbot, window):
    open_titled(window, "Emoji article")
    start = EMOJI_BODY.index("inister")  # inside "minister"
    select_with_mouse(qtbot, window.reader, start, start + len("inister sa"))
    qtbot.keyClick(window.reader, Qt.Key.Key_Enter)
    assert [c["quote"] for c in live_claims(window)] == ["minister said"]


def test_keyboard_selection_then_toolbar_button(qtbot, window):
    open_titled(window, "Emoji article")
    start = EMOJI_BODY.index("a family")
    qtbot.mouseClick(window.reader.viewport(), Qt.MouseButton.LeftButton, pos=point_at(window.reader, start))
    for _ in range(len("a family")):
        qtbot.keyClick(window.reader, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    toolbar = window.findChild(type(window.addToolBar("x")), "mainToolbar")
    button = toolbar.widgetForAction(window.actions_["mark"])
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert [c["quote"] for c in live_claims(window)] == ["a family"]


def _make_claims(qtbot, window, phrases):
    body = window.article["body"]
    for phrase in phrases:
        start = body.index(phrase)
        select_with_mouse(qtbot, window.reader, start, start + len(phrase))
        qtbot.keyClick(window.reader, Qt.Key.Key_Return)
    return live_claims(window)


def test_verdict_keys_history_and_navigation(qtbot, window):
    open_titled(window, "Emoji article")
    made = _make_claims(qtbot, window, ["Final paragraph", "Emoji first", "minister said"])
    assert [c["quote"] for c in made] == ["Emoji first", "minister said", "Final paragraph"]
    window.select_claim(None)
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.reader, Qt.Key.Key_N)  # from the caret: the next claim
    qtbot.keyClick(window.reader, Qt.Key.Key_1)
    qtbot.keyClick(window.reader, Qt.Key.Key_N)
    qtbot.keyClick(window.reader, Qt.Key.Key_2)
    qtbot.keyClick(window.reader, Qt.Key.Key_N)
    qtbot.keyClick(window.reader, Qt.Key.Key_3)
    qtbot.keyClick(window.reader, Qt.Key.Key_P)
    qtbot.keyClick(window.reader, Qt.Key.Key_P)
    qtbot.keyClick(window.reader, Qt.Key.Key_0)
    verdicts = {c["quote"]: c["verdict"] for c in live_claims(window)}
    caret_start = window.reader.offsets.to_code_point(window.reader.textCursor().position())
    assert verdicts == {"Emoji first": "pending", "minister said": "disputed", "Final paragraph": "unverifiable"}
    first = next(c for c in live_claims(window) if c["quote"] == "Emoji first")
    assert [(h["from_verdict"], h["to_verdict"], h["reviewer"]) for h in verdict_history(window.workspace.store, first["id"])] \
        == [("pending", "verified", "Ana"), ("verified", "pending", "Ana")]
    assert window.detail.history.topLevelItemCount() == 2
    assert caret_start == first["start"]


def test_clicking_highlights_and_panel_rows_select_claims(qtbot, window):
    open_titled(window, "Emoji article")
    made = _make_claims(qtbot, window, ["then 👩‍👩‍👧 a family", "Final paragraph"])
    window.select_claim(None)
    family = made[0]
    qtbot.mouseClick(window.reader.viewport(), Qt.MouseButton.LeftButton,
                     pos=point_at(window.reader, family["start"] + 2))
    assert window.current_claim == family["id"]
    assert window.claims_panel.list.currentIndex().row() == 0
    second = window.claims_panel.proxy.index(1, 0)
    rect = window.claims_panel.list.visualRect(second)
    qtbot.mouseClick(window.claims_panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_claim == made[1]["id"]
    assert window.reader.current_claim == made[1]["id"]
    assert window.detail.heading.text().startswith("Claim 2")


def test_overlapping_claims_each_selectable_by_clicking_again(qtbot, window):
    open_titled(window, "Emoji article")
    made = _make_claims(qtbot, window, ["The minister said 40%", "said 40% of"])
    window.select_claim(None)
    overlap = window.article["body"].index("40%")
    seen = set()
    for _ in range(3):
        qtbot.mouseClick(window.reader.viewport(), Qt.MouseButton.LeftButton, pos=point_at(window.reader, overlap))
        seen.add(window.current_claim)
    assert seen == {c["id"] for c in made}


def test_delete_with_undo_and_redo(qtbot, window):
    open_titled(window, "Emoji article")
    [claim] = _make_claims(qtbot, window, ["Final paragraph"])
    window.select_claim(claim["id"])
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_Delete)
    assert live_claims(window) == []
    assert window.workspace.store.get("claims", claim["id"])["deleted_at"]
    qtbot.keySequence(window, QKeySequence("Ctrl+Z"))
    assert [c["id"] for c in live_claims(window)] == [claim["id"]]
    qtbot.keySequence(window, QKeySequence("Ctrl+Shift+Z"))
    assert live_claims(window) == []


def test_undo_of_each_change_restores_the_database(qtbot, window):
    open_titled(window, "Emoji article")
    store = window.workspace.store

    def snapshot():
        return store.query('SELECT id, verdict, rationale, deleted_at, quote FROM claims ORDER BY id'), \
            store.query("SELECT id, from_verdict, to_verdict FROM verdict_history WHERE deleted_at IS NULL ORDER BY id")

    empty = snapshot()
    [claim] = _make_claims(qtbot, window, ["minister said"])
    created = snapshot()
    qtbot.keySequence(window, QKeySequence("Ctrl+Z"))
    assert snapshot() == empty
    qtbot.keySequence(window, QKeySequence("Ctrl+Shift+Z"))
    assert snapshot() == created
    window.select_claim(claim["id"])
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_2)
    assert snapshot() != created
    qtbot.keySequence(window, QKeySequence("Ctrl+Z"))
    assert snapshot() == created
    qtbot.mouseClick(window.detail.rationale.viewport(), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(window.detail.rationale, "Source: ministry transcript")
    qtbot.waitUntil(lambda: store.get("claims", claim["id"])["rationale"] == "Source: ministry transcript")
    qtbot.keySequence(window.detail.rationale, QKeySequence("Ctrl+Z"))
    assert snapshot() == created
    assert window.detail.rationale.toPlainText() == ""


def test_rationale_autosaves_and_survives_reopening(qtbot, window, db_path):
    open_titled(window, "Emoji article")
    [claim] = _make_claims(qtbot, window, ["Final paragraph"])
    qtbot.mouseClick(window.detail.rationale.viewport(), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(window.detail.rationale, "Checked *twice*: <b>ok</b>")
    qtbot.waitUntil(lambda: window.workspace.store.get("claims", claim["id"])["rationale"] == "Checked *twice*: <b>ok</b>",
                    timeout=3000)
    assert window.detail.saved.text() == "Saved"
    qtbot.mouseClick(window.detail.buttons.buttons()[1], Qt.MouseButton.LeftButton)  # Verified
    window.close()
    from workbench.store import Store
    with Store.open(db_path) as reopened:
        row = reopened.get("claims", claim["id"])
    assert (row["verdict"], row["rationale"]) == ("verified", "Checked *twice*: <b>ok</b>")


def test_typing_digits_in_the_rationale_does_not_change_the_verdict(qtbot, window):
    open_titled(window, "Emoji article")
    [claim] = _make_claims(qtbot, window, ["Final paragraph"])
    qtbot.mouseClick(window.detail.rationale.viewport(), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(window.detail.rationale, "2 sources, 1 denial")
    window.detail.flush()
    row = window.workspace.store.get("claims", claim["id"])
    assert row["verdict"] == "pending" and row["rationale"] == "2 sources, 1 denial"


def test_filter_by_verdict(qtbot, window):
    open_titled(window, "Emoji article")
    _make_claims(qtbot, window, ["Emoji first", "Final paragraph"])
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_2)  # the last made claim is current
    combo = window.claims_panel.filter
    combo.setCurrentIndex(combo.findData("disputed"))
    assert [window.article["body"][window.workspace.article.all[i]["start"]:window.workspace.article.all[i]["end"]]
            for i in [r['id'] for r in window.workspace.article.rows if window.claims_panel.accepts(r)]] == ["Final paragraph"]


def test_search_opens_the_claim(qtbot, window):
    open_titled(window, "Emoji article")
    [claim] = _make_claims(qtbot, window, ["minister said"])
    open_titled(window, window.article_list.model_.rows[0]["title"])
    qtbot.keySequence(window, "Ctrl+Shift+F")
    dialog = window.search_dialog
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.query.hasFocus()
    qtbot.keyClicks(dialog.query, "minister said")
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0)
    hits = dialog.model.hits
    row = next(i for i, hit in enumerate(hits) if hit.claim_id == claim["id"])
    dialog.results.setCurrentIndex(dialog.model.index(row))
    dialog.results.setFocus()
    qtbot.keyClick(dialog.results, Qt.Key.Key_Return)
    assert window.article["title"] == "Emoji article"
    assert window.current_claim == claim["id"]
    dialog.close()


def test_new_article_from_clipboard(qtbot, window):
    QApplication.clipboard().setText("Pasted headline\nThe mayor said the bridge cost 3 million.")
    window.activateWindow()
    window.actions_["paste_article"].trigger()
    assert window.article["title"] == "Pasted headline"
    assert window.article["source_kind"] == "clipboard"
    dialog = window.article_dialog  # where did it come from? the web address is asked at once
    assert dialog.isVisible() and dialog.focusWidget() is dialog.fields["url"]
    qtbot.keyClicks(dialog.fields["url"], "https://news.example/bridge")
    qtbot.keyClick(dialog.fields["url"], Qt.Key.Key_Return)
    assert window.article["url"] == "https://news.example/bridge"


def test_dropping_files_imports_them(qtbot, window, tmp_path):
    from PySide6.QtCore import QMimeData, QPoint, QPointF, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent

    path = tmp_path / "dropped.txt"
    path.write_text("Dropped article\nCouncil approved the budget on Monday.", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(QPoint(100, 100), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(100, 100), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, drop)
    wait_for_tasks(qtbot, window)
    assert window.article["title"] == "Dropped article"


def test_tooltip_text_is_escaped():
    from ui.article_view import claim_tooltip

    text = claim_tooltip([{"verdict": "disputed", "rationale": "<img src=x onerror=alert(1)> & more"}])
    assert "<img" not in text and "&lt;img" in text and "&amp; more" in text


def test_status_bar_shows_database_and_reviewer(window, db_path):
    assert window.db_label.toolTip() == f"<qt>{db_path}</qt>" and db_path.name in window.db_label.text()
    assert "Ana" in window.reviewer_label.text()


def test_context_menu_marks_the_selection(qtbot, window):
    open_titled(window, "Emoji article")
    start = EMOJI_BODY.index("ordinary words")
    select_with_mouse(qtbot, window.reader, start, start + len("ordinary words"))
    menu = window.reader.context_menu()
    texts = [a.text().replace("&", "") for a in menu.actions()]
    assert texts[0] == "Mark as Claim" and "Copy" in " ".join(texts)
    menu.actions()[0].trigger()
    assert [c["quote"] for c in live_claims(window)] == ["ordinary words"]
    menu.deleteLater()


def test_an_article_hit_opens_the_article_at_the_match_highlighted(qtbot, window):
    open_titled(window, "Emoji article")
    qtbot.keySequence(window, "Ctrl+Shift+F")
    dialog = window.search_dialog
    qtbot.keyClicks(dialog.query, "paragraph")
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0)
    open_titled(window, next(r["title"] for r in window.article_list.model_.rows if r["title"] != "Emoji article"))
    row = next(i for i, hit in enumerate(dialog.model.hits) if hit.kind == "article" and hit.title == "Emoji article")
    dialog.results.setCurrentIndex(dialog.model.index(row))
    dialog.results.setFocus()
    qtbot.keyClick(dialog.results, Qt.Key.Key_Return)
    assert window.article["title"] == "Emoji article"
    start = EMOJI_BODY.index("paragraph")
    assert window.reader.find_matches == [(start, start + len("paragraph"))]
    assert window.reader.caret() == start and window.find_bar.count.text() == "1 of 1"
    dialog.close()


def test_find_in_the_article_highlights_every_match_and_steps_through_them(qtbot, window):
    open_titled(window, "Emoji article")
    qtbot.keySequence(window, "Ctrl+F")
    assert window.find_bar.field.hasFocus()
    qtbot.keyClicks(window.find_bar.field, "A")  # case and accents ignored: a, À, å...
    qtbot.waitUntil(lambda: window.find_bar.count.text().endswith(f"of {EMOJI_BODY.lower().count('a')}"))
    first = window.reader.find_matches[window.find_bar.current]
    qtbot.keyClick(window.find_bar.field, Qt.Key.Key_Return)
    assert window.reader.find_matches[window.find_bar.current][0] > first[0]
    qtbot.keyClick(window.find_bar.field, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert window.reader.find_matches[window.find_bar.current] == first
    assert any(s.cursor.selectionStart() == window.reader.offsets.to_utf16(first[0]) for s in window.reader.extraSelections())
    qtbot.keyClick(window.find_bar.field, Qt.Key.Key_Escape)
    assert not window.find_bar.isVisible() and window.reader.find_matches == []
