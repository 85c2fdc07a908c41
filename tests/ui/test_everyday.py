"""The window as a fact-checker uses it all day, driven by real keys and clicks (issue 11)."""

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QContextMenuEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel, QMenu

from tests.ui.conftest import EMOJI_BODY, open_titled, point_at, select_with_mouse, wait_for_tasks
from workbench.claims import get_claim


def mark(qtbot, window, phrase: str, key=None) -> str:
    start = window.article["body"].index(phrase)
    select_with_mouse(qtbot, window.reader, start, start + len(phrase))
    qtbot.keyClick(window.reader, Qt.Key.Key_Return)
    if key is not None:
        qtbot.keyClick(window.reader, key)
    return window.current_claim


def test_the_next_article_is_never_drawn_in_the_last_claims_style(qtbot, window):
    open_titled(window, "Emoji article")
    mark(qtbot, window, "minister said", Qt.Key.Key_2)  # the caret sits inside a disputed claim
    qtbot.mouseClick(window.reader.viewport(), Qt.MouseButton.LeftButton,
                     pos=point_at(window.reader, EMOJI_BODY.index("minister") + 2))
    other = next(r for r in window.article_list.model_.rows if r["title"] != "Emoji article"
                 and not sum(r["counts"].values()))
    open_titled(window, other["title"])
    assert window.reader.extraSelections() == []  # a fresh article with no claims has no highlight
    block = window.reader.document().begin()
    while block.isValid():  # and no character carries a claim's background or underline
        for fragment in block.layout().formats():
            assert not fragment.format.background().style() and not fragment.format.underlineStyle()
        iterator = block.begin()
        while not iterator.atEnd():
            fmt = iterator.fragment().charFormat()
            assert fmt.background().style() == Qt.BrushStyle.NoBrush and fmt.underlineStyle().value == 0
            iterator += 1
        block = block.next()


def _choose_in_menu(text: str) -> None:
    menu = QApplication.activePopupWidget()
    assert isinstance(menu, QMenu)
    action = next(a for a in menu.actions() if a.text() == text)
    menu.close()
    action.trigger()


def test_right_click_gives_the_verdict_to_the_claim_under_the_pointer(qtbot, window):
    open_titled(window, "Emoji article")
    far = mark(qtbot, window, "Final paragraph")
    near = mark(qtbot, window, "Emoji first")
    window.select_claim(far)  # the current claim is another one, paragraphs away
    where = point_at(window.reader, EMOJI_BODY.index("Emoji first") + 2)
    QTimer.singleShot(0, lambda: _choose_in_menu("Disputed"))
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, where, window.reader.viewport().mapToGlobal(where))
    QApplication.sendEvent(window.reader.viewport(), event)
    store = window.workspace.store
    assert get_claim(store, near)["verdict"] == "disputed"
    assert get_claim(store, far)["verdict"] == "pending"
    assert window.current_claim == near


def test_a_verdict_in_a_filtered_list_keeps_the_claim_and_the_typing_where_they_were(qtbot, window):
    open_titled(window, "Emoji article")
    first = mark(qtbot, window, "Emoji first")
    second = mark(qtbot, window, "minister said")
    mark(qtbot, window, "Final paragraph")
    panel = window.claims_panel
    panel.filter.setCurrentIndex(panel.filter.findData("pending"))
    assert panel.count.text() == "3"
    window.select_claim(second)
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_1)  # verified: no longer what the filter shows
    assert window.current_claim == second and panel.list.currentIndex().data(Qt.ItemDataRole.UserRole + 1) == second
    qtbot.keySequence(window, "Alt+4")
    qtbot.keyClicks(window.detail.rationale, "Statistics office")
    window.detail.flush()
    assert get_claim(window.workspace.store, second)["rationale"] == "Statistics office"
    window.select_claim(first)  # moving on: the verified claim leaves the pending list
    assert panel.count.text() == "2 of 3"
    assert second not in [panel.proxy.index(i, 0).data(Qt.ItemDataRole.UserRole + 1) for i in range(panel.proxy.rowCount())]


