"""What the desk already knows, in the window: opening a long article while its marks are found in the
background, the marks arriving, Checked Before for a claim, a key press while marks are being found,
and comparing two long articles. Run: python bench/bench_known.py [--quick]

The database holds the 10,375 CLEF 2020 CheckThat! verified claims as fact-checks (imported through the
real importer, as bench_matching does) and one article of 1,000,000 characters (200,000 with --quick)
with 50 fact-checked sentences planted in it, plus a reshuffled copy of it to compare with. Each case
is timed in the window (medians, fastest–slowest) next to its floor, run in the same process:
- opening: a bare QTextEdit given the same text and painted (the marks must not be waited for);
- marks arriving: KnownSentences.find on the same text with a warm index (the work itself);
- Checked Before: checked_before() on a warm matcher on this thread;
- a verdict key while marks are found: the same key press with the worker idle;
- comparing: workbench.compare.compare() on the same two texts.
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QEventLoop, QObject, QSettings, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QTextEdit  # noqa: E402

from bench.claim_retrieval import DATA, imported_store, verified_claims  # noqa: E402
from bench.common import Result, print_table, run_times, timed, verdicts  # noqa: E402
from bench.corpus import article_text  # noqa: E402

OPEN_TARGET_S = 0.300  # issue 3: open and show a 1 MB article
FRAME_S = 0.016  # an action shows its result within one frame
MATCH_S = 0.050  # issue 13: a query over 10,000 fact-checks and 20,000 claims answers in under 50 ms
PLANTED = 50


def long_articles(store, size: int) -> tuple[str, str, str]:
    """An article of size code points with fact-checked sentences planted, and a reshuffled copy; their
    ids and the first one's text."""
    from workbench.articles import add_article

    rng = random.Random(13)
    facts = [r[0] for r in store.conn.execute("SELECT claim FROM fact_checks ORDER BY seq LIMIT 400")]
    paragraphs = article_text(rng, size).split("\n")
    for fact in rng.sample(facts, PLANTED):
        paragraphs.insert(rng.randrange(len(paragraphs)), " ".join(fact.split()))
    body = "\n".join(paragraphs)[:size].rstrip()
    shuffled = body.split("\n")
    rng.shuffle(shuffled)
    copy = "\n".join(p.replace(" said ", " stated ", 1) for p in shuffled)
    reviewer_id = store.reviewer("Bench")
    first = add_article(store, body, reviewer_id=reviewer_id, title="Long article").article["id"]
    second = add_article(store, copy, reviewer_id=reviewer_id, title="Long article, retold").article["id"]
    return first, second, body


class _Waker(QObject):
    """Quits an event loop from the GUI thread: a signal from the worker reaches it queued, after the
    window's own slots (a plain function would be called on the worker's thread, before them)."""

    def __init__(self, loop: QEventLoop):
        super().__init__()
        self.loop = loop

    def wake(self, *_args) -> None:
        self.loop.quit()


def settle(signal, until, timeout_ms: int = 120_000) -> None:
    """Wait in an event loop, as the window idles, until until() holds (checked each time signal fires)."""
    loop = QEventLoop()
    waker = _Waker(loop)
    wake = waker.wake
    signal.connect(wake)
    QTimer.singleShot(timeout_ms, loop.quit)
    try:
        deadline = time.perf_counter() + timeout_ms / 1000
        while not until():
            if time.perf_counter() > deadline:
                raise TimeoutError("the window did not get there")
            loop.exec()
    finally:
        signal.disconnect(wake)


