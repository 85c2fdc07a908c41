"""Importing a web page from the window: fetched in the background, stored when it arrives."""

import http.server
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from tests.local_server import serving

PAGE = (b"<html><head><title>Bridge costs</title></head><body><article><h1>Bridge costs</h1>"
        b"<p>The mayor said the bridge cost three million euros, twice the first estimate.</p>"
        b"<p>The council disputed the figure on Monday and asked for the invoices.</p>"
        b"</article></body></html>")


class SlowPage(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        time.sleep(0.6)  # long enough to see the window working meanwhile
        if self.path == "/missing":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args):
        pass


@pytest.fixture
def server(no_proxy):
    with serving(SlowPage) as url:
        yield url


def type_address(qtbot, window, url: str) -> None:
    """Open File ▸ Import from URL, type the address, press Enter."""
    window.actions_["import_url"].trigger()
    dialog = window.files.url_dialog
    assert dialog.isVisible() and dialog.width() >= 500  # room for a whole address and the title
    field = dialog.findChild(QLineEdit)
    qtbot.keyClicks(field, url)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def test_url_import_runs_in_the_background(qtbot, window, server):
    type_address(qtbot, window, f"{server}/bridge")
    assert "Fetching" in window.statusBar().currentMessage()  # returned at once: the window is free
    assert window.article["title"] != "Bridge costs"
    qtbot.waitUntil(lambda: window.article["title"] == "Bridge costs", timeout=10_000)
    assert window.article["source_kind"] == "url" and window.article["url"] == f"{server}/bridge"


def test_url_import_failure_is_reported(qtbot, window, server, monkeypatch):
    errors = []
    monkeypatch.setattr(window, "show_error", errors.append)
    count = len(window.workspace.list_articles())
    type_address(qtbot, window, f"{server}/missing")
    qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
    assert "404" in errors[0] and errors[0].startswith(f"{server}/missing")
    assert len(window.workspace.list_articles()) == count
