"""The window syncing with a real PostgreSQL team server: connect, background sync, the indicator, passwords."""

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from tests.pg_server import stopped
from tests.ui.conftest import open_titled, select_with_mouse
from ui.main_window import MainWindow
from workbench.store import Store
from workbench.workspace import Workspace
from workbench.workspace.team import settings_key

WAIT_MS = 30_000
QUICK_S = 0.3  # the tests' background interval: the real one is a few seconds


def quick(window) -> None:
    """Sync every fraction of a second, and retry at that pace while offline."""
    window.team.interval_s = window.team.offline_max_s = window.team.failed_wait_s = QUICK_S


def connect_with_dialog(qtbot, window, address: str):
    """File ▸ Connect to Team Server…, paste the address, click Connect; the dialog."""
    window.actions_["connect_team"].trigger()
    dialog = window.team.dialog
    qtbot.waitExposed(dialog)
    dialog.address.setFocus()
    dialog.address.selectAll()
    QApplication.clipboard().setText(address)
    qtbot.keySequence(dialog.address, "Ctrl+V")
    assert dialog.connect_button.isEnabled(), dialog.problem.text()
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    return dialog


def wait_synced(qtbot, window) -> None:
    qtbot.waitUntil(lambda: window.team.status is not None and window.team.status.state == "synced"
                    and window.team.indicator.text().startswith("Synced"), timeout=WAIT_MS)


def second_window(qtbot, tmp_path: Path, reviewer: str) -> MainWindow:
    """A window on a new, empty database (no seeds: everything it shows comes from the server)."""
    win = MainWindow(Workspace(Store.open(tmp_path / f"{reviewer}.db"), reviewer))
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    return win


def mark(qtbot, window, phrase: str) -> str:
    window.activateWindow()  # keys reach a window's actions only while it is the active one
    qtbot.waitUntil(window.isActiveWindow)
    start = window.article["body"].index(phrase)
    select_with_mouse(qtbot, window.reader, start, start + len(phrase))
    qtbot.keyClick(window.reader, Qt.Key.Key_Return)
    return window.current_claim


def settings_text(folder: Path) -> str:
    QSettings().sync()
    return "\n".join(p.read_text(errors="replace") for p in folder.rglob("*") if p.is_file())


def test_a_claim_made_in_one_window_appears_in_the_others_open_article(qtbot, window, desk, tmp_path):
    quick(window)
    open_titled(window, "Emoji article")
    first = mark(qtbot, window, "minister said")
    connect_with_dialog(qtbot, window, desk.url)
    wait_synced(qtbot, window)
    bo = second_window(qtbot, tmp_path, "Bo")
    quick(bo)
    connect_with_dialog(qtbot, bo, desk.url)
    qtbot.waitUntil(lambda: any(r["title"] == "Emoji article" for r in bo.article_list.model_.rows), timeout=WAIT_MS)
    open_titled(bo, "Emoji article")
    qtbot.waitUntil(lambda: bo.workspace.article.claim(first) is not None, timeout=WAIT_MS)
    bo.select_claim(first)
    shown = bo.workspace.article
    bo.detail.rationale.setFocus()
    qtbot.keyClicks(bo.detail.rationale, "Bo is checking the ministry's figures")

    second = mark(qtbot, window, "Final paragraph")
    assert second is not None and second != first
    qtbot.keyClick(window.reader, Qt.Key.Key_F5)  # Sync Now
    qtbot.waitUntil(lambda: bo.workspace.article.claim(second) is not None, timeout=WAIT_MS)

    assert bo.workspace.article is shown  # updated in place, not re-read
    assert bo.claims_panel.model.rowCount() == 2
    assert any(bo.claims_panel.model.index(i).data().startswith("#2") for i in range(2))
    assert bo.current_claim == first  # the reviewer's selection and typing are untouched
    assert bo.detail.rationale.toPlainText() == "Bo is checking the ministry's figures"
    assert bo.focusWidget() is bo.detail.rationale  # (the other window is the active one now)
    assert bo.detail.rationale.textCursor().position() == len("Bo is checking the ministry's figures")


def test_the_indicator_goes_offline_when_the_server_stops_and_back_when_it_returns(qtbot, window, desk, pg_server):
    quick(window)
    connect_with_dialog(qtbot, window, desk.url)
    wait_synced(qtbot, window)
    assert "Last sync:" in window.team.indicator.toolTip()
    with stopped(pg_server):
        qtbot.waitUntil(lambda: window.team.status.state == "offline", timeout=WAIT_MS)
        assert window.team.indicator.text() == "Offline"
        tooltip = window.team.indicator.toolTip()
        assert tooltip.startswith("<qt>") and "Why: " in tooltip and "&lt;" not in window.team.indicator.text()
        open_titled(window, "Emoji article")
        offline_claim = mark(qtbot, window, "Final paragraph")  # work goes on
        assert window.workspace.article.claim(offline_claim) is not None
    wait_synced(qtbot, window)  # it kept trying: no click needed
    rows = desk.admin("SELECT count(*) FROM workbench.rows WHERE tbl = 'claims' AND id = %s", (offline_claim,))
    assert rows[0][0] == 1


def test_a_pasted_password_is_used_but_never_stored(qtbot, window, desk, isolated_settings, monkeypatch):
    monkeypatch.delenv("PGPASSWORD")
    dialog = connect_with_dialog(qtbot, window, desk.url_with_password)
    assert desk.password not in dialog.address.text()
    wait_synced(qtbot, window)
    assert QSettings().value(settings_key(window.workspace.database_id)).startswith("postgresql://")
    assert desk.role in settings_text(isolated_settings)
    assert desk.password not in settings_text(isolated_settings)


def test_a_password_prompt_when_the_server_asks_and_reconnecting_at_the_next_start(
        qtbot, window, desk, isolated_settings, monkeypatch, db_path):
    monkeypatch.delenv("PGPASSWORD")
    connect_with_dialog(qtbot, window, desk.url)
    qtbot.waitUntil(lambda: window.team.password_dialog is not None and window.team.password_dialog.isVisible(),
                    timeout=WAIT_MS)
    prompt = window.team.password_dialog
    editor = prompt.findChild(type(window.team.dialog.address))
    qtbot.keyClicks(editor, desk.password)
    qtbot.mouseClick(prompt.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)
    wait_synced(qtbot, window)
    assert desk.password not in settings_text(isolated_settings)
    window.close()  # the next start syncs again without being asked
    again = MainWindow(Workspace(Store.open(db_path), "Ana"))
    qtbot.addWidget(again)
    assert again.team.url == desk.url
    wait_synced(qtbot, again)
    assert again.team.password_dialog is None
    again.actions_["disconnect_team"].trigger()
    assert not again.team.indicator.isVisible() and again.team.status is None
    assert QSettings().value(settings_key(again.workspace.database_id)) is None
    assert not again.actions_["sync_now"].isEnabled()
