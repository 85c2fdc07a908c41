"""Nothing from a database reaches the OS unchecked or the screen as markup (issue 16), driven by clicks."""

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog

from tests.ui.conftest import open_titled
from ui import safe
from workbench import claims, evidence


@pytest.fixture
def shown(window, monkeypatch):
    """Messages the window would have shown (collected instead of blocking), and what reached the OS opener."""
    seen = {"errors": [], "opened": []}
    monkeypatch.setattr(window, "show_error", seen["errors"].append)
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: seen["opened"].append(url.toString()) or True)
    return seen


@pytest.fixture
def item(window):
    """A claim with one evidence item, current, in the emoji article."""
    article = open_titled(window, "Emoji article")
    store, reviewer_id = window.workspace.store, window.workspace.reviewer_id
    start = article["body"].index("minister said")
    claim = claims.add_claim(store, article["id"], start, start + 13, reviewer_id=reviewer_id, verdict="verified")
    window.select_claim(claim["id"])
    return evidence.add_evidence(store, claim["id"], reviewer_id=reviewer_id, title="Agency report",
                                 url="https://agency.example/report")


def as_merged(window, table: str, row_id: str, **values) -> None:
    """Change a row directly, as a database from someone else could carry it."""
    with window.workspace.store.transaction():
        window.workspace.store.update(table, row_id, **values)


def click_title(qtbot, window) -> None:
    panel = window.detail.evidence
    rect = panel.list.visualItemRect(panel.list.item(0))
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.left() + 40, rect.top() + 10))


@pytest.mark.parametrize("url", ["file:///usr/bin/xcalc", "file:///etc/passwd", "javascript:alert(1)",
                                 "smb://server/share", "http:///nohost"])
def test_only_web_and_mail_links_reach_the_opener(qtbot, window, item, shown, url):
    as_merged(window, "evidence", item["id"], url=url)
    click_title(qtbot, window)
    assert shown["opened"] == [] and shown["errors"] and shown["errors"][0].startswith("Not opened:")


def test_a_web_link_still_opens(qtbot, window, item, shown):
    click_title(qtbot, window)
    assert shown["opened"] == ["https://agency.example/report"] and shown["errors"] == []


@pytest.mark.parametrize("name, data", [("invoice\u202efdp.exe", b"MZ\x90\x00 program"),
                                        ("setup.sh", b"#!/bin/sh\nrm -rf ~\n"),
                                        ("Viewer.desktop", b"[Desktop Entry]\nExec=xcalc\n"),
                                        ("scan.pdf", b"MZ\x90\x00 an executable named .pdf")])
def test_an_attachment_that_could_run_is_saved_never_launched(qtbot, window, item, shown, monkeypatch, tmp_path,
                                                               name, data):
    attachment = evidence.attach_bytes(window.workspace.store, item["id"], data, "placeholder.bin",
                                       reviewer_id=window.workspace.reviewer_id)
    as_merged(window, "attachments", attachment["id"], filename=name)
    folder = tmp_path / "saved"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    panel = window.detail.evidence
    panel.list.setCurrentRow(0)
    panel.strip.setCurrentRow(0)
    qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)
    assert shown["opened"] == []  # nothing went to the OS opener
    [saved] = list(folder.iterdir())  # it was offered for saving instead, under a harmless name
    assert saved.read_bytes() == data and "\u202e" not in saved.name
    assert "\u202e" not in panel.strip.item(0).text()  # the name shown is the real one: no reversed extension


def test_a_picture_opens_in_the_viewer(qtbot, window, item, shown):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    evidence.attach_bytes(window.workspace.store, item["id"], png, "photo.png", reviewer_id=window.workspace.reviewer_id)
    panel = window.detail.evidence
    panel.list.setCurrentRow(0)
    panel.strip.setCurrentRow(0)
    qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)
    assert len(shown["opened"]) == 1 and shown["opened"][0].endswith("/photo.png")


def test_database_text_is_never_markup_in_tooltips_or_labels(qtbot, window, item):
    name = "<h1 style=color:green>✔ Scanned: safe PDF.pdf"
    attachment = evidence.attach_bytes(window.workspace.store, item["id"], b"%PDF-1.4 x", "a.pdf",
                                       reviewer_id=window.workspace.reviewer_id)
    as_merged(window, "attachments", attachment["id"], filename=name)
    panel = window.detail.evidence
    panel.list.setCurrentRow(0)
    tip = panel.strip.item(0).toolTip()
    assert "<h1" not in tip and "&lt;h1 style=color:green&gt;" in tip
    window.workspace.set_reviewer("<b>Ana</b>")
    window.reviewer_label.setText(f"Reviewer: {window.workspace.reviewer_name}")
    assert window.reviewer_label.textFormat() == Qt.TextFormat.PlainText
    assert safe.tooltip("<img src=x onerror=alert(1)>") == "<qt>&lt;img src=x onerror=alert(1)&gt;</qt>"
