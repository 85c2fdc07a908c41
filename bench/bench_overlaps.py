"""Grouping disagreements on an article with many overlapping claims by two reviewers.

Run: python bench/bench_overlaps.py [--quick]

10,000 claims by two reviewers, all overlapping (every claim covers the middle of the text, as
in the worst merged file the issue describes): `disagreements.find_disagreements` groups them
(one sort and a sweep) and flags the group. The raw floor is sorting the same spans by start,
which any sweep must do. Memory: the peak Python allocation (tracemalloc) while grouping a
merged article of 1,000,000 claims (100,000 with --quick), where a pairwise method would hold
about n²/2 pairs.
"""

import argparse
import random
import sys
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Result, median_time, print_table  # noqa: E402
from workbench.disagreements import find_disagreements  # noqa: E402

CLAIMS, QUICK_CLAIMS = 10_000, 2_000
BIG, QUICK_BIG = 1_000_000, 100_000
TARGET_S = 0.1  # issue 16: grouping 10,000 overlapping claims by two reviewers well under 0.1 s
TARGET_MB = 300.0  # issue 16: an article with many overlapping claims opens under 300 MB


def rows(count: int, seed: int = 16) -> list[dict]:
    """count claims by two reviewers, every one covering the middle of a long text."""
    rng = random.Random(seed)
    result = []
    for n in range(count):
        start = rng.randrange(0, 500_000)
        result.append({"id": f"c{n:07}", "start": start, "end": 1_000_000 - rng.randrange(0, 400_000),
                       "created_by": "ana" if n % 2 else "bo", "verdict": "verified" if n % 3 else "disputed"})
    return result


def run(quick: bool = False, verbose: bool = False) -> list[Result]:
    """Grouping time against sorting the spans, and the memory of grouping a huge article."""
    count, big = (QUICK_CLAIMS, QUICK_BIG) if quick else (CLAIMS, BIG)
    claims = rows(count)
    names = {"ana": "Ana", "bo": "Bo"}
    ours = median_time(lambda: find_disagreements(claims, names), runs=5)
    floor = median_time(lambda: sorted((c["start"], c["end"]) for c in claims), runs=5)
    [found] = find_disagreements(claims, names)
    assert len(found.claim_ids) == count
    huge = rows(big)
    tracemalloc.start()
    find_disagreements(huge, names)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    if verbose:
        print(f"# {count:,} claims grouped into one disagreement; {big:,} claims: {peak:.0f} MB at the peak")
    return [Result("group disagreements among overlapping claims", f"{count:,} claims, 2 reviewers", ours, floor,
                   target=TARGET_S if not quick else None, runs=5),
            Result("memory of grouping a merged article (Python peak)", f"{big:,} claims", peak, unit="MB",
                   target=TARGET_MB if not quick else None)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    print_table(run(parser.parse_args().quick, verbose=True))


if __name__ == "__main__":
    main()
