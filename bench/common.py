"""Timing helpers and the result table shared by the benchmarks."""

import statistics
import time
from dataclasses import dataclass


@dataclass
class Result:
    """One benchmark line: operation, size, median seconds, the raw baseline's median, a target.

    `target` is the most the operation may take (in the same unit) to meet the figure set in the
    issues; None when no issue sets one. A baseline is the raw operation timed in the same process.
    """

    operation: str
    size: str
    median_s: float
    baseline_s: float | None = None
    unit: str = "s"
    target: float | None = None
    runs: int | None = None
    spread: tuple[float, float] | None = None  # the fastest and slowest run

    @property
    def ratio(self) -> float | None:
        return self.median_s / self.baseline_s if self.baseline_s else None

    def row(self) -> str:
        ratio = f"{self.ratio:.2f}x" if self.ratio is not None else "—"
        base = _fmt(self.baseline_s, self.unit) if self.baseline_s else "—"
        target = f"< {_fmt(self.target, self.unit)}" if self.target is not None else "—"
        runs = str(self.runs) if self.runs else "—"
        spread = f"{_fmt(self.spread[0], self.unit)}–{_fmt(self.spread[1], self.unit)}" if self.spread else "—"
        return (f"| {self.operation} | {self.size} | {_fmt(self.median_s, self.unit)} | {spread} | {runs} | "
                f"{base} | {ratio} | {target} |")


def _fmt(value: float, unit: str) -> str:
    if unit == "MB":
        return f"{value:.0f} MB"
    if value < 0.01:
        return f"{value * 1000:.2f} ms"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def run_times(fn, runs: int = 5, setup=None, teardown=None) -> list[float]:
    """Wall time of fn() in each of runs (setup() before and teardown() after each run, not timed)."""
    times = []
    for _ in range(runs):
        if setup:
            setup()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
        if teardown:
            teardown()
    return times


def median_time(fn, runs: int = 5, setup=None, teardown=None) -> float:
    """Median wall time of fn() over runs (setup() before and teardown() after each run, not timed)."""
    return statistics.median(run_times(fn, runs, setup, teardown))


def timed(operation: str, size: str, times: list[float], baseline: float | None = None, **fields) -> Result:
    """A Result from the times of each run: their median and their spread."""
    return Result(operation, size, statistics.median(times), baseline, runs=len(times),
                  spread=(min(times), max(times)), **fields)


def print_table(results: list[Result]) -> None:
    """Print results as a Markdown table."""
    print("| operation | size | median | fastest–slowest | runs | raw baseline | ratio | target |")
    print("|---|---|---|---|---|---|---|---|")
    for result in results:
        print(result.row())


def verdicts(results: list[Result], max_ratio: float = 3.0) -> list[str]:
    """One line per target: the issue's figure and, where there is a baseline, the 3x ratio."""
    lines = []
    for r in results:
        if r.target is not None:
            met = r.median_s < r.target
            lines.append(f"- {r.operation}: {_fmt(r.median_s, r.unit)} against < {_fmt(r.target, r.unit)}: "
                         f"{'met' if met else 'NOT met'}")
        if r.ratio is not None:
            met = r.ratio <= max_ratio
            lines.append(f"- {r.operation}: {r.ratio:.2f}x the raw baseline against within {max_ratio:g}x: "
                         f"{'met' if met else 'NOT met'}")
    return lines


def store_claim(store, article: dict, start: int, end: int, *, verdict: str, rationale: str,
                reviewer_id: str) -> dict:
    """Insert one benchmark claim (and its verdict history when judged) without the per-call checks."""
    from workbench.text import quote_at

    quote = quote_at(article["body"], start, end)
    row = store.insert("claims", {
        "article_id": article["id"], "start": start, "end": end, "quote": quote.exact,
        "prefix": quote.prefix, "suffix": quote.suffix, "verdict": verdict, "rationale": rationale,
        "created_by": reviewer_id, "updated_by": reviewer_id})
    if verdict != "pending":
        store.insert("verdict_history", {"claim_id": row["id"], "from_verdict": "pending",
                                         "to_verdict": verdict, "created_by": reviewer_id})
    return row
