"""Evidence in the claim detail, driven as a reviewer drives it: dialog, paste, drop, keys, undo, save."""

import datetime
import hashlib
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDesktopServices, QDragEnterEvent, QDropEvent, QImage, QKeySequence
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog

from tests.ui.conftest import open_titled
from ui.claims_panel import UnsupportedRole
from workbench import claims, evidence


@pytest.fixture
def errors(window, monkeypatch):
    """Messages the window would have shown in a message box (collected instead of blocking)."""
    shown: list[str] = []
    monkeypatch.setattr(window, "show_error", shown.append)
    return shown


@pytest.fixture
def made(window, errors):
    """Two claims of the emoji article, a verified one (current) and a pending one."""
    article = open_titled(window, "Emoji article")
    store, reviewer_id = window.workspace.store, window.workspace.reviewer_id
    rows = []
    for phrase, verdict in (("minister said", "verified"), ("Final paragraph", "pending")):
        start = article["body"].index(phrase)
        rows.append(claims.add_claim(store, article["id"], start, start + len(phrase), reviewer_id=reviewer_id,
                                     verdict=verdict))
    window.select_claim(rows[0]["id"])
    return rows


def panel_of(window):
    return window.detail.evidence


def live(window, claim_id):
    return evidence.evidence_for(window.workspace.store, claim_id)


def add_row(window, claim_id, **fields):
    return evidence.add_evidence(window.workspace.store, claim_id, reviewer_id=window.workspace.reviewer_id, **fields)


def claim_row_text(window, claim_id):
    model = window.claims_panel.model
    return model.index(model.row_of(claim_id)).data()


def click_ok(qtbot, dialog):
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def send_drop(widget, paths, pos: QPoint) -> bool:
    """Drag files over widget and drop them at pos; return whether the drag was accepted."""
    assert widget.acceptDrops()  # else a real drag never reaches it
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    enter = QDragEnterEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(QPointF(pos), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)
    return drop.isAccepted()


def test_add_evidence_through_the_dialog(qtbot, window, made, errors):
    claim = made[0]
    qtbot.keySequence(window, QKeySequence("Ctrl+E"))
    dialog = panel_of(window).dialog
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.accessed.date().toString("yyyy-MM-dd") == datetime.date.today().isoformat()
    qtbot.keyClicks(dialog.url, "javascript:alert(1)")
    click_ok(qtbot, dialog)
    assert dialog.isVisible() and dialog.url_error.isVisible()
    assert "javascript:" in dialog.url_error.text() and live(window, claim["id"]) == []
    dialog.url.clear()
    qtbot.keyClicks(dialog.url, "www.reuters.example/fact-check/minister")
    assert not dialog.url_error.isVisible()  # typing clears the complaint
    qtbot.keyClicks(dialog.title_, "Minister's office denies the figure")
    qtbot.keyClicks(dialog.publisher, "Reuters")
    qtbot.keyClicks(dialog.excerpt, "The ministry said no survey was made.")
    qtbot.keyClicks(dialog.note, "Phoned the press office.")
    dialog.stance.setFocus()
    qtbot.keyClick(dialog.stance, Qt.Key.Key_Down)  # Supports → Refutes
    dialog.reliability.setFocus()
    qtbot.keyClick(dialog.reliability, Qt.Key.Key_Home)  # Reliable
    click_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    [row] = live(window, claim["id"])
    assert {k: row[k] for k in ("url", "title", "publisher", "excerpt", "note", "stance", "reliability")} == {
        "url": "https://www.reuters.example/fact-check/minister", "title": "Minister's office denies the figure",
        "publisher": "Reuters", "excerpt": "The ministry said no survey was made.",
        "note": "Phoned the press office.", "stance": "refutes", "reliability": "reliable"}
    assert row["accessed_on"] == datetime.date.today().isoformat()
    assert row["created_by"] == window.workspace.reviewer_id
    assert panel_of(window).list.count() == 1 and panel_of(window).current_id() == row["id"]
    assert window.detail.tabs.tabText(0) == "Evidence (1)"
    assert "1 source" in claim_row_text(window, claim["id"])
    assert errors == []


