"""Corrected articles in the window (issue 12): a new version from the File menu, the versions bar, changed
wording side by side, and placing what could not be placed, driven by real clicks and keys."""

import http.server
import json
import threading

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel, QMenu

from tests.local_server import serving
from tests.ui.conftest import point_at, select_with_mouse, wait_for_tasks
from ui import safe
from workbench.articles import add_article
from workbench.claims import add_claim, get_claim

OLD = ("Jets over the border\n"
       "Four Russian fighter jets were spotted near the border with Poland on Tuesday.\n"
       "The ministry said 40 drones crossed the border last month.\n"
       "A paragraph that the correction removes entirely, with its claim.\n"
       "Officials in Warsaw declined to comment.")
NEW = ("Jets over the border\n"
       "Four Russian fighter jets were spotted near the border with Poland on Tuesday.\n"
       "The ministry said 45 drones crossed the border last month.\n"
       "Officials in Warsaw declined to comment.")
JETS, DRONES, GONE = ("Four Russian fighter jets were spotted", "The ministry said 40 drones crossed the border",
                      "A paragraph that the correction removes entirely")


def span(text, quote):
    start = text.index(quote)
    return start, start + len(quote)


@pytest.fixture
def old(window, tmp_path):
    """An article with three judged claims, open in the window, and its corrected text in a file."""
    store, reviewer = window.workspace.store, window.workspace.reviewer_id
    article = add_article(store, OLD, reviewer_id=reviewer, title="Jets over the border").article
    made = {quote: add_claim(store, article["id"], *span(OLD, quote), reviewer_id=reviewer, verdict=verdict,
                             rationale=f"Why {verdict}")["id"]
            for quote, verdict in ((JETS, "verified"), (DRONES, "disputed"), (GONE, "unverifiable"))}
    window.refresh_articles()
    window.go_to(article["id"], None)
    (tmp_path / "corrected.txt").write_text(NEW, encoding="utf-8")
    return {"article": article, "claims": made, "file": tmp_path / "corrected.txt"}


@pytest.fixture
def messages(monkeypatch):
    shown = []
    monkeypatch.setattr(safe, "message", lambda parent, title, text, *icon: shown.append((title, text)))
    return shown


@pytest.fixture
def corrected(window, old):
    """The corrected version imported (here and now) and open."""
    window.workspace.import_new_version(str(old["file"]), old["article"]["id"])
    return window.article


def claim_with(window, words: str) -> str:
    return next(row["id"] for row in window.workspace.article.rows if words in row["quote"])


def click_text(qtbot, window, words: str) -> None:
    qtbot.mouseClick(window.reader.viewport(), Qt.MouseButton.LeftButton,
                     pos=point_at(window.reader, window.article["body"].index(words) + 2))