def baseline_open(text: str, runs: int) -> float:
    """A bare QTextEdit given the same text and painted."""
    editor = QTextEdit()
    editor.resize(640, 700)
    editor.show()

    def run():
        editor.setPlainText(text)
        editor.viewport().repaint()

    times = run_times(run, runs=runs, setup=lambda: editor.setPlainText(""))
    editor.close()
    return sorted(times)[len(times) // 2]


def run(quick: bool = False) -> list[Result]:
    """Every case; a smaller article and fewer runs if quick (none, and a note on stderr, without the data)."""
    from ui.app import create_application
    from ui.main_window import MainWindow
    from workbench.checked_before import KnownSentences, checked_before
    from workbench.compare import compare
    from workbench.matching import Matcher
    from workbench.store import Store
    from workbench.workspace import Workspace

    if not (DATA / "verified_claims.docs.tsv").exists():
        print(f"# bench_known skipped: no CLEF claims in {DATA}", file=sys.stderr)
        return []
    size, runs = (200_000, 3) if quick else (1_000_000, 5)
    folder = Path(tempfile.mkdtemp())
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    app = create_application()
    QSettings().setValue("reviewer", "Ana")
    store, _ = imported_store(verified_claims())
    first, second, body = long_articles(store, size)
    path = store.path
    store.close()
    facts = "10,375 fact-checks"
    chars = f"{size:,} characters"
    window = MainWindow(Workspace(Store.open(path), "Ana"))
    window.resize(1280, 800)
    window.show()
    window.activateWindow()
    QTest.qWaitForWindowActive(window)
    service = window.workspace.known
    margin = window.known.margin
    results = []

    start = time.perf_counter()  # the first marks: the worker opens the database and builds its index
    window.go_to(first, None)
    settle(window.known.relay.sentencesFound, lambda: margin.marks)
    first_marks = time.perf_counter() - start
    assert len(margin.marks) >= PLANTED // 2, f"only {len(margin.marks)} of {PLANTED} planted sentences marked"

    def leave():
        window.open_article(None)
        service.wait_idle(120)
        app.processEvents()

    def open_article():
        window.go_to(first, None)
        window.reader.viewport().repaint()

    results.append(timed("open a long article (its marks asked for, not awaited)", f"{chars}; {facts}",
                         run_times(open_article, runs=runs, setup=leave), baseline_open(body, runs),
                         target=None if quick else OPEN_TARGET_S))

    def marks_arrive():
        window.go_to(first, None)
        settle(window.known.relay.sentencesFound, lambda: margin.marks)

    with_index = Matcher(Store.open(path))
    known = KnownSentences(with_index)
    results.append(timed("margin marks arrive after opening (worker thread, in parts)", f"{chars}; {facts}",
                         run_times(marks_arrive, runs=runs, setup=leave),
                         statistics.median(run_times(lambda: known.find(body, article_id=first), runs=runs))))
    results.append(Result("first marks after start (the worker's index built too)", f"{chars}; {facts}",
                          first_marks, runs=1))

    window.go_to(first, None)
    service.wait_idle(120)
    app.processEvents()
    body_start = body.index(". ") + 2
    claim_id = window.workspace.mark(first, body_start, body.index(".", body_start) + 1)
    other = window.workspace.mark(first, 0, body.index(" ", 20))
    panel = window.known.panel
    picks = iter([claim_id, other] * runs)

    def select():
        window.select_claim(next(picks))
        settle(window.known.relay.matchesFound, lambda: panel.status.isHidden() or "Nothing" in panel.status.text())
        panel.list.viewport().repaint()

    results.append(timed("Checked Before: select a claim to its list shown", f"{facts} + the claims of {chars}",
                         run_times(select, runs=runs, setup=lambda: (service.wait_idle(60), app.processEvents())),
                         statistics.median(run_times(lambda: checked_before(with_index, claim_id), runs=runs)),
                         target=None if quick else MATCH_S))

    window.reader.setFocus()
    keys = iter([Qt.Key.Key_1, Qt.Key.Key_2] * (2 * runs + 2))

    def press():
        QTest.keyClick(window.reader, next(keys))
        window.reader.viewport().repaint()

    idle = run_times(press, runs=runs, setup=lambda: service.wait_idle(60))

    def busy():
        service.ask_sentences(first, body)  # the worker is finding the marks while the key is pressed
        time.sleep(0.05)

    results.append(timed("set a verdict while marks are found (key to repaint)", chars,
                         run_times(press, runs=runs, setup=busy), statistics.median(idle),
                         target=None if quick else FRAME_S))
    service.wait_idle(120)

    window.compare_with()
    dialog = window.compare_dialog
    second_title = "Long article, retold"

    def compare_them():
        dialog.choice.setCurrentIndex(dialog.choice.findText(second_title))
        settle(dialog.model.modelReset, lambda: dialog.model.rowCount() > 0 and not window.tasks.busy())
        dialog.view.viewport().repaint()

    def reset():
        dialog.choice.blockSignals(True)
        dialog.choice.setCurrentIndex(-1)
        dialog.choice.blockSignals(False)
        dialog.model.set_comparison(None, ("", ""))

    compared = window.workspace.compare_articles(first, second)
    texts = (compared.left, compared.right)
    compare_runs = max(1, runs // 2)
    results.append(timed("compare two long articles (choose to rows painted)", f"2 x {chars}",
                         run_times(compare_them, runs=compare_runs, setup=reset),
                         statistics.median(run_times(lambda: compare(*texts), runs=compare_runs))))
    window.close()
    app.processEvents()
    shutil.rmtree(folder, ignore_errors=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller article, fewer runs")
    results = run(parser.parse_args().quick)
    print_table(results)
    print()
    print("\n".join(verdicts(results)))


if __name__ == "__main__":
    main()
