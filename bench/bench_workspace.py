"""Workspace speed on long articles claimed by several reviewers: open, select, verdict, mark, N, undo, search.

Run: python bench/bench_workspace.py [--quick]   (prints a table). Two sizes, each article's
claims made by four reviewers with overlaps: 1,000,000 characters / 5,000 claims and
3,000,000 / 15,000. Each key action is timed from the key press to the repaint of the reader,
as a median of several runs with the fastest and slowest, next to a raw baseline timed in the
same process and in the same state: a bare QTextEdit holding the same text, laid out to the end
like the reader, changing one range's format and repainting. A mark is made on text selected on
screen, as a reviewer selects it (the scroll to each new place is not timed). `run(quick)` gives the results to
bench/run.py. Searching everything (the search window: a query to its hits painted) is timed
against the raw FTS5 query of bench_core, and finding a word in the article (Ctrl+F) to its
highlights painted; both under 50 ms (issue 18). The peak RSS is the process's own peak, so it
means "with the article open" only when this benchmark runs first in its process.
"""

import argparse
import os
import random
import resource
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtGui import QColor, QKeySequence, QTextCharFormat, QTextCursor  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QTextEdit  # noqa: E402

from bench.common import Result, print_table, run_times, store_claim, timed  # noqa: E402
from bench.corpus import article_text, claim_ranges  # noqa: E402
from ui.app import create_application  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from workbench.articles import add_article  # noqa: E402
from workbench.seeds import open_database  # noqa: E402
from workbench.store import Store  # noqa: E402
from workbench.verdicts import VERDICTS  # noqa: E402
from workbench.workspace import Workspace  # noqa: E402

SIZES = [(1_000_000, 5_000), (3_000_000, 15_000)]
QUICK_SIZES = [(200_000, 1_000)]
REVIEWERS = ("Ana", "Bo", "Chen", "Dara")
OPEN_TARGET_S = 0.300  # issue 3: open and show a 1 MB article with 5,000 claims
FRAME_S = 0.016  # issue 10: every action shows its result within one frame
NEXT_TARGET_S = 0.005  # issue 18: N under 5 ms at any size
SEARCH_TARGET_S = 0.050  # issue 18: a search shows its results in under 50 ms


def build_database(path: Path, rng: random.Random, size: int, claims: int) -> tuple[str, str]:
    """A database with one article of size code points whose claims four reviewers made; its id and text."""
    text = article_text(rng, size)
    with Store.open(path) as store:
        reviewers = [store.reviewer(name) for name in REVIEWERS]
        article = add_article(store, text, reviewer_id=reviewers[0], title="Long article").article
        with store.transaction():
            for number, (start, end) in enumerate(claim_ranges(rng, text, claims)):
                store_claim(store, article, start, end, verdict=rng.choice(VERDICTS), rationale="",
                            reviewer_id=reviewers[number % len(reviewers)])
    return article["id"], text


def finish_layout(editor: QTextEdit) -> None:
    """Lay the whole document out now, as a reader scrolled through it would be."""
    document = editor.document()
    document.documentLayout().blockBoundingRect(document.lastBlock())


