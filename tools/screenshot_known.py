"""Render what the desk already knows, offscreen, for review: the reader's margin marks with the Checked
Before tab (and a verdict offered after adopting a match), and Article ▸ Compare With… on the two samples.

Usage: QT_QPA_PLATFORM=offscreen python tools/screenshot_known.py OUT_FOLDER [--dark] [--size 1280x800]
Writes known.png (the main window) and compare.png (the comparison dialog) into OUT_FOLDER.
"""

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from ui import palette  # noqa: E402
from ui.app import create_application  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from workbench import articles, claims  # noqa: E402
from workbench.seeds import open_database  # noqa: E402
from workbench.workspace import Workspace  # noqa: E402

FACT_CHECKS = [  # fictional reviews on example domains, about the sample articles' story
    ("NATO is preparing pre-emptive strikes against Russia.", "Misleading", "Alliance Watch",
     "https://factcheck.example/nato-pre-emptive", "2024-11-25"),
    ("Four Russian fighter jets were spotted near the border with Poland.", "True", "Baltic Fact Desk",
     "https://baltic-facts.example/jets-poland", "2024-11-20"),
    ("Article 5 of the North Atlantic Treaty says an attack on one member is an attack on all.", "Correct",
     "Treaty Check", "https://treaty-check.example/article-5", "2023-04-02"),
    ("Russian drones entered Nato airspace.", "Mostly True", "Sky Check", "https://sky-check.example/drones",
     "2024-09-14"),
    ("Maria Zakharova said the admiral's comments were extremely irresponsible.", "Correct Attribution",
     "Quote Desk", "https://quotes.example/zakharova", "2024-11-22"),
]
JUDGED = [  # (phrase in the first sample article, verdict)
    ("Nato is weighing up whether to launch pre-emptive strikes against Russia", "disputed"),
    ("the alliance is exploring a shift towards more aggressive tactics", "unverifiable"),
]


def feed(folder: Path) -> Path:
    """The fact-checks as one ClaimReview file."""
    path = folder / "fact-checks.json"
    path.write_text(json.dumps([{"@type": "ClaimReview", "claimReviewed": claim, "url": url, "datePublished": date,
                                 "author": {"@type": "Organization", "name": by},
                                 "reviewRating": {"alternateName": rating}}
                                for claim, rating, by, url, date in FACT_CHECKS]), encoding="utf-8")
    return path


def wait(app, window) -> None:
    """Let the background answers arrive and be painted."""
    for _ in range(200):
        window.workspace.known.wait_idle(10)
        app.processEvents()
        if not window.tasks.busy() and window.workspace.known.wait_idle(0):
            break
        QTest.qWait(20)
    QTest.qWait(50)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--dark", action="store_true")
    parser.add_argument("--size", default="1280x800")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp())
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    app = create_application()
    palette.apply(app, args.dark)
    store = open_database(folder / "demo.db", reviewer="Ana Lopez")
    reviewer_id = store.reviewer("Ana Lopez")
    first, second = articles.list_articles(store)[:2]
    body = articles.get_article(store, first["id"])["body"]
    for phrase, verdict in JUDGED:
        start = body.index(phrase)
        claims.add_claim(store, first["id"], start, start + len(phrase), reviewer_id=reviewer_id, verdict=verdict)
    workspace = Workspace(store, "Ana Lopez")
    workspace.import_sources([str(feed(folder))])
    window = MainWindow(workspace)
    width, height = (int(v) for v in args.size.split("x"))
    window.resize(width, height)
    window.show()
    window.go_to(second["id"], None)
    wait(app, window)
    second_body = window.article["body"]
    phrase = "pre-emptive strike options against Russia"
    start = second_body.index(phrase)
    window.reader.select_range(start, start + len(phrase))
    window.mark_claim()
    window.detail.tabs.setCurrentWidget(window.known.panel)
    wait(app, window)
    window.known.panel.adopt()
    wait(app, window)
    window.grab().save(str(args.out / "known.png"))
    window.compare_with()
    dialog = window.compare_dialog
    index = dialog.choice.findData(first["id"])
    dialog.choice.setCurrentIndex(index)
    wait(app, window)
    for _ in range(2):
        dialog.step(+1)
    app.processEvents()
    dialog.grab().save(str(args.out / "compare.png"))
    dialog.close()
    window.close()


if __name__ == "__main__":
    main()
