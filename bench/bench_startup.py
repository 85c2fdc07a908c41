"""Cold start: from launching the program on an existing database to its first painted window.

Run: python bench/bench_startup.py [--quick]. Each run is a new process, `python -m workbench DB`
with WORKBENCH_QUIT_WHEN_STARTED (the program quits on the first turn of its event loop, after
the window has been shown and painted), its own settings folder and the offscreen platform. The
raw floor is a new process doing the least a Qt program can: import PySide6, show a bare
QMainWindow holding a QTextEdit, quit on the first turn of the event loop. Both include starting
Python. Target (issue 18): within 2x the bare window.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Result, print_table, timed  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 2.0
BARE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTextEdit
app = QApplication(sys.argv)
window = QMainWindow()
window.setCentralWidget(QTextEdit("A bare window"))
window.resize(1280, 800)
window.show()
QTimer.singleShot(0, app.quit)
sys.exit(app.exec())
"""


def environment(folder: Path) -> dict[str, str]:
    """A child's environment: offscreen, its own settings (a reviewer name already given), quit when started."""
    config = folder / "config" / "FactCheckWorkbench" / "Fact-check Workbench.conf"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[General]\nreviewer=Bench\n", encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(folder / "config"),
           "XDG_DATA_HOME": str(folder / "data"), "WORKBENCH_QUIT_WHEN_STARTED": "1",
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: compiled once, then loaded from __pycache__
    return env


def run_once(command: list[str], env: dict[str, str]) -> float:
    """Seconds from starting the process to its exit (it quits right after its first paint)."""
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, cwd=ROOT)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{command[:3]} failed: {done.stderr[-500:]}")
    return seconds


def run(quick: bool = False) -> list[Result]:
    """Start-up against the bare window, alternating so that both see the same machine."""
    runs = 3 if quick else 9
    folder = Path(tempfile.mkdtemp())
    env = environment(folder)
    database = folder / "bench.db"
    run_once([sys.executable, "-m", "workbench", str(database)], env)  # creates it, with the seeds;
    run_once([sys.executable, "-c", BARE], env)  # and both leave their compiled modules cached
    program, bare = [], []
    for _ in range(runs):
        program.append(run_once([sys.executable, "-m", "workbench", str(database)], env))
        bare.append(run_once([sys.executable, "-c", BARE], env))
    shutil.rmtree(folder, ignore_errors=True)
    floor = sorted(bare)[len(bare) // 2]
    result = timed("cold start to the first painted window", "the seed database", program, floor,
                   target=floor * TARGET_RATIO)
    return [result]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    print_table(run(parser.parse_args().quick))


if __name__ == "__main__":
    main()