def baseline_open(text: str, ranges, runs: int) -> float:
    """A bare QTextEdit: the same text and one char format per claim, applied in one pass, painted."""
    editor = QTextEdit()
    editor.resize(640, 700)
    editor.show()
    fmt = QTextCharFormat()
    fmt.setBackground(QColor("#c9ecd2"))

    def run():
        editor.setPlainText(text)
        cursor = QTextCursor(editor.document())
        cursor.beginEditBlock()
        for start, end in ranges:
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            cursor.setCharFormat(fmt)
        cursor.endEditBlock()
        editor.viewport().repaint()

    times = run_times(run, runs=runs)
    editor.close()
    return sorted(times)[len(times) // 2]


def baseline_one_format(text: str, runs: int) -> float:
    """A bare QTextEdit laid out to the end: change one range's format and repaint."""
    editor = QTextEdit()
    editor.resize(640, 700)
    editor.show()
    editor.setPlainText(text)
    finish_layout(editor)
    fmt = QTextCharFormat()
    colours = iter(["#fbc9c4", "#c9ecd2"] * runs)

    def run():
        fmt.setBackground(QColor(next(colours)))
        cursor = QTextCursor(editor.document())
        cursor.setPosition(100)
        cursor.setPosition(160, QTextCursor.MoveMode.KeepAnchor)
        cursor.setCharFormat(fmt)
        editor.viewport().repaint()

    times = run_times(run, runs=runs)
    editor.close()
    return sorted(times)[len(times) // 2]


def scenario(app, folder: Path, size: int, claims: int, quick: bool) -> list[Result]:
    """Every measured action on one article of size characters with claims by four reviewers."""
    open_runs, key_runs = (3, 11) if quick else (5, 21)
    chars = f"{size:,} chars, {claims:,} claims, {len(REVIEWERS)} reviewers"
    rng = random.Random(20261122 + size)
    path = folder / f"bench-{size}.db"
    article_id, text = build_database(path, rng, size, claims)
    window = MainWindow(Workspace(open_database(path, reviewer="Ana"), "Ana"))
    window.resize(1280, 800)
    window.show()
    window.activateWindow()
    QTest.qWaitForWindowActive(window)
    ranges = [(r["start"], r["end"]) for r in window.workspace.claims_of(article_id)]

    def open_article():
        window.go_to(article_id, None)
        window.reader.viewport().repaint()

    def leave():
        window.open_article(None)
        app.processEvents()

    results = [timed("open an article with its claims and paint", chars,
                     run_times(open_article, runs=open_runs, setup=leave),
                     baseline_open(text, ranges, open_runs), target=None if quick else OPEN_TARGET_S)]
    one_format = baseline_one_format(text, key_runs)  # its own window: before focusing ours again
    window.go_to(article_id, None)
    finish_layout(window.reader)
    app.processEvents()
    window.activateWindow()
    QTest.qWaitForWindowActive(window)
    frame = None if quick else FRAME_S
    opened = window.workspace.article
    width_before = window.reader.viewport().width()

    def first_selection():
        window.select_claim(opened.rows[0]["id"])
        window.reader.viewport().repaint()

    results.append(timed("first claim selection (no re-layout of the article)", chars,
                         run_times(first_selection, runs=1), one_format, target=frame))
    assert window.reader.viewport().width() == width_before, "the first selection re-laid out the article"
    window.reader.setFocus()
    keys = iter([Qt.Key.Key_1, Qt.Key.Key_2] * key_runs)

    def press(key):
        QTest.keyClick(window.reader, key)
        window.reader.viewport().repaint()

    results.append(timed("set a verdict (key press to repaint)", chars,
                         run_times(lambda: press(next(keys)), runs=key_runs), one_format, target=frame))
    assert len(window.workspace.verdict_history(window.current_claim)) >= key_runs - 1, "keys did not arrive"
    results.append(timed("next claim (N to repaint)", chars,
                         run_times(lambda: press(Qt.Key.Key_N), runs=key_runs), one_format,
                         target=None if quick else NEXT_TARGET_S))
    free = [i for i in range(40, 40_000) if text[i - 1] == " " and not opened.claims_at(i)
            and not opened.claims_at(i + 12)]
    spots = iter(free[::7])

    def select_free():  # as a reviewer selects text: on screen (the view scrolls there first, untimed)
        start = next(spots)
        window.reader.select_range(start, start + 6)
        window.reader.ensureCursorVisible()
        app.processEvents()

    before = len(opened.rows)
    results.append(timed("mark a claim (Enter to repaint)", chars,
                         run_times(lambda: press(Qt.Key.Key_Return), runs=key_runs, setup=select_free),
                         one_format, target=frame))
    assert len(opened.rows) == before + key_runs, "Enter did not mark claims"

    def undo():
        QTest.keySequence(window, QKeySequence("Ctrl+Z"))
        window.reader.viewport().repaint()

    results.append(timed("undo (Ctrl+Z to repaint)", chars, run_times(undo, runs=key_runs), one_format,
                         target=frame))
    assert len(opened.rows) == before, "Ctrl+Z did not undo the marks"
    results += searching(app, window, path, text, chars, key_runs, quick)
    window.close()
    app.processEvents()
    return results


def searching(app, window, path: Path, text: str, chars: str, runs: int, quick: bool) -> list[Result]:
    """Search everything (a query to its hits painted) against the raw FTS5 query; find in the article."""
    import sqlite3

    from bench.bench_core import RAW_SEARCH
    from workbench.search import fts_query

    words = [w for w in dict.fromkeys(text[:200_000].split()) if w.isalpha() and len(w) >= 5][:runs]
    window.show_search()
    dialog = window.search_dialog
    app.processEvents()
    queries = iter(words * 2)

    def query():
        dialog.query.setText(next(queries))
        dialog.run_search()
        dialog.results.viewport().repaint()

    raw = sqlite3.connect(path)
    fts = [fts_query(window.workspace.store, w) for w in words]
    raw_queries = iter(fts * 2)
    base = run_times(lambda: raw.execute(RAW_SEARCH, ["\x02", "\x03", next(raw_queries)] * 3 + [200]).fetchall(),
                     runs=len(words))
    raw.close()
    results = [timed("search everything (query to hits painted)", chars, run_times(query, runs=len(words)),
                     sorted(base)[len(base) // 2], target=None if quick else SEARCH_TARGET_S)]
    assert dialog.model.rowCount() > 0, "the search found nothing"
    dialog.close()
    window.activateWindow()
    finds = iter(words * 2)

    def find():
        window.find_in_article(next(finds))
        window.reader.viewport().repaint()

    results.append(timed("find in the article (Ctrl+F, text to highlights painted)", chars,
                         run_times(find, runs=len(words)), target=None if quick else SEARCH_TARGET_S))
    assert window.find_bar.matches, "find highlighted nothing"
    window.find_bar.close_bar()
    return results


def run(quick: bool = False) -> list[Result]:
    """Every scenario, then the peak RSS; smaller sizes and fewer runs if quick."""
    folder = Path(tempfile.mkdtemp())
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    app = create_application()
    QSettings().setValue("reviewer", "Ana")
    results = []
    for size, claims in QUICK_SIZES if quick else SIZES:
        results.extend(scenario(app, folder, size, claims, quick))
        if not results[-1:] or size == (QUICK_SIZES if quick else SIZES)[0][0]:
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            results.append(Result("peak memory (RSS) with the article open", f"{size:,} chars, {claims:,} claims",
                                  rss, unit="MB"))
    shutil.rmtree(folder, ignore_errors=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one small article, fewer runs")
    print_table(run(parser.parse_args().quick))


if __name__ == "__main__":
    main()
