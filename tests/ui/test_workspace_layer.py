"""The window on the workspace layer: events carry data, models pass Qt's tester, saves never lie."""

from PySide6.QtCore import Qt

from tests.ui.conftest import EMOJI_BODY, open_titled, select_with_mouse, wait_for_tasks
from workbench import order
from workbench.claims import add_claim, claims_for, get_claim
from workbench.store import Store


def mark(qtbot, window, phrase: str) -> str:
    start = window.article["body"].index(phrase)
    select_with_mouse(qtbot, window.reader, start, start + len(phrase))
    qtbot.keyClick(window.reader, Qt.Key.Key_Return)
    return window.current_claim


def test_a_verdict_key_press_reads_nothing_after_commit(qtbot, window):
    open_titled(window, "Emoji article")
    claim_id = mark(qtbot, window, "minister said")
    statements: list[str] = []
    window.workspace.store.conn.set_trace_callback(statements.append)
    try:
        qtbot.keyClick(window.reader, Qt.Key.Key_2)
    finally:
        window.workspace.store.conn.set_trace_callback(None)
    assert get_claim(window.workspace.store, claim_id)["verdict"] == "disputed"
    commit = statements.index("COMMIT")
    assert statements[commit + 1:] == []  # the list, the reader, the detail and its history all used the event
    assert window.detail.history.topLevelItemCount() == 1
    assert "Disputed" in window.claims_panel.model.index(0).data()


def test_each_claim_action_rebuilds_the_readers_highlights_once(qtbot, window, monkeypatch):
    """Marking (a new claim, then selecting it) and deleting (then selecting the next) each set the
    reader's highlights once, not once per step."""
    open_titled(window, "Emoji article")
    first = mark(qtbot, window, "minister said")
    rebuilt = []
    reader = window.reader
    monkeypatch.setattr(reader, "setExtraSelections", lambda selections: rebuilt.append(len(selections)))
    second = mark(qtbot, window, "Final paragraph")
    assert window.current_claim == second and rebuilt == [3]  # two claims and the current one's frame
    qtbot.keyClick(reader, Qt.Key.Key_Delete)  # the last claim: none follows it
    assert window.current_claim is None and rebuilt == [3, 1]
    window.go_to(window.article["id"], first)
    assert window.current_claim == first and rebuilt == [3, 1, 2]


def test_claim_and_article_models_pass_the_qt_model_tester(qtbot, qtmodeltester, window):
    open_titled(window, "Emoji article")
    qtmodeltester.check(window.claims_panel.model)
    qtmodeltester.check(window.claims_panel.proxy)
    qtmodeltester.check(window.article_list.model_)
    qtmodeltester.check(window.article_list.proxy)
    first = mark(qtbot, window, "Final paragraph")
    mark(qtbot, window, "Emoji first")  # inserted before: the first claim's number stays #1
    qtbot.keyClick(window.reader, Qt.Key.Key_1)
    window.select_claim(first)
    qtbot.keyClick(window.reader, Qt.Key.Key_Delete)
    qtbot.keySequence(window, "Ctrl+Z")
    texts = [window.claims_panel.model.index(i).data() for i in range(2)]
    assert texts[0].startswith("#2 Verified") and texts[1].startswith("#1 Pending")
    window.claims_panel.filter.setCurrentIndex(2)  # Verified only
    qtmodeltester.check(window.claims_panel.proxy)
    assert window.claims_panel.count.text() == "1 of 2"


def test_a_refused_rationale_save_keeps_the_text_says_so_and_retries(qtbot, window, db_path):
    open_titled(window, "Emoji article")
    claim_id = mark(qtbot, window, "minister said")
    blocker = Store.open(db_path)
    blocker.conn.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        window.workspace.store.conn.execute("PRAGMA busy_timeout = 50")
        window.detail.rationale.setFocus()
        qtbot.keyClicks(window.detail.rationale, "Checked with the statistics office")
        assert not window.detail.flush()
        assert window.detail.rationale.toPlainText() == "Checked with the statistics office"
        assert window.detail.saved.text() == "Not saved: will retry"
        assert "busy" in window.detail.saved.toolTip()
        assert get_claim(window.workspace.store, claim_id)["rationale"] == ""
    finally:
        blocker.conn.execute("ROLLBACK")
        blocker.close()
    qtbot.waitUntil(lambda: get_claim(window.workspace.store, claim_id)["rationale"]
                    == "Checked with the statistics office", timeout=5000)
    qtbot.waitUntil(lambda: window.detail.saved.text() == "Saved")
    assert window.detail.rationale.toPlainText() == "Checked with the statistics office"


