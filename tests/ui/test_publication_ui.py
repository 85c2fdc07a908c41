"""Publishing from the window: the publication settings, who made a claim, and the ClaimReview they give."""

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from tests.ui.conftest import open_titled, select_with_mouse
from tests.workbench.test_claimreview import GOOGLE, check_node
from ui.menus import shortcut_rows
from workbench.claims import get_claim
from workbench.cli import main
from workbench.publication import Publication
from workbench.store import Store

SITE = "https://factdesk.example.org"
TEMPLATE = SITE + "/fact-checks/{claim_id}"


def mark(qtbot, window, phrase: str, key) -> str:
    """Select a phrase with the mouse, press Enter to mark it and a verdict key; return the claim."""
    start = window.article["body"].index(phrase)
    select_with_mouse(qtbot, window.reader, start, start + len(phrase))
    qtbot.keyClick(window.reader, Qt.Key.Key_Return)
    qtbot.keyClick(window.reader, key)
    return window.current_claim


def type_into(qtbot, edit, text: str) -> None:
    """Replace a field's text as a person does: select all, then type."""
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(edit, text)


def fill_settings(qtbot, dialog, publisher: str, site: str, template: str) -> None:
    for edit, text in ((dialog.publisher, publisher), (dialog.publisher_url, site), (dialog.review_url, template)):
        type_into(qtbot, edit, text)


def click_save(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Save), Qt.MouseButton.LeftButton)


def test_settings_are_checked_as_the_command_line_checks_them_and_saved_per_database(qtbot, window, db_path, capsys):
    qtbot.keySequence(window, "Ctrl+Shift+P")
    dialog = window.publication_dialog
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.publisher)
    fill_settings(qtbot, dialog, "Fact Desk", SITE, "https://elsewhere.example.com/{claim_id}")
    click_save(qtbot, dialog)
    assert dialog.isVisible() and dialog.error.isVisible()
    assert window.workspace.publication() == Publication()  # nothing saved when wrong
    assert main(["publish", str(db_path), "--publisher", "Fact Desk", "--publisher-url", SITE,
                 "--review-url", "https://elsewhere.example.com/{claim_id}"]) == 1
    cli_error = capsys.readouterr().err.strip().removeprefix("error: ")
    assert dialog.error.text() == cli_error[0].upper() + cli_error[1:] + ". Nothing was saved."
    type_into(qtbot, dialog.review_url, TEMPLATE)
    assert not dialog.error.isVisible()  # typing clears the complaint
    assert dialog.example.text().endswith(f"\nA review's page: {SITE}/fact-checks/CLAIM-ID")
    click_save(qtbot, dialog)
    assert not dialog.isVisible()
    assert window.workspace.publication() == Publication("Fact Desk", SITE, TEMPLATE)
    assert window.workspace.undo_stack.state().undo_text == ""  # a setting: not an undo step
    window.actions_["publication"].trigger()
    again = window.publication_dialog
    assert (again.publisher.text(), again.publisher_url.text(), again.review_url.text()) == ("Fact Desk", SITE,
                                                                                             TEMPLATE)
    again.reject()
    assert ("File", "Publication Settings", "Ctrl+Shift+P") in shortcut_rows(window)
    assert ("View", "Go to Claim Made By", "Alt+5") in shortcut_rows(window)


