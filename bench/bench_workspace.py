"""Workspace speed: open a 1 MB article with 5,000 claims, set a verdict, mark a claim (offscreen).

Run: python bench/bench_workspace.py   (prints a table; each figure is a median of several runs,
with the raw baseline, a bare QTextEdit doing the same text and formats, timed in the same process)
"""

import os
import random
import resource
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QTextEdit  # noqa: E402

from bench.common import Result, median_time, print_table  # noqa: E402
from bench.corpus import article_text, claim_ranges  # noqa: E402
from ui.app import create_application  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.session import Session  # noqa: E402
from workbench.articles import add_article  # noqa: E402
from workbench.store import Store  # noqa: E402
from workbench.text import quote_at  # noqa: E402
from workbench.verdicts import VERDICTS  # noqa: E402

SIZE, CLAIMS = 1_000_000, 5_000


def build_database(path: Path, rng: random.Random) -> tuple[str, list[tuple[int, int]]]:
    """A database with one 1 MB article carrying 5,000 claims; returns its id and the ranges."""
    text = article_text(rng, SIZE)
    ranges = claim_ranges(rng, text, CLAIMS)
    with Store.open(path) as store:
        reviewer = store.reviewer("Bench")
        article = add_article(store, text, reviewer_id=reviewer, title="Long article").article
        body = article["body"]
        with store.transaction():
            for start, end in ranges:
                quote = quote_at(body, start, end)
                store.insert("claims", {"article_id": article["id"], "start": start, "end": end,
                                        "quote": quote.exact, "prefix": quote.prefix, "suffix": quote.suffix,
                                        "verdict": rng.choice(VERDICTS), "rationale": "",
                                        "created_by": reviewer, "updated_by": reviewer})
    return article["id"], ranges


def baseline_open(text: str, ranges) -> float:
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

    result = median_time(run, runs=5)
    editor.close()
    return result


def baseline_one_format(text: str) -> float:
    """A bare QTextEdit: change one range's format and repaint."""
    editor = QTextEdit()
    editor.resize(640, 700)
    editor.show()
    editor.setPlainText(text)
    fmt = QTextCharFormat()
    colours = iter(["#fbc9c4", "#c9ecd2"] * 100)

    def run():
        fmt.setBackground(QColor(next(colours)))
        cursor = QTextCursor(editor.document())
        cursor.setPosition(100)
        cursor.setPosition(160, QTextCursor.MoveMode.KeepAnchor)
        cursor.setCharFormat(fmt)
        editor.viewport().repaint()

    result = median_time(run, runs=21)
    editor.close()
    return result


def main() -> None:
    rng = random.Random(20261122)
    folder = Path(tempfile.mkdtemp())
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    app = create_application()
    article_id, ranges = build_database(folder / "bench.db", rng)
    session = Session(Store.open(folder / "bench.db"), "Bench")
    window = MainWindow(session)
    window.resize(1280, 800)
    window.show()
    window.activateWindow()
    QTest.qWaitForWindowActive(window)
    text = session.store.get("articles", article_id)["body"]

    def open_article():
        window.go_to(article_id, None)
        window.reader.viewport().repaint()

    def leave():
        window.open_article(None)
        app.processEvents()

    opened = median_time(open_article, runs=5, setup=leave)
    results = [Result("open 1 MB article with 5,000 claims and paint", "1,000,000 chars", opened,
                      baseline_open(text, ranges))]
    window.go_to(article_id, None)
    app.processEvents()
    first = sorted(window.reader.claims.values(), key=lambda c: c["start"])[0]
    window.select_claim(first["id"])
    one_format = baseline_one_format(text)  # its own window: run it before focusing ours again
    window.activateWindow()
    QTest.qWaitForWindowActive(window)
    window.reader.setFocus()
    keys = iter([Qt.Key.Key_1, Qt.Key.Key_2] * 50)

    def verdict():
        QTest.keyClick(window.reader, next(keys))
        window.reader.viewport().repaint()

    results.append(Result("set a verdict (key press to repaint)", "5,000 claims", median_time(verdict, runs=21),
                          one_format))
    history = session.store.query("SELECT count(*) AS n FROM verdict_history WHERE claim_id = ?", [first["id"]])
    assert history[0]["n"] >= 20, "the verdict keys did not reach the window"
    free = [i for i in range(40, 4000) if text[i - 1] == " " and not window.reader.claims_at(i)
            and not window.reader.claims_at(i + 12)]
    spots = iter(free[::7])

    def select_free():
        start = next(spots)
        window.reader.select_range(start, start + 6)

    def mark():
        QTest.keyClick(window.reader, Qt.Key.Key_Return)
        window.reader.viewport().repaint()

    before = len(window.reader.claims)
    results.append(Result("mark a claim (Enter to repaint)", "5,000 claims",
                          median_time(mark, runs=21, setup=select_free), one_format))
    assert len(window.reader.claims) == before + 21, "Enter did not mark claims"
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results.append(Result("peak memory (RSS) with the article open", "1,000,000 chars", rss, unit="MB"))
    print_table(results)
    window.close()


if __name__ == "__main__":
    main()
