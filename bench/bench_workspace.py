"""Workspace speed: open a 1 MB article with 5,000 claims, set a verdict, mark a claim (offscreen).

Run: python bench/bench_workspace.py [--quick]   (prints a table; each figure is a median of several
runs, with the raw baseline, a bare QTextEdit doing the same text and formats, timed in the same
process). `run(quick)` gives the results to bench/run.py. The peak RSS is the process's own peak,
so it means "with the article open" only when this benchmark runs first in its process.
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
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QTextEdit  # noqa: E402

from bench.common import Result, median_time, print_table, store_claim  # noqa: E402
from bench.corpus import article_text, claim_ranges  # noqa: E402
from ui.app import create_application  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.session import Session  # noqa: E402
from workbench.articles import add_article  # noqa: E402
from workbench.store import Store  # noqa: E402
from workbench.verdicts import VERDICTS  # noqa: E402

SIZE, CLAIMS = 1_000_000, 5_000
QUICK_SIZE, QUICK_CLAIMS = 200_000, 1_000
TARGET_S = 0.300  # issue 3: open and show a 1 MB article with 5,000 claims
FRAME_S = 0.016  # issue 3: a verdict or a new claim repainted within one frame


def build_database(path: Path, rng: random.Random, size: int = SIZE,
                   claims: int = CLAIMS) -> tuple[str, list[tuple[int, int]]]:
    """A database with one article of size code points carrying claims; returns its id and the ranges."""
    text = article_text(rng, size)
    ranges = claim_ranges(rng, text, claims)
    with Store.open(path) as store:
        reviewer = store.reviewer("Bench")
        article = add_article(store, text, reviewer_id=reviewer, title="Long article").article
        with store.transaction():
            for start, end in ranges:
                store_claim(store, article, start, end, verdict=rng.choice(VERDICTS), rationale="",
                            reviewer_id=reviewer)
    return article["id"], ranges


def baseline_open(text: str, ranges, runs: int = 5) -> float:
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

    result = median_time(run, runs=runs)
    editor.close()
    return result


def baseline_one_format(text: str, runs: int = 21) -> float:
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

    result = median_time(run, runs=runs)
    editor.close()
    return result


def run(quick: bool = False) -> list[Result]:
    """Open, verdict, mark and peak RSS on one long article; smaller sizes and fewer runs if quick."""
    size, claims = (QUICK_SIZE, QUICK_CLAIMS) if quick else (SIZE, CLAIMS)
    open_runs, key_runs = (3, 11) if quick else (5, 21)
    open_target, frame_target = (None, None) if quick else (TARGET_S, FRAME_S)
    chars, spans = f"{size:,} chars", f"{claims:,} claims"
    rng = random.Random(20261122)
    folder = Path(tempfile.mkdtemp())
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    app = create_application()
    article_id, ranges = build_database(folder / "bench.db", rng, size, claims)
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

    opened = median_time(open_article, runs=open_runs, setup=leave)
    results = [Result("open an article with its claims and paint", f"{chars}, {spans}", opened,
                      baseline_open(text, ranges, open_runs), target=open_target, runs=open_runs)]
    window.go_to(article_id, None)
    app.processEvents()
    first = sorted(window.reader.claims.values(), key=lambda c: c["start"])[0]
    window.select_claim(first["id"])
    one_format = baseline_one_format(text, key_runs)  # its own window: run it before focusing ours again
    window.activateWindow()
    QTest.qWaitForWindowActive(window)
    window.reader.setFocus()
    keys = iter([Qt.Key.Key_1, Qt.Key.Key_2] * key_runs)

    def verdict():
        QTest.keyClick(window.reader, next(keys))
        window.reader.viewport().repaint()

    results.append(Result("set a verdict (key press to repaint)", spans, median_time(verdict, runs=key_runs),
                          one_format, target=frame_target, runs=key_runs))
    history = session.store.query("SELECT count(*) AS n FROM verdict_history WHERE claim_id = ?", [first["id"]])
    assert history[0]["n"] >= key_runs - 1, "the verdict keys did not reach the window"
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
    results.append(Result("mark a claim (Enter to repaint)", spans,
                          median_time(mark, runs=key_runs, setup=select_free), one_format,
                          target=frame_target, runs=key_runs))
    assert len(window.reader.claims) == before + key_runs, "Enter did not mark claims"
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results.append(Result("peak memory (RSS) with the article open", f"{chars}, {spans}", rss, unit="MB"))
    window.close()
    app.processEvents()
    session.store.close()
    shutil.rmtree(folder, ignore_errors=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_SIZE:,} chars and {QUICK_CLAIMS:,} claims")
    print_table(run(parser.parse_args().quick))


if __name__ == "__main__":
    main()