def test_the_claim_list_reads_in_the_one_reading_order_when_times_tie(qtbot, window):
    article = open_titled(window, "Emoji article")
    store, reviewer = window.workspace.store, window.workspace.reviewer_id
    for claim_id in ("c3000000-0000-4000-8000-000000000000", "a1000000-0000-4000-8000-000000000000"):
        add_claim(store, article["id"], 0, 5, reviewer_id=reviewer, claim_id=claim_id)
    with store.transaction():
        store.conn.execute("UPDATE claims SET created_at = '2024-05-31T12:00:00.000000Z'")
    window.open_article(None)
    window.open_article(article["id"])
    model = window.claims_panel.model
    shown = [model.index(i).data(Qt.ItemDataRole.UserRole + 1) for i in range(model.rowCount())]
    assert shown == [c["id"] for c in sorted(claims_for(store, article["id"]), key=order.claim_key)]
    assert shown == ["a1000000-0000-4000-8000-000000000000", "c3000000-0000-4000-8000-000000000000"]


def test_the_signals_the_window_relies_on(qtbot, window, tmp_path):
    qt = window.qt
    open_titled(window, "Emoji article")
    with qtbot.waitSignal(qt.claimsChanged) as made:
        claim_id = mark(qtbot, window, "a family")
    assert made.args[0].rows[claim_id]["quote"] == "a family"
    with qtbot.waitSignals([qt.claimsChanged, qt.historyChanged, qt.undoChanged, qt.countsChanged]):
        qtbot.keyClick(window.reader, Qt.Key.Key_3)
    with qtbot.waitSignal(qt.evidenceChanged) as added:
        window.workspace.add_evidence(claim_id, {"title": "Family register"})
    assert [item["title"] for item in added.args[0].items] == ["Family register"]
    with qtbot.waitSignal(qt.articleOpened) as opened:
        window.article_list.setCurrentIndex(window.article_list.model().index(0, 0))
    assert opened.args[0].id == window.article["id"]
    (tmp_path / "new.txt").write_text("A new article about jobs.", encoding="utf-8")
    with qtbot.waitSignals([qt.reloaded, qt.articleOpened], timeout=30_000):
        window.files.import_sources([str(tmp_path / "new.txt")])
        wait_for_tasks(qtbot, window)
    assert window.article["body"] == "A new article about jobs."
    assert EMOJI_BODY not in window.reader.toPlainText()


def test_a_long_article_never_changes_under_qts_lazy_layout_and_scrolls_to_its_end(qtbot, window):
    import random

    from bench.corpus import article_text
    from workbench.articles import add_article

    body = article_text(random.Random(7), 1_000_000)
    article = add_article(window.workspace.store, body, reviewer_id=window.workspace.reviewer_id, title="Long").article
    window.go_to(article["id"], None)
    revision = window.reader.document().revision()
    claim_id = window.workspace.mark(article["id"], 0, body.index(" ", 10))  # an edit while layout runs
    window.workspace.set_verdict(claim_id, "disputed")
    window.select_claim(claim_id)
    assert window.reader.document().revision() == revision  # highlights never edit the text
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    bar = window.reader.verticalScrollBar()
    # once Qt has sized the text laid out to the end, the end is where the scroll range ends
    # (within the document's bottom margin)
    qtbot.waitUntil(lambda: bar.maximum() > 0 and 0 <= bar.maximum() - bar.value() <= window.reader.document().documentMargin())  # once Qt has sized the text laid out to the end
    last = window.reader.cursorRect()
    assert window.reader.viewport().rect().contains(last.center())
    height = window.reader.document().documentLayout().documentSize().height()
    assert bar.maximum() + bar.pageStep() >= height * 0.95  # the scroll range covers the whole text


