"""The window's side of a team server: connect and disconnect, background sync, the status-bar indicator.

The syncing itself runs on a thread of its own with its own connection to the file
(`workbench.workspace.team.BackgroundSync`); what it brings in reaches the views through the
window's look for outside changes, so the open article gains the new claims without a reload
and the reviewer keeps the selection and the typing. The server's address is remembered per
database (QSettings `teamServer/<database id>`) without its password: a password pasted in an
address or typed at the prompt lives in this process's memory only.
"""

import threading

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QInputDialog, QLabel, QLineEdit, QToolButton

from ui import safe
from workbench.errors import WorkbenchError
from workbench.sync import SyncStatus
from workbench.workspace.team import (FAILED_WAIT_S, INTERVAL_S, OFFLINE_MAX_S, BackgroundSync, Connection,
                                      settings_key, status_details, status_text)

STATUS_MS = 6000
PROMPT_POLL_S = 0.2
DOT_COLOURS = {"synced": "#2e9d4f", "syncing": "#3b7dd8", "offline": "#8a8f98", "failed": "#d0453a",
               "never synced": "#8a8f98"}

# The session's passwords by server address: typed at the prompt or pasted in an address; never written.
_passwords: dict[str, str] = {}


def dot(state: str, size: int = 10) -> QIcon:
    """A round coloured mark for a sync state (green synced, blue syncing, grey offline, red failed)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(DOT_COLOURS.get(state, "#8a8f98")))
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return QIcon(pixmap)


class TeamSync(QObject):
    """Keeps the open database in sync with its team server while the window is open."""

    # Each carries the BackgroundSync it came from: a late report of one already stopped is dropped.
    statusChanged = Signal(object, object)  # BackgroundSync, SyncStatus (from the syncing thread)
    synced = Signal(object, object)  # BackgroundSync, SyncSummary
    passwordWanted = Signal(object, str)  # BackgroundSync, server name

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.background: BackgroundSync | None = None
        self._url: str | None = None  # the server's postgresql:// URL, without password
        self.interval_s, self.offline_max_s, self.failed_wait_s = INTERVAL_S, OFFLINE_MAX_S, FAILED_WAIT_S
        self.password_dialog: QInputDialog | None = None
        self._answer: str | None = None
        self._answered = threading.Event()
        self._declined: set[str] = set()  # addresses whose password prompt was cancelled (until asked again)
        self.indicator = QToolButton()
        self.indicator.setObjectName("syncIndicator")
        self.indicator.setAutoRaise(True)
        self.indicator.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.indicator.clicked.connect(self.sync_now)
        self.indicator.hide()
        self.statusChanged.connect(self._show_status)
        self.synced.connect(self._brought_in)
        self.passwordWanted.connect(self._ask_password)

    @property
    def url(self) -> str | None:
        """The address of the server this database syncs with (no password), or None."""
        return self._url if self.background else None

    @property
    def status(self) -> SyncStatus | None:
        """The last state shown by the indicator, or None when not connected."""
        return self.background.status if self.background else None

    # -- the reviewer's actions ------------------------------------------------------------

    def follow(self, workspace) -> None:
        """Sync the database now open with the server it synced with last time, if any."""
        self.stop()
        saved = QSettings().value(settings_key(workspace.database_id))
        if saved:
            self._start(str(saved))
        self._update_actions()

    def connect_dialog(self) -> None:
        """File ▸ Connect to Team Server…: ask where the server is, then connect."""
        from ui.team_dialog import ConnectDialog

        self.dialog = dialog = ConnectDialog(self.url, self.window)
        dialog.accepted.connect(lambda: self.connect_to(dialog.connection().url(), dialog.password))
        dialog.open()

    def connect_to(self, url: str, password: str | None = None) -> None:
        """Sync with the server at url from now on, and at every start (url without password)."""
        try:
            url = Connection.parse(url).url()  # whatever was given, the stored form never has a password
        except WorkbenchError as error:
            self.window.show_error(str(error))
            return
        if password:
            _passwords[url] = password
        self._declined.discard(url)
        QSettings().setValue(settings_key(self.window.workspace.database_id), url)
        self._start(url)
        self._update_actions()

    def disconnect(self) -> None:
        """Stop syncing this database and forget its server (the rows synced so far stay)."""
        if self.background is None:
            return
        server = self.background.server
        self.stop()
        QSettings().remove(settings_key(self.window.workspace.database_id))
        self._update_actions()
        self.window.statusBar().showMessage(f"Disconnected from {server}; this database no longer syncs.", STATUS_MS)

    def sync_now(self) -> None:
        """Sync at once (File ▸ Sync Now, or a click on the indicator)."""
        if self.background is None:
            self.window.statusBar().showMessage("Not connected to a team server: File ▸ Connect to Team Server…",
                                                STATUS_MS)
            return
        self._declined.discard(self._url)
        self.background.sync_now()

    def stop(self) -> None:
        """Stop syncing (the window closes, or another database opens)."""
        background, self.background = self.background, None
        if background is not None:
            self._answered.set()  # a prompt it waits on gives up
            if self.password_dialog is not None:
                self.password_dialog.reject()
            background.stop()
        self.indicator.hide()

    # -- the background sync ---------------------------------------------------------------

    def _start(self, url: str) -> None:
        self.stop()
        handed = {"password": False}

        def prompt(server: str) -> str | None:  # on the syncing thread
            if _passwords.get(url) and not handed["password"]:
                handed["password"] = True  # once: if it is refused, the reviewer is asked
                return _passwords[url]
            if url in self._declined:
                return None
            self._answered.clear()
            self.passwordWanted.emit(background, server)
            while not self._answered.wait(PROMPT_POLL_S):
                if background.stopping:
                    return None
            answer, self._answer = self._answer, None
            if answer:
                _passwords[url], handed["password"] = answer, True
            else:
                self._declined.add(url)
            return answer

        background = self.window.workspace.background_sync(
            url, prompt=prompt, on_status=lambda status: self.statusChanged.emit(background, status),
            on_synced=lambda summary: self.synced.emit(background, summary), interval_s=self.interval_s,
            offline_max_s=self.offline_max_s, failed_wait_s=self.failed_wait_s)
        self.background, self._url = background, url
        self._show_status(background, background.status)
        self.indicator.show()
        background.start()

    def _show_status(self, background: BackgroundSync, status: SyncStatus) -> None:
        if background is not self.background:
            return
        self.indicator.setText(status_text(status))
        self.indicator.setIcon(dot(status.state))
        self.indicator.setToolTip(safe.tooltip(status_details(background.server, status) + "\nClick to sync now."))

    def _brought_in(self, background: BackgroundSync, summary) -> None:
        if background is self.background and summary.pulled:
            self.window.notice_outside_changes()  # at once, rather than at the next look

    def _ask_password(self, background: BackgroundSync, server: str) -> None:
        if background is not self.background:
            self._answered.set()
            return
        self.password_dialog = dialog = QInputDialog(self.window)
        dialog.setObjectName("teamPassword")
        dialog.setWindowTitle("Team server password")
        dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
        dialog.setLabelText(f"Password for {server}\n(kept for this session only, never saved):")
        for label in dialog.findChildren(QLabel):  # the name comes from a pasted address: never markup
            label.setTextFormat(Qt.TextFormat.PlainText)
        dialog.finished.connect(lambda result: self._password_given(dialog, result))
        dialog.open()

    def _password_given(self, dialog: QInputDialog, result: int) -> None:
        self._answer = dialog.textValue() if result == QInputDialog.DialogCode.Accepted else None
        self.password_dialog = None
        dialog.deleteLater()
        self._answered.set()

    def _update_actions(self) -> None:
        actions = getattr(self.window, "actions_", {})
        for name in ("disconnect_team", "sync_now"):
            if name in actions:
                actions[name].setEnabled(self.background is not None)
