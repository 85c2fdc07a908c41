"""The Export dialog: work off the GUI thread with progress and Cancel, remembered choices, attachments."""

import base64

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QFileDialog

from bench.common import store_claim
from tests.ui.conftest import open_titled
from ui.export_dialog import ExportDialog
from workbench.evidence import add_evidence, attach_bytes

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def many_claims(window, count: int) -> None:
    """count judged claims on the emoji article, written straight to its database."""
    store = window.workspace.store
    article = open_titled(window, "Emoji article")
    reviewer = window.workspace.reviewer_id
    with store.transaction():
        for n in range(count):
            start = n % 40
            store_claim(store, article, start, start + 10, verdict="verified", rationale=f"Rationale *{n}* here.",
                        reviewer_id=reviewer)


def open_dialog(qtbot, window) -> ExportDialog:
    window.actions_["export"].trigger()
    dialog = window.export_dialog
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=30000)
    return dialog


def save_to(qtbot, dialog, monkeypatch, target, seen=None) -> None:
    def ask(parent, caption, start, file_filter):
        if seen is not None:
            seen.append(start)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", ask)
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Save), Qt.MouseButton.LeftButton)


def test_a_big_export_keeps_the_window_responsive_and_can_be_cancelled(qtbot, window, tmp_path, monkeypatch):
    many_claims(window, 6000)
    dialog = open_dialog(qtbot, window)
    dialog.format.setCurrentIndex(dialog.format.findData("html"))
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=30000)
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(dialog.progress.value()))
    timer.start(5)
    target = tmp_path / "big.html"
    save_to(qtbot, dialog, monkeypatch, target)
    assert dialog.busy() and dialog.progress.isVisible() and dialog.cancel.isVisible()
    qtbot.waitUntil(lambda: target.exists() or not dialog.busy(), timeout=60000)
    timer.stop()
    assert target.exists(), dialog.status.text()
    assert len(ticks) >= 5  # the event loop ran (timers fired) while the report was written
    assert target.read_text(encoding="utf-8").count('class="claim claim-verified"') == 6000
    dialog = open_dialog(qtbot, window)
    cancelled = tmp_path / "cancelled.html"
    save_to(qtbot, dialog, monkeypatch, cancelled)
    assert dialog.busy()
    qtbot.mouseClick(dialog.cancel, Qt.MouseButton.LeftButton)
    assert not dialog.busy()
    assert not cancelled.exists() and not list(tmp_path.glob(".cancelled.html.*"))


def test_choices_and_the_last_folder_are_remembered(qtbot, window, tmp_path, monkeypatch):
    open_titled(window, "Emoji article")
    dialog = open_dialog(qtbot, window)
    dialog.all_articles.setChecked(True)
    dialog.pending.setChecked(True)
    dialog.format.setCurrentIndex(dialog.format.findData("claimreview"))
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=30000)
    folder = tmp_path / "exports"
    folder.mkdir()
    seen = []
    save_to(qtbot, dialog, monkeypatch, folder / "r.jsonld", seen)
    qtbot.waitUntil(lambda: (folder / "r.jsonld").exists() and not dialog.busy(), timeout=30000)
    again = open_dialog(qtbot, window)
    assert again.all_articles.isChecked() and again.pending.isChecked()
    assert again.format.currentData() == "claimreview"
    save_to(qtbot, again, monkeypatch, folder / "s.jsonld", seen)
    assert seen[1].startswith(str(folder))
    assert QSettings().value("export/format") == "claimreview"


def test_report_with_attachments_as_a_folder_or_one_file(qtbot, window, tmp_path, monkeypatch):
    many_claims(window, 1)
    store = window.workspace.store
    claim = store.query("SELECT id FROM claims WHERE deleted_at IS NULL")[0]["id"]
    evidence = add_evidence(store, claim, reviewer_id=window.workspace.reviewer_id, title="Scan")
    attach_bytes(store, evidence["id"], PNG, "scan_1.png", reviewer_id=window.workspace.reviewer_id)
    dialog = open_dialog(qtbot, window)
    dialog.format.setCurrentIndex(dialog.format.findData("html"))
    dialog.attachments.setCurrentIndex(dialog.attachments.findData("embed"))
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=30000)
    one = tmp_path / "one.html"
    save_to(qtbot, dialog, monkeypatch, one)
    qtbot.waitUntil(lambda: one.exists(), timeout=30000)
    assert f"data:image/png;base64,{base64.b64encode(PNG).decode()}" in one.read_text(encoding="utf-8")
    dialog = open_dialog(qtbot, window)
    dialog.attachments.setCurrentIndex(dialog.attachments.findData("folder"))
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=30000)
    folder = tmp_path / "with-files"
    folder.mkdir()
    save_to(qtbot, dialog, monkeypatch, folder / "report.html")
    qtbot.waitUntil(lambda: (folder / "report.html").exists() and not dialog.busy(), timeout=30000)
    [copied] = list((folder / "attachments").iterdir())
    assert copied.read_bytes() == PNG and copied.name.endswith("scan_1.png")
    assert f'href="attachments/{copied.name}"' in (folder / "report.html").read_text(encoding="utf-8")


def test_preview_flags_a_verdict_with_nothing_behind_it_but_the_file_does_not(qtbot, window, tmp_path, monkeypatch):
    many_claims(window, 1)
    store = window.workspace.store
    with store.transaction():
        store.conn.execute("UPDATE claims SET rationale = ''")
        store.changed("claims", "x")
    dialog = open_dialog(qtbot, window)
    dialog.format.setCurrentIndex(dialog.format.findData("html"))
    qtbot.waitUntil(lambda: "Unsupported" in dialog.preview.toPlainText(), timeout=30000)
    assert "warning" in dialog.status.text()
    target = tmp_path / "r.html"
    save_to(qtbot, dialog, monkeypatch, target)
    qtbot.waitUntil(lambda: target.exists(), timeout=30000)
    assert "Unsupported" not in target.read_text(encoding="utf-8")
