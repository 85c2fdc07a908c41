"""Render the main window offscreen with claims in every verdict and their evidence, for the README and review.

Usage: QT_QPA_PLATFORM=offscreen python tools/screenshot.py OUT.png [--dark] [--size 1280x800]
       [--sync synced|syncing|offline]   (the team-server indicator in that state)
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QBuffer, QIODevice, QRect, QSettings, Qt  # noqa: E402
from PySide6.QtGui import QColor, QFont, QImage, QPainter  # noqa: E402

from ui import palette  # noqa: E402
from ui.app import create_application  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from workbench.workspace import Workspace  # noqa: E402
from workbench import articles, claims, evidence  # noqa: E402
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
EVIDENCE = {  # claim index -> evidence items (fictional sources on example domains)
    0: [dict(url="https://operational-command.example/posts/1842", title="Operational Command statement",
             publisher="Polish Armed Forces Operational Command", stance="supports", reliability="reliable",
             excerpt="Four Russian Su-30 aircraft were observed near the border; Polish and allied "
                     "aircraft were scrambled.", image="statement.png")],
    1: [dict(url="https://news.example/interviews/dragone", title="Interview: “Being proactive is not aggression”",
             publisher="Financial Daily", stance="refutes", reliability="reliable",
             excerpt="The admiral spoke of proactive cyber defence, not of pre-emptive military strikes.",
             note="Full transcript checked against the audio.", image="interview.png", pdf="transcript.pdf"),
        dict(url="https://nato.example/news/baltic-sentry", title="Baltic Sentry: enhanced vigilance activity",
             publisher="NATO press office", stance="context", reliability="reliable",
             excerpt="Allies launched Baltic Sentry to protect critical undersea infrastructure."),
        dict(url="https://blog.example/2025/strike-plans", title="NATO is preparing first strikes, insiders say",
             publisher="anonymous blog", stance="supports", reliability="unreliable",
             excerpt="Insiders say the alliance has drawn up plans for first strikes.")],
}


def demo_image(title: str, lines: list[str]) -> bytes:
    """A small PNG that looks like a captured web page, to show as an attachment thumbnail."""
    image = QImage(480, 300, QImage.Format.Format_RGB32)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    painter.fillRect(0, 0, 480, 56, QColor("#1d3f72"))
    painter.setPen(QColor("#ffffff"))
    painter.setFont(QFont("DejaVu Sans", 20, QFont.Weight.Bold))
    painter.drawText(QRect(18, 0, 460, 56), Qt.AlignmentFlag.AlignVCenter, title)
    painter.setPen(QColor("#222222"))
    painter.setFont(QFont("DejaVu Sans", 13))
    for number, line in enumerate(lines):
        painter.drawText(18, 96 + number * 30, line)
    painter.fillRect(18, 230, 300, 10, QColor("#d0d7e2"))
    painter.fillRect(18, 252, 380, 10, QColor("#d0d7e2"))
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data())


def add_demo_evidence(store, reviewer_id: str, made: list[dict]) -> None:
    """Give some demo claims evidence, with pictures and a PDF attached."""
    for index, items in EVIDENCE.items():
        for item in items:
            fields = {k: v for k, v in item.items() if k not in ("image", "pdf")}
            row = evidence.add_evidence(store, made[index]["id"], reviewer_id=reviewer_id, **fields)
            if item.get("image"):
                data = demo_image(fields["publisher"][:28], [fields["title"][:44], "", fields["excerpt"][:48],
                                                            fields["excerpt"][48:96]])
                evidence.attach_bytes(store, row["id"], data, item["image"], reviewer_id=reviewer_id)
            if item.get("pdf"):
                evidence.attach_bytes(store, row["id"], b"%PDF-1.4\n% demo transcript\n%%EOF\n", item["pdf"],
                                      reviewer_id=reviewer_id)


def show_sync(window, state: str) -> None:
    """Connect to a port nothing listens on (really offline), then show the indicator in `state`."""
    import socket
    import time

    from workbench import ids
    from workbench.sync import SyncStatus

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    window.team.connect_to(f"postgresql://ana@127.0.0.1:{port}/factcheck_desk")
    deadline = time.monotonic() + 10
    while window.team.status.state != "offline" and time.monotonic() < deadline:
        create_application().processEvents()
        time.sleep(0.05)
    if state != "offline":  # how the other states look (the server above never answers)
        window.team._show_status(window.team.background, SyncStatus(state, ids.now(), "nothing new came in"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--dark", action="store_true")
    parser.add_argument("--size", default="1280x800")
    parser.add_argument("--sync", choices=("synced", "syncing", "offline"))
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
    add_demo_evidence(store, reviewer_id, made)
    shown = evidence.evidence_for(store, made[1]["id"])[0]["id"]
    window = MainWindow(Workspace(store, "Ana Lopez"))
    width, height = (int(v) for v in args.size.split("x"))
    window.resize(width, height)
    window.show()
    window.go_to(article["id"], made[1]["id"])
    window.detail.evidence.select_evidence(shown)
    window.detail.evidence.strip.setCurrentRow(0)
    if args.sync:
        show_sync(window, args.sync)
    app.processEvents()
    window.grab().save(str(args.out))
    window.close()


if __name__ == "__main__":
    main()
