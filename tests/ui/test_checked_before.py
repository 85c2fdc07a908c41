"""Checked Before in the window: the selected claim's matches, adopting one with its verdict offered, the
reader's margin marks computed in the background, and clicking a mark. Driven with real clicks and keys."""

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from tests.ui.conftest import open_titled, select_with_mouse
from ui.main_window import MainWindow
from workbench.articles import add_article
from workbench.claims import claims_for, get_claim
from workbench.evidence import evidence_for
from workbench.factchecks import import_reviews
from workbench.seeds import open_database
from workbench.workspace import Workspace
from workbench.workspace.known import MatchesFound, SentencesFound, claim_key

HOSTILE = "Drinking hot water cures the <i>coronavirus</i>."  # text that Qt would take for rich text
REVIEWS = [
    {"@type": "ClaimReview", "claimReviewed": HOSTILE, "url": "https://fc.example/hot-water",
     "datePublished": "2024-03-06", "author": {"@type": "Organization", "name": "Desk Check"},
     "reviewRating": {"alternateName": "False"}},
    {"@type": "ClaimReview", "claimReviewed": "Unemployment fell by 30 percent last year.",
     "url": "https://fc.example/30", "author": {"@type": "Organization", "name": "Stats Check"},
     "reviewRating": {"alternateName": "True"}},
]
VIRAL = ("Viral post\n"
         "A post went viral this week. It said that drinking hot water cures the coronavirus. Doctors disagree.\n"
         "The mayor said the new bridge cost 3 billion euros. The river is wide.\n"
         "Later the mayor repeated that the new bridge cost 3 billion euros.")


@pytest.fixture
def window(qtbot, db_path):
    """The main window on a database with the seeds, a viral-post article and two published fact-checks."""
    store = open_database(db_path, reviewer="Ana")
    reviewer_id = store.reviewer("Ana")
    add_article(store, VIRAL, reviewer_id=reviewer_id, title="Viral post")
    import_reviews(store, REVIEWS, source="fact-checks.json", reviewer_id=reviewer_id)
    win = MainWindow(Workspace(store, "Ana"))
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    return win


def mark(qtbot, window, phrase: str, occurrence: int = 0) -> str:
    body = window.article["body"]
    start = body.index(phrase, body.index(phrase) + 1) if occurrence else body.index(phrase)
    select_with_mouse(qtbot, window.reader, start, start + len(phrase))
    qtbot.keyClick(window.reader, Qt.Key.Key_Return)
    return window.current_claim


def answered(qtbot, window) -> None:
    """Wait until the background answers have arrived and been shown."""
    qtbot.waitUntil(lambda: window.workspace.known.wait_idle(0), timeout=30_000)
    qtbot.wait(20)  # the queued answer reaches the GUI thread


def test_a_selected_claim_shows_what_the_desk_knows_and_adopting_a_match_offers_its_verdict(qtbot, qtmodeltester,
                                                                                              window):
    open_titled(window, "Viral post")
    claim_id = mark(qtbot, window, "drinking hot water cures the coronavirus")
    panel = window.known.panel
    tabs = window.detail.tabs
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0, timeout=30_000)
    qtmodeltester.check(panel.model)
    best = panel.current_match()
    assert (best.url, best.verdict, best.source, best.date) == ("https://fc.example/hot-water", "False", "Desk Check",
                                                               "2024-03-06")
    assert tabs.tabText(tabs.indexOf(panel)) == f"Checked Before ({panel.model.rowCount()})"
    assert panel.subject.text().startswith("Claim 1: “drinking hot water")
    tabs.setCurrentWidget(panel)
    qtbot.mouseClick(panel.adopt_button, Qt.MouseButton.LeftButton)
    [item] = evidence_for(window.workspace.store, claim_id)
    assert (item["url"], item["stance"]) == ("https://fc.example/hot-water", "refutes")
    assert get_claim(window.workspace.store, claim_id)["verdict"] == "pending"  # offered, not set
    assert tabs.tabText(0) == "Evidence (1)"
    assert panel.offer.isVisible()
    assert panel.offer_text.text() == "The fact-check rated it “False”: mark this claim Disputed?"
    assert not panel.adopt_button.isEnabled()  # it is evidence already
    qtbot.mouseClick(panel.offer_accept, Qt.MouseButton.LeftButton)
    assert get_claim(window.workspace.store, claim_id)["verdict"] == "disputed"
    assert not panel.offer.isVisible()
    qtbot.keySequence(window, "Ctrl+Z")
    assert get_claim(window.workspace.store, claim_id)["verdict"] == "pending"
    qtbot.keySequence(window, "Ctrl+Z")
    assert evidence_for(window.workspace.store, claim_id) == []
    assert panel.adopt_button.isEnabled()