def _contrast(a, b) -> float:
    def luminance(colour):
        def channel(v):
            v /= 255
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
        return 0.2126 * channel(colour.red()) + 0.7152 * channel(colour.green()) + 0.0722 * channel(colour.blue())
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_switching_the_dark_theme_while_running_restyles_everything(qtbot, window):
    open_titled(window, "Emoji article")
    for dark in (True, False, True):
        window.actions_["dark"].setChecked(dark)
        window.actions_["dark"].trigger() if window.actions_["dark"].isChecked() != dark else window.toggle_dark()
        QApplication.processEvents()
        window_colour = window.palette().color(window.backgroundRole())
        assert (window_colour.lightness() < 80) == dark
        for label in window.findChildren(QLabel):
            if label.isVisible() and label.isEnabled() and label.text():  # WCAG exempts inactive parts
                text = label.palette().color(label.foregroundRole())
                ground = label.parentWidget().palette().color(label.parentWidget().backgroundRole())
                assert _contrast(text, ground) >= 4.5, (label.objectName(), label.text(), text.name(), ground.name())


def test_redo_answers_both_usual_keys(qtbot, window):
    open_titled(window, "Emoji article")
    mark(qtbot, window, "a family")
    qtbot.keySequence(window, "Ctrl+Z")
    assert window.workspace.article.rows == []
    qtbot.keySequence(window, "Ctrl+Shift+Z")
    assert len(window.workspace.article.rows) == 1
    qtbot.keySequence(window, "Ctrl+Z")
    qtbot.keySequence(window, "Ctrl+Y")
    assert len(window.workspace.article.rows) == 1


def test_tab_leaves_the_rationale_instead_of_typing_a_tab(qtbot, window):
    open_titled(window, "Emoji article")
    claim_id = mark(qtbot, window, "a family")
    window.detail.rationale.setFocus()
    qtbot.keyClicks(window.detail.rationale, "Checked")
    qtbot.keyClick(window.detail.rationale, Qt.Key.Key_Tab)
    assert not window.detail.rationale.hasFocus()
    window.detail.flush()
    assert get_claim(window.workspace.store, claim_id)["rationale"] == "Checked"


def test_keys_to_every_pane_a_shortcut_list_and_deleting_an_article(qtbot, window):
    open_titled(window, "Emoji article")
    qtbot.keySequence(window, "Alt+1")
    assert window.article_list.hasFocus()
    before = window.article["id"]
    qtbot.keySequence(window, "Ctrl+PgUp")
    assert window.article["id"] != before
    qtbot.keySequence(window, "Ctrl+PgDown")
    assert window.article["id"] == before
    count = len(window.article_list.model_.rows)
    window.article_list.setFocus()
    qtbot.keyClick(window.article_list, Qt.Key.Key_Delete)
    assert len(window.article_list.model_.rows) == count - 1 and window.article["id"] != before
    qtbot.keySequence(window, "Ctrl+Z")
    assert len(window.article_list.model_.rows) == count
    qtbot.keySequence(window, "Ctrl+/")
    keys = window.shortcuts_dialog.keys()
    assert keys["Go to Article List"] == "Alt+1" and keys["Next Article"] == "Ctrl+PgDown"
    assert keys["Redo"].count("Ctrl+Shift+Z") == 1 and "Ctrl+Y" in keys["Redo"]
    window.shortcuts_dialog.close()


def test_correcting_the_articles_details(qtbot, window):
    open_titled(window, "Emoji article")
    qtbot.keySequence(window, "Ctrl+Shift+D")
    dialog = window.article_dialog
    dialog.fields["title"].setText("Emoji and Unicode")
    dialog.fields["published"].setText("2024-05-31")
    dialog.fields["url"].setText("https://example.org/emoji")
    dialog.accept()
    assert window.title.text() == "Emoji and Unicode" and "https://example.org/emoji" in window.meta.text()
    assert window.article_list.model_.rows[window.article_list.currentIndex().row()]["title"] == "Emoji and Unicode"
    qtbot.keySequence(window, "Ctrl+Z")
    assert window.title.text() == "Emoji article"


