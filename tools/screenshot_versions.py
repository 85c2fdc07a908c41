"""Render the window on a corrected article: the versions bar, a claim's changed wording, what could not be placed.

Usage: QT_QPA_PLATFORM=offscreen python tools/screenshot_versions.py OUT.png [--dark] [--size 1280x800]
       [--old] (the superseded version instead) [--claims] (the claim list in front)
       [--message] (the carry report's message box instead)
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

from tools.screenshot import CLAIMS, add_demo_evidence  # noqa: E402
from ui import palette  # noqa: E402
from ui.app import create_application  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from workbench import articles, claims  # noqa: E402
from workbench.seeds import open_database  # noqa: E402
from workbench.workspace import Workspace  # noqa: E402

EDITS = [  # what the correction changed: words in three claims, a sentence gone with its claim
    ("spotted near the border with Poland", "spotted close to the border with Poland"),
    ("Operation Baltic Sentry in January", "Operation Baltic Sentry in mid-January"),
    ("regular cyberattacks targeting", "regular cyber-attacks targeting"),
    (" Despite the readiness of air forces in the region, the Russian jets reportedly returned without incident.", ""),
    ("As diplomatic efforts continue", "Correction: an earlier version misreported the jets' return.\n"
                                       "As diplomatic efforts continue"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--dark", action="store_true")
    parser.add_argument("--size", default="1280x800")
    parser.add_argument("--old", action="store_true")
    parser.add_argument("--message", action="store_true")
    parser.add_argument("--claims", action="store_true")
    args = parser.parse_args()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    app = create_application()
    palette.apply(app, args.dark)
    folder = Path(tempfile.mkdtemp())
    store = open_database(folder / "demo.db", reviewer="Ana Lopez")
    reviewer_id = store.reviewer("Ana Lopez")
    article = articles.list_articles(store)[0]
    body = articles.get_article(store, article["id"])["body"]
    made = []
    for phrase, verdict, rationale in CLAIMS:
        start = body.index(phrase)
        made.append(claims.add_claim(store, article["id"], start, start + len(phrase), reviewer_id=reviewer_id,
                                     verdict=verdict, rationale=rationale))
    add_demo_evidence(store, reviewer_id, made)
    corrected = body
    for old, new in EDITS:
        corrected = corrected.replace(old, new)
    (folder / "corrected.txt").write_text(corrected, encoding="utf-8")
    window = MainWindow(Workspace(store, "Ana Lopez"))
    width, height = (int(v) for v in args.size.split("x"))
    window.resize(width, height)
    window.show()
    window.go_to(article["id"], made[0]["id"])
    if args.message:
        QTimer.singleShot(0, lambda: window.corrections.import_version(str(folder / "corrected.txt"), article["id"]))
        grab_message(app, args.out)
        return
    _, report = window.workspace.import_new_version(str(folder / "corrected.txt"), article["id"])
    sentry = window.workspace.counterpart(made[2]["id"], report.article_id)
    window.go_to(report.article_id, sentry)
    window.claim_tabs.show_orphans()
    window.orphans.select(None)
    if args.claims:
        window.claim_tabs.setCurrentIndex(0)
    if args.old:
        window.corrections.older_version()
        window.claim_tabs.setCurrentIndex(0)
    for _ in range(3):  # layouts that wait on wrapped text settle over a few rounds
        app.processEvents()
    window.grab().save(str(args.out))
    window.close()


def grab_message(app, out: Path) -> None:
    """Wait for the carry report's message box, save it, close it."""
    def look() -> None:
        box = next((w for w in app.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()), None)
        if box is None:
            QTimer.singleShot(50, look)
            return
        box.grab().save(str(out))
        box.accept()
        app.quit()

    QTimer.singleShot(50, look)
    app.exec()


if __name__ == "__main__":
    main()