def test_who_made_the_claim_is_typed_saved_as_one_step_and_undone_with_ctrl_z(qtbot, window):
    article = open_titled(window, "Emoji article")
    claim_id = mark(qtbot, window, "minister said", Qt.Key.Key_2)
    field = window.detail.claimant
    assert field.placeholderText() == "A person or organisation" and field.text() == ""
    window.workspace.edit_article(article["id"], author="Daily Example Staff")
    assert field.placeholderText() == "Daily Example Staff (the author)" and "Daily Example Staff" in field.toolTip()
    qtbot.keySequence(window, "Alt+5")
    assert QApplication.focusWidget() is field
    qtbot.keyClicks(field, "Ministry  of Health")
    assert get_claim(window.workspace.store, claim_id)["claimant"] is None  # not saved per keystroke
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert get_claim(window.workspace.store, claim_id)["claimant"] == "Ministry of Health"
    assert field.text() == "Ministry of Health"
    assert window.actions_["undo"].text() == "&Undo Edit who made the claim"
    qtbot.keyClicks(field, ", press office")  # a second edit, still being typed when Ctrl+Z comes
    qtbot.keyClick(field, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert get_claim(window.workspace.store, claim_id)["claimant"] == "Ministry of Health"
    assert field.text() == "Ministry of Health"
    qtbot.keyClick(field, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the whole first edit, at once
    assert get_claim(window.workspace.store, claim_id)["claimant"] is None
    assert field.text() == "" and field.placeholderText() == "Daily Example Staff (the author)"
    assert window.actions_["undo"].text() == "&Undo Edit article details"
    qtbot.keyClick(field, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert field.text() == "Ministry of Health"
    qtbot.keyClicks(field, " (Spokesperson)")
    window.select_claim(None)  # moving away saves the edit under way
    assert get_claim(window.workspace.store, claim_id)["claimant"] == "Ministry of Health (Spokesperson)"
    assert field.text() == "" and not field.isEnabled()


def test_the_claimreview_saved_after_setting_these_in_the_window_carries_them(qtbot, window, tmp_path, monkeypatch):
    article = open_titled(window, "Emoji article")
    window.workspace.edit_article(article["id"], author="A. Writer; B. Reporter", url="https://news.example/emoji",
                                  published="2024-04-30")
    disputed = mark(qtbot, window, "minister said", Qt.Key.Key_2)
    qtbot.mouseClick(window.detail.claimant, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(window.detail.claimant, "Ministry of Health")
    qtbot.keyClick(window.detail.claimant, Qt.Key.Key_Tab)  # leaving the field ends the edit
    verified = mark(qtbot, window, "Final paragraph", Qt.Key.Key_1)  # the article's authors made it
    window.actions_["export"].trigger()
    dialog = window.export_dialog
    qtbot.waitExposed(dialog)
    dialog.format.setCurrentIndex(dialog.format.findData("claimreview"))
    assert dialog.publication.isVisible() and dialog.publication.text().startswith("⚠ Google requires each review's own page")
    qtbot.waitUntil(lambda: not dialog.busy() and dialog.preview.toPlainText().startswith("["), timeout=30000)
    assert "warning" not in dialog.status.text()  # said once, in the notice, not again as warnings
    qtbot.mouseClick(dialog.publication_button, Qt.MouseButton.LeftButton)
    settings = dialog.publication_dialog
    qtbot.waitExposed(settings)
    fill_settings(qtbot, settings, "Fact Desk", SITE, TEMPLATE)
    click_save(qtbot, settings)
    assert dialog.publication.text().startswith("Published by Fact Desk")
    qtbot.waitUntil(lambda: not dialog.busy() and f"{SITE}/fact-checks/{disputed}" in dialog.preview.toPlainText(),
                    timeout=30000)
    target = tmp_path / "reviews.jsonld"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(target), ""))
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Save), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(target.exists, timeout=30000)
    reviews = {review["url"].rsplit("/", 1)[1]: review for review in json.loads(target.read_text(encoding="utf-8"))}
    assert set(reviews) == {disputed, verified}
    for review in reviews.values():
        check_node(review, "ClaimReview")
        for part, node in (("ClaimReview", review), ("ClaimReview.author", review["author"]),
                           ("Claim", review["itemReviewed"]), ("Rating", review["reviewRating"])):
            assert set(GOOGLE[part]["required"]) <= set(node), (part, node)
            assert set(GOOGLE[part]["recommended"]) <= set(node) | {"ratingValue", "bestRating", "worstRating"}
        assert review["author"] == {"@type": "Organization", "name": "Fact Desk", "url": SITE}
    assert reviews[disputed]["itemReviewed"]["author"] == {"@type": "Organization", "name": "Ministry of Health"}
    assert reviews[verified]["itemReviewed"]["author"] == [{"@type": "Person", "name": "A. Writer"},
                                                           {"@type": "Person", "name": "B. Reporter"}]


def test_a_refused_claimant_save_keeps_the_name_says_so_and_retries(qtbot, window, db_path):
    open_titled(window, "Emoji article")
    claim_id = mark(qtbot, window, "minister said", Qt.Key.Key_2)
    blocker = Store.open(db_path)
    blocker.conn.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        window.workspace.store.conn.execute("PRAGMA busy_timeout = 50")
        qtbot.mouseClick(window.detail.claimant, Qt.MouseButton.LeftButton)
        qtbot.keyClicks(window.detail.claimant, "Ministry of Health")
        qtbot.keyClick(window.detail.claimant, Qt.Key.Key_Return)
        assert window.detail.claimant.text() == "Ministry of Health"
        assert window.detail.saved.text() == "Not saved: will retry" and "busy" in window.detail.saved.toolTip()
        assert get_claim(window.workspace.store, claim_id)["claimant"] is None
    finally:
        blocker.conn.execute("ROLLBACK")
        blocker.close()
    qtbot.waitUntil(lambda: get_claim(window.workspace.store, claim_id)["claimant"] == "Ministry of Health",
                    timeout=5000)
    assert window.detail.claimant.text() == "Ministry of Health" and window.detail.saved.text() == "Saved"