def test_known_source_fills_the_fields(qtbot, window, made, errors):
    add_row(window, made[1]["id"], url="https://stats.example/survey", title="National survey 2024",
            publisher="Statistics Office", reliability="reliable")
    dialog = panel_of(window).add_evidence()
    qtbot.waitUntil(dialog.isVisible)
    completer = dialog.known.completer()  # typing filters by any part of title, address or publisher
    completer.setCompletionPrefix("statistics")
    assert completer.completionCount() == 1
    completer.setCompletionPrefix("nothing like it")
    assert completer.completionCount() == 0
    # (The completion popup itself cannot be shown offscreen without Qt warnings; pick with the keyboard.)
    dialog.known.setFocus()
    qtbot.keyClick(dialog.known, Qt.Key.Key_Down)
    assert (dialog.url.text(), dialog.title_.text(), dialog.publisher.text(), dialog.reliability.currentData()) == (
        "https://stats.example/survey", "National survey 2024", "Statistics Office", "reliable")
    click_ok(qtbot, dialog)
    assert [r["title"] for r in live(window, made[0]["id"])] == ["National survey 2024"]


def test_paste_an_image_attaches_it(qtbot, window, made, errors):
    panel = panel_of(window)
    store = window.workspace.store
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("#c8231f"))
    QApplication.clipboard().setImage(image)
    panel.list.setFocus()
    qtbot.keySequence(panel.list, QKeySequence.StandardKey.Paste)  # nothing selected: a new item
    [row] = live(window, made[0]["id"])
    assert row["title"].startswith("Screenshot ")
    [attachment] = row["attachments"]
    assert attachment["media_type"] == "image/png" and attachment["filename"].endswith(".png")
    data = evidence.attachment_bytes(store, attachment["id"])
    assert QImage.fromData(data).size() == image.size()
    blob = store.get("blobs", attachment["blob_id"])
    assert attachment["sha256"] == hashlib.sha256(data).hexdigest() == blob["sha256"]
    assert panel.strip.count() == 1 and not panel.strip.item(0).icon().isNull()
    qtbot.keySequence(panel.list, QKeySequence.StandardKey.Paste)  # the new item is selected: attached to it
    [row] = live(window, made[0]["id"])
    assert len(row["attachments"]) == 2
    assert store.get_value("SELECT COUNT(*) FROM blobs") == 1  # the same bytes are stored once
    qtbot.keySequence(window, QKeySequence("Ctrl+Z"))
    assert len(live(window, made[0]["id"])[0]["attachments"]) == 1
    assert errors == []


def test_paste_a_link_opens_the_dialog_prefilled(qtbot, window, made, errors):
    QApplication.clipboard().setText("https://news.example/story?id=7")
    panel = panel_of(window)
    panel.list.setFocus()
    qtbot.keySequence(panel.list, QKeySequence.StandardKey.Paste)
    dialog = panel.dialog
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.url.text() == "https://news.example/story?id=7"
    qtbot.waitUntil(dialog.title_.hasFocus)
    qtbot.keyClicks(dialog.title_, "Story")
    click_ok(qtbot, dialog)
    [row] = live(window, made[0]["id"])
    assert (row["url"], row["title"]) == ("https://news.example/story?id=7", "Story")


def test_drop_files_on_an_item_and_on_empty_space(qtbot, window, made, errors, tmp_path):
    panel = panel_of(window)
    first = add_row(window, made[0]["id"], title="Ministry statement")
    pdf = tmp_path / "statement.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% statement\n%%EOF\n")
    on_item = panel.list.visualItemRect(panel.list.item(0)).center()
    assert send_drop(panel.list.viewport(), [pdf], on_item)
    [row] = live(window, made[0]["id"])
    assert [(a["filename"], a["media_type"], a["size"]) for a in row["attachments"]] == [
        ("statement.pdf", "application/pdf", pdf.stat().st_size)]
    photo = tmp_path / "photo.png"
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    image.fill(QColor("#1a7f37"))
    image.save(str(photo))
    empty = QPoint(20, panel.list.viewport().height() - 5)
    assert panel.list.itemAt(empty) is None
    assert send_drop(panel.list.viewport(), [photo], empty)
    rows = live(window, made[0]["id"])
    assert [r["id"] for r in rows][0] == first["id"]
    assert rows[1]["title"] == "photo.png" and [a["filename"] for a in rows[1]["attachments"]] == ["photo.png"]
    assert panel.current_id() == rows[1]["id"]
    text = tmp_path / "notes.txt"
    text.write_text("call log", encoding="utf-8")
    assert send_drop(panel.strip.viewport(), [text], QPoint(10, 10))  # the strip: the shown item
    assert [a["filename"] for a in live(window, made[0]["id"])[1]["attachments"]] == ["photo.png", "notes.txt"]
    assert errors == []


