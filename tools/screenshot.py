"""Render the main window offscreen with claims in every verdict, for the README and for review.

Usage: QT_QPA_PLATFORM=offscreen python tools/screenshot.py OUT.png [--dark] [--size 1280x800]
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QSettings  # noqa: E402

from ui import palette  # noqa: E402
from ui.app import create_application  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.session import Session  # noqa: E402
from workbench import articles, claims  # noqa: E402
from workbench.seeds import open_database  # noqa: E402

CLAIMS = [  # (phrase in the first seed article, verdict, rationale)
    ("Four Russian fighter jets were spotted near the border with Poland", "verified",
     "Polish Operational Command confirmed the sortie on its official account."),
    ("a top military official has warned", "disputed",
     "The admiral's remarks were about *proactive* cyber defence, per the FT interview."),
    ("Nato launched Operation Baltic Sentry in January", "verified", ""),
    ("the Russian jets reportedly returned without incident", "unverifiable",
     "No independent tracking data found."),
    ("regular cyberattacks targeting various European countries", "pending", ""),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--dark", action="store_true")
    parser.add_argument("--size", default="1280x800")
    args = parser.parse_args()
    settings_dir = tempfile.mkdtemp()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings_dir)
    app = create_application()
    palette.apply(app, args.dark)
    store = open_database(Path(tempfile.mkdtemp()) / "demo.db", reviewer="Ana Lopez")
    reviewer_id = store.reviewer("Ana Lopez")
    article = articles.list_articles(store)[0]
    body = articles.get_article(store, article["id"])["body"]
    made = []
    for phrase, verdict, rationale in CLAIMS:
        start = body.index(phrase)
        made.append(claims.add_claim(store, article["id"], start, start + len(phrase), reviewer_id=reviewer_id,
                                     verdict=verdict, rationale=rationale))
    window = MainWindow(Session(store, "Ana Lopez"))
    width, height = (int(v) for v in args.size.split("x"))
    window.resize(width, height)
    window.show()
    window.go_to(article["id"], made[1]["id"])
    app.processEvents()
    window.grab().save(str(args.out))
    window.close()


if __name__ == "__main__":
    main()