def press(qtbot, window, keys: str) -> None:
    """Press a window shortcut; the offscreen platform gives no window the focus back after a menu or dialog."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keySequence(window, keys)


def choose_in_popup(text: str) -> None:
    menu = QApplication.activePopupWidget()
    assert isinstance(menu, QMenu)
    action = next(a for a in menu.actions() if a.text().replace("&", "") == text)
    menu.close()
    action.trigger()


# -- File ▸ Import New Version… ------------------------------------------------------------------

def test_import_new_version_from_the_file_menu_opens_it_and_reports_the_carry(qtbot, window, old, messages):
    window.actions_["import_version"].trigger()
    dialog = window.corrections.dialog
    assert dialog.isVisible() and "Jets over the border" in dialog.findChild(QLabel).text()
    import_button = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not import_button.isEnabled()  # nothing typed yet
    qtbot.keyClicks(dialog.source, str(old["file"]))
    qtbot.mouseClick(import_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, window)
    assert window.article["id"] != old["article"]["id"] and window.article["body"] == NEW
    [(title, text)] = messages
    assert title == "New version imported"
    assert "3 claims of the earlier version" in text and "1 carried exactly" in text
    assert "1 carried approximately" in text and "“The ministry said 45 drones crossed the border”" in text
    assert "0.9" in text and "1 could not be placed" in text and f"“{GONE}”" in text
    assert window.versions_bar.isVisible() and window.versions_bar.label.text() == "Version 2 of 2 · the latest"
    assert window.claim_tabs.currentWidget() is window.orphans  # what waits is in front
    press(qtbot, window, "Ctrl+Z")  # undo removes the new version; the old one opens, alone again
    assert window.article["id"] == old["article"]["id"] and not window.versions_bar.isVisible()
    assert window.actions_["redo"].text() == "&Redo Import new version"


class SlowPage(http.server.BaseHTTPRequestHandler):
    release = threading.Event()

    def do_GET(self):
        self.release.wait(10)
        body = NEW.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_new_version_from_the_web_shows_progress_and_cancel_stores_nothing(qtbot, window, old, messages,
                                                                            monkeypatch, no_proxy):
    errors = []
    monkeypatch.setattr(window, "show_error", errors.append)
    count = len(window.workspace.list_articles())
    SlowPage.release.clear()
    with serving(SlowPage) as base:
        window.corrections.import_version_dialog()
        dialog = window.corrections.dialog
        qtbot.keyClicks(dialog.source, base + "/jets")
        qtbot.keyClick(dialog.source, Qt.Key.Key_Return)
        assert window.tasks.busy() and window.tasks.cancel_button.isVisible()
        assert window.tasks.label.text().startswith("Importing the new version")
        qtbot.mouseClick(window.tasks.cancel_button, Qt.MouseButton.LeftButton)
        wait_for_tasks(qtbot, window)
        SlowPage.release.set()
    assert len(window.workspace.list_articles()) == count and errors == [] and messages == []
    assert window.article["id"] == old["article"]["id"]


def test_a_source_that_is_not_an_article_is_one_clear_error(qtbot, window, old, tmp_path, monkeypatch, messages):
    errors = []
    monkeypatch.setattr(window, "show_error", errors.append)
    window.corrections.import_version(str(tmp_path / "missing.txt"), old["article"]["id"])
    wait_for_tasks(qtbot, window)
    assert len(errors) == 1 and "missing.txt" in errors[0] and "\n" not in errors[0]
    assert window.article["id"] == old["article"]["id"] and messages == []


# -- the versions bar and the article list ------------------------------------------------------

def test_the_versions_bar_moves_between_versions_by_click_menu_and_key(qtbot, window, old, corrected):
    bar = window.versions_bar
    new_drones = claim_with(window, "45 drones")
    click_text(qtbot, window, "45 drones")
    assert window.current_claim == new_drones
    assert not bar.newer.isEnabled() and not window.actions_["newer_version"].isEnabled()
    qtbot.mouseClick(bar.older, Qt.MouseButton.LeftButton)  # the old version, the same claim there selected
    assert window.article["id"] == old["article"]["id"] and window.current_claim == old["claims"][DRONES]
    assert bar.label.text() == "Version 1 of 2 · a newer version exists" and bar.newer.isEnabled()
    window.reader.setFocus()
    qtbot.keySequence(window.reader, "Ctrl+Shift+PgDown")
    assert window.article["id"] == corrected["id"] and window.current_claim == new_drones
    qtbot.keySequence(window.reader, "Ctrl+Shift+PgUp")
    assert window.article["id"] == old["article"]["id"]
    window.select_claim(old["claims"][GONE])  # no counterpart in the new version: nothing selected there
    entries = [a.text() for a in bar.menu.actions()]
    assert entries[0].startswith("Version 1: Jets over the border") and "3 claims" in entries[0]
    assert entries[1].startswith("Version 2: ") and "2 claims" in entries[1]
    bar.menu.actions()[1].trigger()
    assert window.article["id"] == corrected["id"] and window.current_claim is None


def test_the_article_list_shows_versions_without_clutter(qtbot, qtmodeltester, window, old, corrected):
    model = window.article_list.model_
    qtmodeltester.check(model)
    rows = {r["id"]: r for r in model.rows}
    assert rows[old["article"]["id"]]["version"] == {"number": 1, "of": 2, "superseded": True}
    assert rows[corrected["id"]]["version"] == {"number": 2, "of": 2, "superseded": False}
    others = [r for r in model.rows if r["id"] not in (old["article"]["id"], corrected["id"])]
    assert others and all(r["version"] is None for r in others)  # one version: no mark at all
    tip = model.index(model.row_of(old["article"]["id"])).data(Qt.ItemDataRole.ToolTipRole)
    assert "Version 1 of 2 · superseded by a corrected version" in tip
    tip = model.index(model.row_of(corrected["id"])).data(Qt.ItemDataRole.ToolTipRole)
    assert "Version 2 of 2 · the latest" in tip and "1 to place" in tip
    # the delegate draws the badge and recedes the superseded title: the row looks different without them
    view, row = window.article_list, model.row_of(old["article"]["id"])
    marked = view.viewport().grab(view.visualRect(view.index_of(old["article"]["id"]))).toImage()
    model.rows[row] = {**model.rows[row], "version": None}
    view.viewport().repaint()
    assert view.viewport().grab(view.visualRect(view.index_of(old["article"]["id"]))).toImage() != marked
    window.refresh_articles()
    window.workspace.delete_article(corrected["id"])  # the new version gone: the old one is alone again
    rows = {r["id"]: r for r in model.rows}
    assert rows[old["article"]["id"]]["version"] is None and corrected["id"] not in rows
    qtmodeltester.check(model)


def test_a_new_version_made_by_the_command_line_appears_while_the_window_is_open(qtbot, window, old, db_path):
    from workbench.store import Store
    from workbench.workspace import Workspace

    with Store.open(db_path) as other:  # workbench import DB FILE --new-version-of ID, in another process
        _, report = Workspace(other, "Bo").import_new_version(str(old["file"]), old["article"]["id"])
    model = window.article_list.model_
    qtbot.waitUntil(lambda: model.row_of(report.article_id) is not None, timeout=5000)
    rows = {r["id"]: r for r in model.rows}
    assert rows[old["article"]["id"]]["version"]["superseded"] and rows[report.article_id]["orphans"] == 1
    assert window.article["id"] == old["article"]["id"]  # the reviewer stays where they are ...
    qtbot.waitUntil(lambda: window.versions_bar.isVisible(), timeout=5000)  # ... and is told a newer one exists
    assert window.actions_["newer_version"].isEnabled()


# -- the wording side by side -------------------------------------------------------------------

def test_a_reworded_claim_shows_its_old_and_new_wording_side_by_side(qtbot, window, old, corrected):
    panel = window.detail.wording
    click_text(qtbot, window, "45 drones")
    assert panel.isVisible()
    assert panel.heading.text().startswith("Reworded · carried approximately, score 0.9")
    before, now = panel.before.toPlainText(), panel.now.toPlainText()
    assert before == "Before  " + DRONES and now == "Now  The ministry said 45 drones crossed the border"
    marked = {}
    for side, text in ((panel.before, "40"), (panel.now, "45")):
        cursor = side.document().find(text)
        fmt = cursor.charFormat()
        marked[text] = (fmt.fontStrikeOut(), fmt.fontUnderline(), fmt.background().color().name())
        plain = side.document().find("ministry").charFormat()
        assert not plain.fontStrikeOut() and not plain.fontUnderline()
    assert marked["40"][0] and marked["45"][1]  # a colour-free cue on each side
    light = marked["45"][2]
    click_text(qtbot, window, "Four Russian")  # its words did not change: nothing side by side
    assert not panel.isVisible()
    click_text(qtbot, window, "45 drones")
    window.actions_["dark"].setChecked(True)
    window.toggle_dark()
    QApplication.processEvents()
    dark = window.detail.wording.now.document().find("45").charFormat().background().color()
    assert dark.name() != light and dark.lightness() < 100  # dark ground, light text: readable
    window.actions_["dark"].setChecked(False)
    window.toggle_dark()


# -- could not be placed ------------------------------------------------------------------------

def test_orphans_wait_in_their_own_tab_and_the_count_says_so(qtbot, qtmodeltester, window, old, corrected):
    tabs, panel = window.claim_tabs, window.orphans
    assert tabs.count() == 2 and tabs.tabText(1) == "Could not be placed (1)"
    assert window.claims_panel.count.text() == "2 · 1 to place"
    assert window.claims_panel.title.isHidden()  # the "Claims" tab names the list: no second title
    qtmodeltester.check(panel.model)
    tabs.setCurrentWidget(panel)
    row = panel.model.index(0)
    assert row.data() == f"Unverifiable · carried from version 1\n“{GONE}”"
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=panel.list.visualRect(row).center())
    assert panel.current_id() == panel.model.rows[0]["id"]
    assert f"«{GONE}», with its claim." in panel.details.text() and "Not placed:" in panel.details.text()
    window.resize(1024, 768)  # two waiting, on a small screen: both rows whole, not half a row over a scroll bar
    panel.set_rows([panel.model.rows[0], {**panel.model.rows[0], "id": "another"}])
    QApplication.processEvents()
    assert panel.list.visualRect(panel.model.index(1)).bottom() <= panel.list.viewport().rect().bottom()
    window.go_to(old["article"]["id"], None)  # nothing waits in the old version: no tab, no note
    assert tabs.count() == 1 and not tabs.tabBar().isVisible() and window.claims_panel.count.text() == "3"
    assert not window.claims_panel.title.isHidden()


def test_place_here_with_a_selection_and_the_key_then_undo_and_redo(qtbot, window, old, corrected):
    panel = window.orphans
    window.claim_tabs.setCurrentWidget(panel)
    orphan_id = panel.model.rows[0]["id"]
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.list.visualRect(panel.model.index(0)).center())
    select_with_mouse(qtbot, window.reader, *span(NEW, "Officials in Warsaw declined"))
    qtbot.keyClick(window.reader, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    claim = get_claim(window.workspace.store, orphan_id)
    assert (claim["quote"], claim["verdict"], claim["rationale"]) == ("Officials in Warsaw declined", "unverifiable",
                                                                     "Why unverifiable")
    assert window.current_claim == orphan_id and window.claim_tabs.count() == 1
    assert window.claims_panel.count.text() == "3" and "Undo" in window.statusBar().currentMessage()
    assert window.detail.wording.isVisible()  # placed by hand: its old and new wording side by side
    assert "placed by hand" in window.detail.wording.heading.text()
    assert window.actions_["undo"].text() == "&Undo Place annotation"
    press(qtbot, window, "Ctrl+Z")  # the claim goes, the orphan waits again
    assert window.workspace.article.claim(orphan_id) is None and window.current_claim != orphan_id
    assert [r["id"] for r in panel.model.rows] == [orphan_id] and window.claim_tabs.count() == 2
    assert window.claims_panel.count.text() == "2 · 1 to place"
    press(qtbot, window, "Ctrl+Shift+Z")
    assert window.workspace.article.claim(orphan_id)["quote"] == "Officials in Warsaw declined"
    assert panel.model.rows == []


def test_place_here_button_and_the_right_click_menus(qtbot, window, old, corrected):
    panel = window.orphans
    window.claim_tabs.setCurrentWidget(panel)
    assert panel.current_id() == panel.model.rows[0]["id"]  # the first one is chosen when the list fills
    qtbot.mouseClick(panel.place, Qt.MouseButton.LeftButton)  # no text selected: nothing happens but a hint
    assert "Select the text" in window.statusBar().currentMessage() and len(panel.model.rows) == 1
    # the reader's right-click menu offers Place Here while something waits
    select_with_mouse(qtbot, window.reader, *span(NEW, "declined to comment"))
    where = point_at(window.reader, NEW.index("declined") + 2)
    select_with_mouse(qtbot, window.reader, *span(NEW, "declined to comment"))
    QTimer.singleShot(0, lambda: choose_in_popup("Place Here"))
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, where, window.reader.viewport().mapToGlobal(where))
    QApplication.sendEvent(window.reader.viewport(), event)
    assert panel.model.rows == [] and window.workspace.article.claim(window.current_claim)["quote"] == \
        "declined to comment"
    # ... and not when nothing waits
    seen = []
    QTimer.singleShot(0, lambda: (seen.extend(a.text() for a in QApplication.activePopupWidget().actions()),
                                  QApplication.activePopupWidget().close()))
    QApplication.sendEvent(window.reader.viewport(), QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, where, window.reader.viewport().mapToGlobal(where)))
    assert seen and "Place Here" not in [t.replace("&", "") for t in seen]


def test_dismiss_by_right_click_and_by_the_delete_key_is_undoable(qtbot, window, old, corrected):
    panel = window.orphans
    window.claim_tabs.setCurrentWidget(panel)
    orphan_id = panel.model.rows[0]["id"]
    rect = panel.list.visualRect(panel.model.index(0))
    QTimer.singleShot(0, lambda: choose_in_popup("Dismiss"))
    QApplication.sendEvent(panel.list.viewport(), QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, rect.center(), panel.list.viewport().mapToGlobal(rect.center())))
    assert panel.model.rows == [] and window.claim_tabs.count() == 1
    assert window.workspace.store.get("claims", orphan_id) is None  # dismissed, not placed
    press(qtbot, window, "Ctrl+Z")
    assert [r["id"] for r in panel.model.rows] == [orphan_id]
    window.claim_tabs.setCurrentWidget(panel)
    panel.select(orphan_id)
    panel.list.setFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_Delete)
    assert panel.model.rows == [] and "Undo" in window.statusBar().currentMessage()


def test_the_new_panels_are_readable_in_light_and_dark(qtbot, window, old, corrected):
    from tests.ui.test_everyday import _contrast

    window.claim_tabs.setCurrentWidget(window.orphans)
    window.orphans.select(window.orphans.model.rows[0]["id"])
    click_text(qtbot, window, "45 drones")
    for dark in (True, False):
        window.actions_["dark"].setChecked(dark)
        window.toggle_dark()
        QApplication.processEvents()
        for widget in (window.versions_bar, window.orphans, window.detail.wording):
            for label in widget.findChildren(QLabel):
                if label.isVisible() and label.text():
                    text = label.palette().color(label.foregroundRole())
                    ground = label.parentWidget().palette().color(label.parentWidget().backgroundRole())
                    assert _contrast(text, ground) >= 4.5, (label.objectName(), dark)
        for side, word in ((window.detail.wording.before, "40"), (window.detail.wording.now, "45")):
            marked = side.document().find(word).charFormat().background().color()
            assert _contrast(side.palette().color(side.foregroundRole()), marked) >= 4.5, (word, dark)


# -- File ▸ Import Annotations onto This Article… -----------------------------------------------

def test_import_annotations_onto_the_open_article(qtbot, window, old, messages, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    rows = {"rows": [
        {"id": "h1", "uri": "https://elsewhere.example/jets", "text": "Seen on radar", "tags": ["jets"],
         "target": [{"source": "https://elsewhere.example/jets",
                     "selector": [{"type": "TextQuoteSelector", "exact": "Officials in Warsaw declined"}]}]},
        {"id": "h2", "uri": "https://elsewhere.example/jets", "text": "", "tags": [],
         "target": [{"source": "https://elsewhere.example/jets",
                     "selector": [{"type": "TextQuoteSelector", "exact": "A footer line the article never had"}]}]}]}
    path = tmp_path / "hypothesis.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window.actions_["import_annotations"].trigger()
    wait_for_tasks(qtbot, window)
    [(title, text)] = messages
    assert title == "Annotations imported" and text.startswith("hypothesis.json onto “Jets over the border”")
    assert "1 claim imported (1 exactly)" in text and "1 could not be placed" in text
    assert "A footer line the article never had" in text
    placed = claim_with(window, "Officials in Warsaw declined")
    assert get_claim(window.workspace.store, placed)["rationale"] == "Seen on radar\n\nTags: jets"
    assert window.claim_tabs.currentWidget() is window.orphans
    assert window.orphans.model.rows[0]["quote"] == "A footer line the article never had"
    assert window.orphans.model.index(0).data().startswith("Pending · from hypothesis.json: annotation h2")
    press(qtbot, window, "Ctrl+Z")  # a wrong file is taken back whole
    assert window.orphans.model.rows == [] and window.claim_tabs.count() == 1
    assert all("Officials" not in row["quote"] for row in window.workspace.article.rows)
    assert window.actions_["redo"].text() == "&Redo Import annotations"


def test_article_actions_wait_for_an_open_article(qtbot, window):
    window.open_article(None)
    assert not window.actions_["import_version"].isEnabled()
    assert not window.actions_["import_annotations"].isEnabled()
    window.go_to(window.article_list.model_.rows[0]["id"], None)
    assert window.actions_["import_version"].isEnabled()


def test_the_shortcut_list_names_the_new_keys(qtbot, window):
    from ui.shortcuts_dialog import ShortcutsDialog

    keys = ShortcutsDialog(window).keys()
    assert keys["Older Version"] == "Ctrl+Shift+PgUp" and keys["Newer Version"] == "Ctrl+Shift+PgDown"
    assert keys["Place Here"].startswith("Ctrl+Return")
    assert keys["Dismiss the chosen one (Undo lists it again)"] == "Del"
