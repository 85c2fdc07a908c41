"""The article list as a reviewer with many articles uses it: search, filter, sort, badges, the To Do view."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from tests.ui.conftest import open_titled
from tests.ui.test_sharing import mark
from workbench.articles import add_article


def titles(window) -> list[str]:
    rows = {r["id"]: r["title"] for r in window.article_list.model_.rows}
    return [rows[i] for i in window.article_list.shown_ids()]


def choose(qtbot, combo, key: str) -> None:
    """Pick an entry of a combo box with the keyboard, as a reviewer tabbing through does."""
    combo.setFocus()
    target = combo.findData(key)
    while combo.currentIndex() != target:
        qtbot.keyClick(combo, Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up)


def work_of(window, title: str) -> dict:
    return next(r for r in window.article_list.model_.rows if r["title"] == title)["work"]


def test_search_as_you_type_keeps_the_open_article(qtbot, window):
    add_article(window.workspace.store, "Body.", reviewer_id=window.workspace.reviewer_id, title="Budget vote",
                publisher="The Ledger", author="Rosa Park", url="https://ledger.example/budget")
    window.refresh_articles()
    open_titled(window, "Emoji article")
    qtbot.keySequence(window, QKeySequence("Ctrl+Shift+L"))
    search = window.article_pane.search
    assert search.hasFocus()
    qtbot.keyClicks(search, "nato")
    assert titles(window) == ["Nato considers pre-emptive strikes against Russia amid heightened tensions",
                              "NATO Weighs Potential Pre-emptive action Against Russia, Sources Indicate"]
    assert window.article["title"] == "Emoji article"  # filtering never opens another article
    for typed in ("ledger", "rosa park", "ledger.example/budget"):  # publisher, author, web address
        search.clear()
        qtbot.keyClicks(search, typed)
        assert titles(window) == ["Budget vote"], typed
    qtbot.keyClick(search, Qt.Key.Key_Return)  # into the list, on the article found
    assert window.article_list.hasFocus() and window.article["title"] == "Budget vote"
    search.clear()
    assert len(titles(window)) == 4 and window.article_list.current_id() == window.article["id"]


def test_badges_filter_and_most_work_first_follow_the_reviewers_work(qtbot, window):
    emoji = open_titled(window, "Emoji article")
    assert work_of(window, "Emoji article") == {"pending": 0, "no_evidence": 0, "no_rationale": 0, "disagreement": 0}
    calls = []
    listed = window.workspace.list_articles
    window.workspace.list_articles = lambda: calls.append(1) or listed()  # counts must come from the events
    mark(window, qtbot, "Final paragraph", Qt.Key.Key_0)  # marked, still pending
    assert work_of(window, "Emoji article")["pending"] == 1
    choose(qtbot, window.article_pane.need, "pending")
    assert titles(window) == ["Emoji article"]
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_1)  # verified, with no evidence and no rationale
    assert work_of(window, "Emoji article") == {"pending": 0, "no_evidence": 1, "no_rationale": 1, "disagreement": 0}
    assert titles(window) == [] and window.article["id"] == emoji["id"]  # filtered out, still open
    choose(qtbot, window.article_pane.order, "work")
    assert titles(window) == [] and window.article_pane.order.currentData() == "work"
    choose(qtbot, window.article_pane.need, "all")
    assert titles(window)[0] == "Emoji article"  # the most work left: first
    choose(qtbot, window.article_pane.need, "no_rationale")
    assert titles(window) == ["Emoji article"] and window.article_list.current_id() == emoji["id"]
    window.detail.rationale.setFocus()
    qtbot.keyClicks(window.detail.rationale, "The paragraph is there.")
    window.detail.flush()
    assert titles(window) == []
    assert calls == []


def test_sorting_by_title_is_natural_and_remembered(qtbot, window):
    for title in ("item 10", "item 2"):
        add_article(window.workspace.store, f"{title} body.", reviewer_id=window.workspace.reviewer_id, title=title)
    window.refresh_articles()
    choose(qtbot, window.article_pane.order, "title")
    assert titles(window)[:2] == ["Emoji article", "item 2"] and titles(window)[2] == "item 10"
    choose(qtbot, window.article_pane.order, "newest")
    assert titles(window)[0] == "item 2"
    from ui.article_pane import ArticlePane

    assert ArticlePane().order.currentData() == "newest"


def test_to_do_lists_each_claim_with_why_and_opens_it(qtbot, qtmodeltester, window):
    open_titled(window, "Emoji article")
    mark(window, qtbot, "Final paragraph", Qt.Key.Key_0)
    pending = window.current_claim
    mark(window, qtbot, "Emoji first", Qt.Key.Key_2)
    disputed = window.current_claim
    qtbot.keySequence(window, QKeySequence("Ctrl+Shift+T"))
    dialog = window.todo_dialog
    qtbot.waitExposed(dialog)
    qtmodeltester.check(dialog.model)
    rows = {item.claim_id: item.reasons for item in dialog.model.items}
    assert rows == {pending: ("pending",), disputed: ("no_evidence", "no_rationale")}
    text = [dialog.model.index(r, c).data() for r in range(2) for c in range(3)]
    assert "Emoji article" in text and "No evidence, No rationale" in text
    assert any(t.startswith("#1 Pending · “Final paragraph") for t in text)

    window.activateWindow()
    open_titled(window, "Emoji article")
    window.select_claim(pending)
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_3)  # judged: the list follows at once
    assert {item.claim_id: item.reasons for item in dialog.model.items}[pending] == ("no_evidence", "no_rationale")
    choose(qtbot, dialog.reason, "pending")
    assert dialog.model.items == [] and dialog.count.text() == "0 claims"
    choose(qtbot, dialog.reason, "")

    open_titled(window, window.article_list.model_.rows[0]["title"])  # elsewhere; then open from the list
    row = dialog.model.row_of(disputed)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.view.setFocus()
    dialog.view.setCurrentIndex(dialog.model.index(row, 1))
    qtbot.keyClick(dialog.view, Qt.Key.Key_Return)
    assert window.article["title"] == "Emoji article" and window.current_claim == disputed


def test_making_the_window_narrower_takes_from_the_list_not_the_reader(qtbot, window):
    window.resize(1280, 800)
    window._default_splitter_sizes()
    qtbot.waitUntil(lambda: window.splitter.sizes()[0] >= 230)
    window.resize(1024, 768)
    qtbot.waitUntil(lambda: window.width() == 1024)
    assert window.splitter.sizes()[0] <= round(window.splitter.width() * 0.2)
    assert window.reader.viewport().width() >= 400
    bar = window.article_list.visualRect(window.article_list.index_of(window.article["id"]))
    assert bar.width() >= 150  # badges still have room


def test_the_keyboard_starts_in_the_article_list_not_in_its_search_field(qtbot, window):
    assert window.focusWidget() is window.article_list
    opened = window.article["id"]
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_N)
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Down)
    assert window.article_pane.search.text() == ""  # the letter did not filter the list away
    assert window.article["id"] != opened  # the arrow went to the next article