def test_claims_another_program_adds_appear_without_losing_the_selection_or_the_typing(qtbot, window, db_path):
    from workbench.workspace import Workspace

    open_titled(window, "Emoji article")
    mine = mark(qtbot, window, "minister said")
    window.detail.rationale.setFocus()
    qtbot.keyClicks(window.detail.rationale, "Half-typed")
    with Store.open(db_path) as other:  # the command line, another window, a sync
        colleague = Workspace(other, "Bo")
        start = EMOJI_BODY.index("a family")
        theirs = colleague.mark(window.article["id"], start, start + len("a family"))
        colleague.set_verdict(theirs, "disputed")
    qtbot.waitUntil(lambda: window.workspace.article.claim(theirs) is not None, timeout=5000)
    assert window.current_claim == mine and window.detail.rationale.toPlainText() == "Half-typed"
    assert window.claims_panel.model.rowCount() == 2
    assert any(s.cursor.selectionStart() == window.reader.offsets.to_utf16(start)
               for s in window.reader.extraSelections())  # highlighted, without a reload


def test_the_visible_range_covers_exactly_the_text_on_screen_even_while_qt_lays_out_again(qtbot, window):
    """The reader's own search for the text on screen agrees with Qt's hit test, scrolled anywhere,
    in an article of short paragraphs and one long one, while Qt is still laying it out after the
    width changed, and, once laid out, reaches no more than a line beyond what is on screen."""
    import random

    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QTextCursor
    from PySide6.QtWidgets import QApplication

    from bench.corpus import article_text
    from workbench.articles import add_article

    rng = random.Random(11)
    body = article_text(rng, 150_000) + "\n" + " ".join(["word"] * 20_000) + "\n" + article_text(rng, 50_000)
    article = add_article(window.workspace.store, body, reviewer_id=window.workspace.reviewer_id, title="Long").article
    window.go_to(article["id"], None)
    reader = window.reader
    bar = reader.verticalScrollBar()
    left = int(reader.document().documentMargin()) + 2

    def on_screen(y):
        return reader.offsets.to_code_point(reader.cursorForPosition(QPoint(left, y)).position())

    def top_of(code_point):
        cursor = QTextCursor(reader.document())
        cursor.setPosition(reader.offsets.to_utf16(code_point))
        return reader.cursorRect(cursor).top()

    def sweep(laid_out: bool) -> int:
        checked = 0
        for fraction in [rng.random() for _ in range(8)] + [0.0, 1.0]:
            bar.setValue(int(bar.maximum() * fraction))
            lo, hi = reader.visible_range(margin=0.0)
            height = reader.viewport().height()
            for y in range(1, height - 1, 37):
                assert lo <= on_screen(y) < hi, (laid_out, fraction, y)
                checked += 1
            if laid_out:  # no more than a line over what is on screen
                line = reader.fontMetrics().lineSpacing() * 2
                assert top_of(lo) >= -line and (hi >= len(body) or top_of(hi) <= height + line), (fraction, lo, hi)
        return checked

    checked = 0
    for width in (900, 1500, 1280):
        window.resize(width, 800)
        QApplication.processEvents()  # the reader takes its new width; Qt lays the text out again lazily
        checked += sweep(laid_out=False)
        reader.document().documentLayout().documentSize()  # asking for the size lays out the rest
        QApplication.processEvents()  # and the scroll bar takes the whole text's height
        checked += sweep(laid_out=True)
    assert checked > 1000


def test_the_claim_list_moves_by_arrow_keys_leaves_by_tab_and_keeps_rows_alike(qtbot, window):
    """The claim list (a one-column table, so that a new row is placed without laying out every
    row again) behaves as a list: Down picks the next claim everywhere, Home and End the first and
    last, Tab leaves it, and every row has the height of two lines with the swatch."""
    open_titled(window, "Emoji article")
    first = mark(qtbot, window, "minister said")
    second = mark(qtbot, window, "Final paragraph")
    table = window.claims_panel.list
    window.select_claim(first)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert window.current_claim == second and window.reader.current_claim == second
    heights = {table.rowHeight(row) for row in range(table.model().rowCount())}
    assert heights == {table.verticalHeader().defaultSectionSize()}
    assert min(heights) >= 2 * table.fontMetrics().lineSpacing()  # both lines show
    assert table.visualRect(table.currentIndex()).width() == table.viewport().width()  # as wide as the list
    qtbot.keyClick(table, Qt.Key.Key_Home)
    assert window.current_claim == first
    qtbot.keyClick(table, Qt.Key.Key_End)
    assert window.current_claim == second
    qtbot.keyClick(table, Qt.Key.Key_Up)
    assert window.current_claim == first
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert not table.hasFocus() and window.current_claim == first  # Tab moved on, choosing no other row