def test_enter_in_the_list_adopts_and_no_keeps_the_verdict(qtbot, window):
    open_titled(window, "Viral post")
    claim_id = mark(qtbot, window, "drinking hot water cures the coronavirus")
    panel = window.known.panel
    window.detail.tabs.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0, timeout=30_000)
    panel.list.setFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_Return)
    assert [e["url"] for e in evidence_for(window.workspace.store, claim_id)] == ["https://fc.example/hot-water"]
    qtbot.mouseClick(panel.offer_decline, Qt.MouseButton.LeftButton)
    assert not panel.offer.isVisible()
    assert get_claim(window.workspace.store, claim_id)["verdict"] == "pending"


def test_the_list_follows_the_selected_claim_and_verdicts_given_elsewhere(qtbot, window):
    open_titled(window, "Viral post")
    panel = window.known.panel
    first = mark(qtbot, window, "the new bridge cost 3 billion euros")
    answered(qtbot, window)
    assert panel.model.rowCount() == 0 and panel.status.text() == "Nothing the desk knows resembles this text."
    second = mark(qtbot, window, "the new bridge cost 3 billion euros", occurrence=1)
    qtbot.keyClick(window.reader, Qt.Key.Key_2)  # the second is judged disputed ...
    window.claims_panel.list.setFocus()
    qtbot.keyClick(window.claims_panel.list, Qt.Key.Key_Up)  # ... and the first selected again, from the list
    assert window.current_claim == first
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=30_000)
    match = panel.current_match()
    assert (match.kind, match.id, match.verdict) == ("claim", second, "disputed")
    window.workspace.set_verdict(second, "verified")  # a verdict given elsewhere: the list is asked again
    qtbot.waitUntil(lambda: panel.current_match() is not None and panel.current_match().verdict == "verified",
                    timeout=30_000)


def test_a_late_answer_about_another_claim_is_dropped(qtbot, window):
    open_titled(window, "Viral post")
    first = mark(qtbot, window, "drinking hot water cures the coronavirus")
    panel = window.known.panel
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0, timeout=30_000)
    shown = list(panel.model.matches)
    mark(qtbot, window, "The river is wide")
    answered(qtbot, window)
    assert panel.model.matches != shown
    relay = window.known.relay
    relay.matchesFound.emit(relay, MatchesFound(claim_key(first), tuple(shown)))  # the first claim's, late
    qtbot.wait(20)
    assert panel.model.matches != shown


def sentence_of(body: str, phrase: str) -> tuple[int, int]:
    start = body.index(phrase)
    return start, body.index(".", start) + 1


