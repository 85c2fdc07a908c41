"""Every benchmark in one table: python bench/run.py [--quick]

Runs bench_workspace (first, so that its peak RSS is the program's with the long article open),
bench_startup, bench_core, bench_merge, bench_overlaps, bench_anchoring (which also prints its threshold curve),
bench_publish, bench_known and bench_sync in this one process and prints one Markdown table: operation, size,
median of several runs, the number of runs, the raw baseline timed in the same process, the
ratio, and the target the issues set. Then one line per target: met or not. --quick uses
smaller sizes (a smoke run of a few seconds; the targets only apply to the full sizes).
bench_sync needs the PostgreSQL server programs (Debian's `postgresql` package); without them it
says so on stderr and adds no lines.
"""

import argparse
import os
import platform
import sqlite3
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import (bench_anchoring, bench_core, bench_known, bench_merge, bench_overlaps,  # noqa: E402
                   bench_publish, bench_startup, bench_sync, bench_workspace)
from bench.common import print_table, verdicts  # noqa: E402


def machine() -> str:
    """One line naming what the figures were measured on."""
    import PySide6

    return (f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}, PySide6 {PySide6.__version__}, Qt platform "
            f"{os.environ['QT_QPA_PLATFORM']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer runs")
    quick = parser.parse_args().quick
    start = time.perf_counter()
    results = []
    for module in (bench_workspace, bench_startup, bench_core, bench_merge, bench_overlaps, bench_anchoring,
                   bench_publish, bench_known, bench_sync):
        print(f"# running {module.__name__} ...", file=sys.stderr, flush=True)
        results.extend(module.run(quick))
    print(f"# {machine()}; {'--quick, ' if quick else ''}all benchmarks took {time.perf_counter() - start:.0f} s")
    print()
    print_table(results)
    print()
    print("\n".join(verdicts(results)))


if __name__ == "__main__":
    main()
