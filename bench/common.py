"""Timing helpers and the result table shared by the benchmarks."""

import statistics
import time
from dataclasses import dataclass


@dataclass
class Result:
    """One benchmark line: operation, size, median seconds, and the raw baseline's median."""

    operation: str
    size: str
    median_s: float
    baseline_s: float | None = None
    unit: str = "s"

    def row(self) -> str:
        ratio = f"{self.median_s / self.baseline_s:.2f}x" if self.baseline_s else "—"
        base = _fmt(self.baseline_s, self.unit) if self.baseline_s else "—"
        return f"| {self.operation} | {self.size} | {_fmt(self.median_s, self.unit)} | {base} | {ratio} |"


def _fmt(value: float, unit: str) -> str:
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def median_time(fn, runs: int = 5, setup=None) -> float:
    """Median wall time of fn() over runs (setup() before each run, not timed)."""
    times = []
    for _ in range(runs):
        if setup:
            setup()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def print_table(results: list[Result]) -> None:
    """Print results as a Markdown table."""
    print("| operation | size | median | raw baseline | ratio |")
    print("|---|---|---|---|---|")
    for result in results:
        print(result.row())