def test_known_sentences_are_marked_in_the_margin_after_the_article_opens(qtbot, window):
    article = open_titled(window, "Viral post")
    margin = window.known.margin
    assert margin.marks == []  # opening does not wait for them
    qtbot.waitUntil(lambda: margin.marks != [], timeout=30_000)
    body = article["body"]
    assert [(k.start, k.end) for k in margin.marks] == [sentence_of(body, "It said that")]
    assert window.reader.toPlainText() == body  # the reader's text is untouched ...
    block = window.reader.document().firstBlock()
    while block.isValid():  # ... and no character format was added for the marks
        assert all(not f.format.background().style() for f in block.layout().formats())
        block = block.next()
    [(rect, known)] = margin.visible_marks()
    QApplication.sendEvent(margin, QHelpEvent(QHelpEvent.Type.ToolTip, rect.center(), margin.mapToGlobal(rect.center())))
    tip = QToolTip.text()
    assert "Checked before" in tip and "&lt;i&gt;coronavirus&lt;/i&gt;" in tip and "<i>" not in tip
    assert "False" in tip and "Desk Check" in tip


def test_clicking_a_mark_selects_the_sentence_shows_its_matches_and_offers_to_mark_it(qtbot, window):
    article = open_titled(window, "Viral post")
    margin = window.known.margin
    qtbot.waitUntil(lambda: margin.marks != [], timeout=30_000)
    [(rect, known)] = margin.visible_marks()
    qtbot.mouseClick(margin, Qt.MouseButton.LeftButton, pos=rect.center())
    panel = window.known.panel
    assert window.detail.tabs.currentWidget() is panel
    assert window.reader.selected_range() == (known.start, known.end)
    assert panel.subject.text().startswith("Sentence (not a claim yet): “It said that")
    assert panel.mark_button.isVisible() and window.current_claim is None
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0, timeout=30_000)
    assert panel.current_match().url == "https://fc.example/hot-water"
    assert not panel.adopt_button.isEnabled()  # a sentence has no evidence until it is a claim
    qtbot.mouseClick(panel.mark_button, Qt.MouseButton.LeftButton)
    [claim] = claims_for(window.workspace.store, article["id"])
    assert (claim["start"], claim["end"]) == (known.start, known.end) and window.current_claim == claim["id"]
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0 and panel.adopt_button.isEnabled(), timeout=30_000)
    qtbot.mouseClick(margin, Qt.MouseButton.LeftButton, pos=margin.visible_marks()[0][0].center())
    assert window.current_claim == claim["id"]  # a mark on a claim selects the claim
    qtbot.keySequence(window, "Ctrl+Z")
    assert claims_for(window.workspace.store, article["id"]) == []


def test_ctrl_k_goes_to_the_next_marked_sentence(qtbot, window):
    article = open_titled(window, "Viral post")
    qtbot.waitUntil(lambda: window.known.margin.marks != [], timeout=30_000)
    window.reader.setFocus()
    qtbot.keySequence(window, "Ctrl+K")
    assert window.reader.selected_range() == sentence_of(article["body"], "It said that")
    assert window.known.panel.mark_button.isVisible()


def test_marks_of_an_article_left_behind_are_not_shown_on_the_next(qtbot, window):
    viral = open_titled(window, "Viral post")
    margin = window.known.margin
    qtbot.waitUntil(lambda: margin.marks != [], timeout=30_000)
    late = SentencesFound(viral["id"], tuple(margin.marks))
    open_titled(window, next(r["title"] for r in window.article_list.model_.rows if r["title"] != "Viral post"))
    answered(qtbot, window)
    relay = window.known.relay
    relay.sentencesFound.emit(relay, late)
    qtbot.wait(20)
    assert all(known.match.url != "https://fc.example/hot-water" for known in margin.marks)
    assert not margin.visible_marks() or window.article["id"] != viral["id"]


def test_the_margin_follows_the_reader_s_size_and_scrolling(qtbot, window):
    open_titled(window, "Viral post")
    margin = window.known.margin
    viewport = window.reader.viewport().geometry()
    assert margin.geometry().right() < viewport.left() and margin.height() == viewport.height()
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: margin.height() == window.reader.viewport().height())
    assert margin.x() + margin.width() == window.reader.viewport().geometry().left()
    assert margin.mark_at(QPoint(0, 5).y()) is None