def test_the_whole_window_is_on_the_screen_at_first_start(qtbot, db_path):
    from ui.main_window import MainWindow
    from workbench.seeds import open_database
    from workbench.workspace import Workspace

    first = MainWindow(Workspace(open_database(db_path, reviewer="Ana"), "Ana"))  # no saved geometry
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    area = (first.screen() or QGuiApplication.primaryScreen()).availableGeometry()
    assert area.size().toTuple() == (1280, 800)  # tests/screen-1280x800.json
    assert area.contains(first.frameGeometry())  # the status bar included
    assert first.rect().contains(first.statusBar().geometry())


def test_a_long_import_runs_in_the_background_and_can_be_cancelled(qtbot, window, tmp_path):
    paths = []
    for number in range(400):
        path = tmp_path / f"article-{number:03}.txt"
        path.write_text(f"Article number {number}\nThe council met on day {number}.", encoding="utf-8")
        paths.append(str(path))
    before = len(window.article_list.model_.rows)
    window.files.import_sources(paths)
    assert window.tasks.bar.isVisible()
    qtbot.waitUntil(lambda: window.tasks.bar.value() >= 3, timeout=30_000)  # the event loop kept running
    qtbot.mouseClick(window.tasks.cancel_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, window)
    imported = len(window.article_list.model_.rows) - before
    assert 3 <= imported < 400
    assert "stopped before the rest" in window.statusBar().currentMessage()
    qtbot.keySequence(window, "Ctrl+Z")  # one undo takes the whole import back
    assert len(window.article_list.model_.rows) == before


def test_at_1024_by_768_the_reader_is_wide_and_nothing_is_cut(qtbot, db_path):
    from ui.main_window import MainWindow
    from workbench.seeds import open_database
    from workbench.workspace import Workspace

    window = MainWindow(Workspace(open_database(db_path, reviewer="Ana"), "Ana"))
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window._default_splitter_sizes()
    window.show()
    qtbot.waitExposed(window)
    assert window.reader.viewport().width() >= 380  # about 50 characters a line, not 35
    detail = window.detail
    for button in detail.buttons.buttons():  # "Unverifiable 3" whole, inside the panel
        assert detail.rect().contains(button.geometry().translated(button.parentWidget().mapTo(detail, button.pos()) - button.pos()))
    width = window.reader.viewport().width()
    rows = window.workspace.article.body.index(" ")
    window.select_claim(window.qt.act(window.workspace.mark, window.article["id"], 0, rows))
    QApplication.processEvents()
    assert window.reader.viewport().width() == width  # selecting a claim never reflows the article


def test_copy_to_a_claim_of_another_article_asks_when_the_stance_would_contradict(qtbot, window):
    from PySide6.QtWidgets import QMessageBox

    article = open_titled(window, "Emoji article")
    source_claim = mark(qtbot, window, "minister said", Qt.Key.Key_2)
    window.workspace.add_evidence(source_claim, {"title": "Statistics office", "stance": "refutes"})
    other = next(r for r in window.article_list.model_.rows if r["id"] != article["id"])
    open_titled(window, other["title"])
    target = mark(qtbot, window, window.article["body"].split()[0], Qt.Key.Key_1)  # verified
    open_titled(window, "Emoji article")
    window.select_claim(source_claim)
    panel = window.detail.evidence
    panel.list.setCurrentRow(0)
    qtbot.mouseClick(panel.copy_button, Qt.MouseButton.LeftButton)
    chooser = panel.dialog
    chooser.article.setCurrentIndex(chooser.article.findData(other["id"]))
    assert chooser.list.count() == 1 and chooser.list.item(0).text().startswith("#1 Verified")
    chooser.list.setCurrentRow(0)

    def answer():
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox) and "refutes its claim" in box.text()
        next(b for b in box.buttons() if b.text() == "As “Gives context”").click()

    QTimer.singleShot(0, answer)
    qtbot.mouseClick(chooser.ok, Qt.MouseButton.LeftButton)
    [copy] = window.workspace.evidence_for(target)
    assert (copy["title"], copy["stance"]) == ("Statistics office", "context")
    assert "as “Gives context”" in window.statusBar().currentMessage()