def test_oversized_file_gives_a_clear_message_and_changes_nothing(qtbot, window, made, errors, tmp_path,
                                                                  monkeypatch):
    monkeypatch.setattr(evidence, "MAX_ATTACHMENT_BYTES", 64)
    big = tmp_path / "video.mp4"
    big.write_bytes(b"x" * 1000)
    panel = panel_of(window)
    assert send_drop(panel.list.viewport(), [big], QPoint(20, 20))
    assert len(errors) == 1 and "video.mp4" in errors[0] and "at most" in errors[0]
    assert live(window, made[0]["id"]) == []  # no empty item left behind
    add_row(window, made[0]["id"], title="Clip")
    assert send_drop(panel.list.viewport(), [big], panel.list.visualItemRect(panel.list.item(0)).center())
    assert len(errors) == 2 and live(window, made[0]["id"])[0]["attachments"] == []
    assert not window.workspace.undo_stack.state().can_undo


def test_remove_with_delete_key_and_undo(qtbot, window, made, errors):
    panel = panel_of(window)
    row = add_row(window, made[0]["id"], title="Only source")
    panel.list.setCurrentRow(0)
    panel.list.setFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_Delete)
    assert live(window, made[0]["id"]) == [] and panel.list.count() == 0
    assert window.workspace.store.get("evidence", row["id"])["deleted_at"]
    assert window.claims_panel.model.index(0).data(UnsupportedRole)  # verified, now without evidence
    assert made[0]["id"] in [r['id'] for r in window.workspace.article.rows if window.claims_panel.accepts(r)]  # the claim itself stays
    qtbot.keySequence(window, QKeySequence("Ctrl+Z"))
    assert [r["id"] for r in live(window, made[0]["id"])] == [row["id"]]
    assert panel.list.count() == 1 and window.detail.tabs.tabText(0) == "Evidence (1)"
    qtbot.keySequence(window, QKeySequence("Ctrl+Shift+Z"))
    assert live(window, made[0]["id"]) == []


