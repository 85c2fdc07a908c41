"""Article ▸ Compare With…: the two sample articles side by side, driven with real key presses."""

from PySide6.QtCore import QTimer, Qt
from PySide6.QtGui import QColor, QContextMenuEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QMenu

from tests.ui.conftest import open_titled, select_with_mouse, wait_for_tasks
from ui.compare_view import KINDS, ClaimsRole, SpansRole
from workbench.claims import claims_for

FIRST = "Nato considers pre-emptive strikes against Russia amid heightened tensions"
SECOND = "NATO Weighs Potential Pre-emptive action Against Russia, Sources Indicate"


def open_comparison(qtbot, window, phrase: str | None = None):
    """Open the first sample (marking phrase as a claim first, if given), then Compare With… the second, by keys."""
    open_titled(window, FIRST)
    if phrase:
        start = window.article["body"].index(phrase)
        select_with_mouse(qtbot, window.reader, start, start + len(phrase))
        qtbot.keyClick(window.reader, Qt.Key.Key_Return)
    qtbot.keySequence(window, "Ctrl+Shift+C")
    dialog = window.compare_dialog
    dialog.choice.setCurrentIndex(dialog.choice.findText(SECOND))
    wait_for_tasks(qtbot, window)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0 and dialog.isActiveWindow())
    return dialog


def row_of(dialog, column: int, text: str) -> int:
    return next(r for r in range(dialog.model.rowCount()) if text in dialog.model.index(r, column).data())


def test_the_sample_articles_show_the_north_atlantic_treaty_association_against_the_first_wording(
        qtbot, qtmodeltester, window):
    dialog = open_comparison(qtbot, window)
    qtmodeltester.check(dialog.model)
    assert dialog.model.headerData(0, Qt.Orientation.Horizontal) == FIRST
    assert dialog.model.headerData(1, Qt.Orientation.Horizontal) == SECOND
    pressed = 0
    while "North Atlantic Treaty Association" not in dialog.status.text():
        qtbot.keyClick(dialog.view, Qt.Key.Key_N)
        pressed += 1
        assert pressed < 20, dialog.status.text()
    row = dialog.view.currentIndex().row()
    left, right = dialog.model.index(row, 0), dialog.model.index(row, 1)
    assert left.data().startswith("Nato is weighing up whether to launch pre-emptive strikes")
    assert "North Atlantic Treaty Association (NATO) members" in right.data()
    text = right.data()
    start = text.index("North Atlantic Treaty Association")
    assert (start, start + len("North Atlantic Treaty Association"), "name") in right.data(SpansRole)
    assert dialog.status.text().startswith(f"Difference {pressed} of {len(dialog.model.differences)}")
    qtbot.keyClick(dialog.view, Qt.Key.Key_P)
    assert dialog.status.text().startswith(f"Difference {pressed - 1} of")


def formats_at(document, position: int):
    cursor = QTextCursor(document)
    cursor.setPosition(position + 1)
    return cursor.charFormat()


def test_names_numbers_and_dates_have_a_colour_and_a_second_cue_in_light_and_dark(qtbot, window):
    dialog = open_comparison(qtbot, window)
    row = row_of(dialog, 1, "North Atlantic Treaty Association")
    index = dialog.model.index(row, 1)
    text = index.data()
    delegate = dialog.view.itemDelegate()
    for dark in (False, True):
        if dark:
            window.actions_["dark"].trigger()  # switched while running
        document = delegate.document(index, dialog.view.palette(), 400)
        name = formats_at(document, text.index("Atlantic"))
        date = formats_at(document, text.index("November"))
        changed = formats_at(document, text.index("Brussels"))
        shade = lambda kind: QColor(KINDS[kind].dark if dark else KINDS[kind].light)  # noqa: E731
        assert name.background().color() == shade("name") and name.fontUnderline()
        assert date.background().color() == shade("date") and date.fontItalic()
        assert changed.background().color() == shade("changed") and not changed.fontUnderline()
        assert not changed.fontItalic() and changed.fontWeight() != 700
        assert shade("date").name() in dialog.legend.text()
        four = dialog.model.index(row_of(dialog, 0, "Four Russian fighter jets"), 0)
        number = formats_at(delegate.document(four, dialog.view.palette(), 400), 0)
        assert number.background().color() == shade("number") and number.fontWeight() == 700


def test_m_marks_a_claim_on_the_aligned_words_of_the_other_article_and_ctrl_z_takes_it_back(qtbot, window):
    dialog = open_comparison(qtbot, window, phrase="pre-emptive strikes against Russia following")
    row = row_of(dialog, 0, "Nato is weighing up")
    dialog.view.setFocus()
    dialog.view.setCurrentIndex(dialog.model.index(row, 0))
    assert [c["quote"] for _, c in dialog.model.index(row, 0).data(ClaimsRole)] == [
        "pre-emptive strikes against Russia following"]
    assert dialog.model.index(row, 1).data(ClaimsRole) == []
    qtbot.keyClick(dialog.view, Qt.Key.Key_M)
    second = next(r["id"] for r in window.workspace.list_articles() if r["title"] == SECOND)
    [carried] = claims_for(window.workspace.store, second)
    assert carried["quote"] == "pre-emptive strike options against Russia"
    assert [c["id"] for _, c in dialog.model.index(row, 1).data(ClaimsRole)] == [carried["id"]]
    assert dialog.status.text().startswith("Marked 1 claim on the other side")
    qtbot.keyClick(dialog.view, Qt.Key.Key_M)
    assert dialog.status.text() == "Already marked on the other side."
    qtbot.keySequence(dialog.view, "Ctrl+Z")
    assert claims_for(window.workspace.store, second) == []
    assert dialog.model.index(row, 1).data(ClaimsRole) == []


def _choose_in_menu(text: str) -> None:
    menu = QApplication.activePopupWidget()
    assert isinstance(menu, QMenu)
    action = next(a for a in menu.actions() if a.text().replace("&", "") == text)
    menu.close()
    action.trigger()


def test_the_context_menu_marks_on_the_other_side_and_shows_a_sentence_in_the_reader(qtbot, window):
    dialog = open_comparison(qtbot, window, phrase="pre-emptive strikes against Russia following")
    row = row_of(dialog, 0, "Nato is weighing up")
    dialog.view.scrollTo(dialog.model.index(row, 0))
    where = dialog.view.visualRect(dialog.model.index(row, 1)).center()
    QTimer.singleShot(0, lambda: _choose_in_menu("Mark on the Other Side"))
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, where, dialog.view.viewport().mapToGlobal(where))
    QApplication.sendEvent(dialog.view.viewport(), event)
    second = next(r["id"] for r in window.workspace.list_articles() if r["title"] == SECOND)
    assert [c["quote"] for c in claims_for(window.workspace.store, second)] == [
        "pre-emptive strike options against Russia"]
    QTimer.singleShot(0, lambda: _choose_in_menu("Show in the Reader"))
    QApplication.sendEvent(dialog.view.viewport(), QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, where, dialog.view.viewport().mapToGlobal(where)))
    assert window.article["title"] == SECOND
    start, end = window.reader.selected_range()
    assert window.article["body"][start:end].startswith("Brussels, Belgium")


def test_m_on_a_row_without_claims_says_what_to_do(qtbot, window):
    dialog = open_comparison(qtbot, window)
    dialog.view.setFocus()
    qtbot.keyClick(dialog.view, Qt.Key.Key_M)
    assert dialog.status.text().startswith("This row has no claim")


def test_compare_with_again_replaces_the_dialog_and_a_closed_one_ignores_later_changes(qtbot, window):
    dialog = open_comparison(qtbot, window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keySequence(window, "Ctrl+Shift+C")  # again, from the main window
    second = window.compare_dialog
    assert second is not dialog and second.isVisible()
    qtbot.waitUntil(lambda: window.findChildren(type(second)) == [second])  # the first one is gone
    second.close()  # while it compares: the answer finds no dialog and is dropped
    wait_for_tasks(qtbot, window)
    qtbot.waitUntil(lambda: window.findChildren(type(second)) == [])
    window.workspace.reload("test")  # a reload after the dialog closed: nothing left to update
    start = window.article["body"].index("Nato is weighing")
    window.workspace.mark(window.article["id"], start, start + len("Nato is weighing"))
    assert window.article["title"] == FIRST