def test_reorder_with_the_keyboard(qtbot, window, made, errors):
    panel = panel_of(window)
    for title in ("A", "B", "C"):
        add_row(window, made[0]["id"], title=title)

    def order():
        return [r["title"] for r in live(window, made[0]["id"])]

    panel.list.setCurrentRow(0)
    panel.list.setFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(panel.list, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert order() == ["B", "C", "A"] and panel.current()["title"] == "A"
    qtbot.keyClick(panel.list, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)  # already last
    qtbot.keyClick(panel.list, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert order() == ["B", "A", "C"]
    assert [panel.list.item(i).data(Qt.ItemDataRole.UserRole + 1)["title"] for i in range(3)] == ["B", "A", "C"]
    qtbot.keySequence(window, QKeySequence("Ctrl+Z"))
    assert order() == ["B", "C", "A"]
    qtbot.mouseClick(panel.up_button, Qt.MouseButton.LeftButton)
    assert order() == ["B", "A", "C"]


def test_edit_by_double_click_and_undo(qtbot, window, made, errors):
    panel = panel_of(window)
    add_row(window, made[0]["id"], title="Old title", url="https://a.example/x")
    rect = panel.list.visualItemRect(panel.list.item(0))
    spot = QPoint(rect.center().x(), rect.bottom() - 4)  # below the linked title
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    qtbot.mouseDClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    dialog = panel.dialog
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.windowTitle() == "Edit Evidence" and dialog.title_.text() == "Old title"
    dialog.title_.selectAll()
    qtbot.keyClicks(dialog.title_, "New title")
    click_ok(qtbot, dialog)
    assert live(window, made[0]["id"])[0]["title"] == "New title"
    qtbot.keySequence(window, QKeySequence("Ctrl+Z"))
    assert live(window, made[0]["id"])[0]["title"] == "Old title"


def test_copy_to_another_claim(qtbot, window, made, errors):
    panel = panel_of(window)
    row = add_row(window, made[0]["id"], title="Shared source", url="https://shared.example")
    evidence.attach_bytes(window.workspace.store, row["id"], b"%PDF-1.4 shared", "shared.pdf",
                          reviewer_id=window.workspace.reviewer_id)
    panel.list.setCurrentRow(0)
    counts = []
    panel.countChanged.connect(counts.append)
    qtbot.mouseClick(panel.copy_button, Qt.MouseButton.LeftButton)
    chooser = panel.dialog
    qtbot.waitUntil(chooser.isVisible)
    assert chooser.list.count() == 1 and chooser.list.item(0).text().startswith("#2 Pending")
    rect = chooser.list.visualItemRect(chooser.list.item(0))
    qtbot.mouseClick(chooser.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseClick(chooser.ok, Qt.MouseButton.LeftButton)
    [copy] = live(window, made[1]["id"])
    assert (copy["title"], copy["url"]) == ("Shared source", "https://shared.example")
    assert copy["attachments"][0]["blob_id"] == live(window, made[0]["id"])[0]["attachments"][0]["blob_id"]
    assert counts == []  # the shown claim's evidence did not change: no reload
    assert "1 source" in claim_row_text(window, made[1]["id"])
    assert "claim #2" in window.statusBar().currentMessage()
    qtbot.keySequence(window, QKeySequence("Ctrl+Z"))
    assert live(window, made[1]["id"]) == []


def test_unsupported_verdict_is_flagged_until_evidence_is_added(qtbot, window, made, errors):
    model = window.claims_panel.model
    index = model.index(model.row_of(made[0]["id"]))
    assert index.data(UnsupportedRole) and "no evidence" in index.data()
    assert "No evidence yet" in index.data(Qt.ItemDataRole.ToolTipRole)
    pending = model.index(model.row_of(made[1]["id"]))
    assert not pending.data(UnsupportedRole) and "no evidence" not in pending.data()
    qtbot.keySequence(window, QKeySequence("Ctrl+E"))
    dialog = panel_of(window).dialog
    qtbot.keyClicks(dialog.title_, "Ministry transcript")
    click_ok(qtbot, dialog)
    index = model.index(model.row_of(made[0]["id"]))
    assert not index.data(UnsupportedRole) and "no evidence" not in index.data() and "1 source" in index.data()
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_2)  # disputed, still with its evidence
    assert not model.index(model.row_of(made[0]["id"])).data(UnsupportedRole)


def test_saving_a_hostile_file_name_stays_in_the_chosen_folder(qtbot, window, made, errors, tmp_path, monkeypatch):
    store = window.workspace.store
    row = add_row(window, made[0]["id"], title="From a colleague's database")
    attachment = evidence.attach_bytes(store, row["id"], b"root:x:0:0", "passwd",
                                       reviewer_id=window.workspace.reviewer_id)
    with store.transaction():  # as a merged database could carry it
        store.update("attachments", attachment["id"], filename="../../etc/passwd")
    panel = panel_of(window)  # the change event brought the new name to the panel
    panel.select_evidence(row["id"])
    panel.strip.setCurrentRow(0)
    assert panel.current_attachment()["filename"] == "../../etc/passwd"
    folder = tmp_path / "out" / "inner"
    folder.mkdir(parents=True)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    [saved] = list(folder.iterdir())
    assert saved.read_bytes() == b"root:x:0:0" and saved.parent == folder and saved.name == "passwd"
    assert not (tmp_path / "etc").exists() and sorted(p.name for p in (tmp_path / "out").iterdir()) == ["inner"]
    assert str(saved) in window.statusBar().currentMessage()
    assert errors == []


def test_open_and_remove_an_attachment(qtbot, window, made, errors, monkeypatch):
    store = window.workspace.store
    row = add_row(window, made[0]["id"], title="Scan")
    evidence.attach_bytes(store, row["id"], b"%PDF-1.4 scan", "scan.pdf", reviewer_id=window.workspace.reviewer_id)
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    panel = panel_of(window)
    panel.list.setCurrentRow(0)
    panel.strip.setCurrentRow(0)
    qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)
    [url] = opened
    qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)  # opened again: the same file, not a copy
    assert opened[1] == url
    path = url.toLocalFile()
    assert path.endswith("scan.pdf") and Path(path).read_bytes() == b"%PDF-1.4 scan"
    panel.strip.setFocus()
    qtbot.keyClick(panel.strip, Qt.Key.Key_Delete)
    assert live(window, made[0]["id"])[0]["attachments"] == [] and panel.strip.count() == 0
    qtbot.keySequence(window, QKeySequence("Ctrl+Z"))
    assert [a["filename"] for a in live(window, made[0]["id"])[0]["attachments"]] == ["scan.pdf"]


def test_clicking_a_linked_title_opens_it(qtbot, window, made, errors, monkeypatch):
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True)
    add_row(window, made[0]["id"], title="Agency report", url="https://agency.example/report")
    panel = panel_of(window)
    option_rect = panel.list.visualItemRect(panel.list.item(0))
    spot = QPoint(option_rect.left() + 40, option_rect.top() + 10)  # on the title's first letters
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    assert opened == ["https://agency.example/report"] and panel.current()["title"] == "Agency report"
