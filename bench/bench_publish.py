"""Publishing at newsroom scale: the HTML and Markdown reports, the PDF, emphasis-heavy text, export memory.

Run: python bench/bench_publish.py [--quick]   (prints a table; `run(quick)` gives the results to
bench/run.py). Each time is the median of several runs with the spread (min–max) beside it, against
a raw floor timed in the same process:

- HTML / Markdown report of 20,000 claims (write_html / write_markdown to a null stream), against
  the same claim rows joined into text with no escaping (bench_core.raw_report). Target: HTML < 2 s.
- a rationale of 200 KB and 800 KB of `*a* ` (HTML report of that one claim), against markdown-it
  parsing the same text: the report must grow linearly (issue 16: 800 KB took 40 s).
- PDF of 1,000 and 5,000 claims (and 20,000 unless --quick), against Qt laying out the same HTML
  in one document with no pagination. Target: 20,000 claims < 10 s, linear.
- peak RSS of `workbench export` in a child process, every format, at 50,000 claims (5,000 if
  --quick). Target: < 300 MB each.
"""

import argparse
import datetime
import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_core import add_claims, raw_report, write_articles  # noqa: E402
from bench.common import Result, print_table  # noqa: E402
from workbench.importers import import_sources  # noqa: E402
from workbench.report import ReportOptions  # noqa: E402
from workbench.store import Store  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OPTIONS = ReportOptions(include_pending=True, generated=datetime.datetime(2024, 6, 1, tzinfo=datetime.timezone.utc),
                        reviewer="Bench")
FORMATS = ("markdown", "html", "claimreview", "annotations", "pdf")


class Null(io.TextIOBase):
    """A text stream that keeps nothing (the report is measured, not stored)."""

    def write(self, text: str) -> int:
        return len(text)


def timed(fn, runs: int) -> tuple[float, str]:
    """Median seconds of fn() and the spread "min–max"."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), f"{min(times):.2f}–{max(times):.2f} s"


def database(folder: Path, articles: int, claims: int) -> Path:
    """A database of generated articles and claims (the corpus of bench_core)."""
    rng = random.Random(20240601)
    path = folder / f"publish-{claims}.db"
    if path.exists():
        return path
    paths = write_articles(folder / f"articles-{claims}", rng, articles)
    with Store.open(path) as store:
        import_sources(store, [str(p) for p in paths], reviewer_id=store.reviewer("Bench"))
    add_claims(path, rng, claims)
    return path


def reports(path: Path, claims: int, runs: int) -> list[Result]:
    """HTML and Markdown reports against the raw join."""
    import sqlite3

    from workbench.report_html import write_html
    from workbench.report_markdown import write_markdown

    conn = sqlite3.connect(path)
    base, base_spread = timed(lambda: raw_report(conn), runs)
    conn.close()
    out = []
    with Store.open(path) as store:
        for name, write, target in (("HTML", write_html, 2.0), ("Markdown", write_markdown, None)):
            median, spread = timed(lambda: write(store, OPTIONS, Null()), runs)
            out.append(Result(f"{name} report ({spread}; floor {base_spread})", f"{claims:,} claims", median, base,
                              target=target, runs=runs))
    return out


def emphasis(folder: Path, runs: int) -> list[Result]:
    """One claim whose rationale is 200 KB and 800 KB of `*a* `: linear, against markdown-it's parse."""
    from markdown_it import MarkdownIt

    from workbench.articles import add_article
    from workbench.claims import add_claim, set_verdict
    from workbench.report_html import write_html

    out = []
    for size in (200_000, 800_000):
        text = "*a* " * (size // 4)
        with Store.open(folder / f"emphasis-{size}.db") as store:
            rid = store.reviewer("Bench")
            article = add_article(store, "Lead.\nA claim here.", reviewer_id=rid, title="E").article
            claim = add_claim(store, article["id"], 6, 18, reviewer_id=rid, rationale=text)
            set_verdict(store, claim["id"], "verified", reviewer_id=rid)
            parser = MarkdownIt("commonmark", {"html": False})
            base, _ = timed(lambda: parser.parse(text), runs)
            median, spread = timed(lambda: write_html(store, OPTIONS, Null()), runs)
        out.append(Result(f"HTML report, rationale of `*a* ` ({spread})", f"{size // 1000} KB", median, base,
                          runs=runs))
    return out


def pdfs(folder: Path, sizes: list[int], runs: int) -> list[Result]:
    """The PDF exporter against Qt laying out the same HTML once, with no pagination."""
    from PySide6.QtGui import QTextDocument

    from ui import pdf
    from workbench.report import build_html

    pdf._application()
    out = []
    for claims in sizes:
        path = database(folder, max(10, claims // 20), claims)
        with Store.open(path) as store:
            html = build_html(store, OPTIONS)

            def raw() -> None:
                document = QTextDocument()
                document.setDefaultFont(pdf.font("DejaVu Serif", pdf.BASE_FONT_PT))
                document.setHtml(html)
                document.setTextWidth(650)
                document.size()

            base, _ = timed(raw, 1)
            median, spread = timed(lambda: pdf.write_pdf_report(store, OPTIONS, io.BytesIO()), runs)
        out.append(Result(f"PDF report ({spread})", f"{claims:,} claims", median, base,
                          target=10.0 if claims == 20_000 else None, runs=runs))
    return out


# The child's own high-water mark (VmHWM, reset by exec; ru_maxrss would keep this parent's).
CHILD = ("import sys; from ui.launcher import main; code = main(sys.argv[1:]); "
         "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')), file=sys.stderr); "
         "sys.exit(code)")


def memory(folder: Path, claims: int) -> list[Result]:
    """Peak RSS of `workbench export` in a child process, each format."""
    path = database(folder, max(10, claims // 40), claims)
    out = []
    for fmt in FORMATS:
        target = folder / f"out.{fmt}"
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-c", CHILD, "export", str(path), "-f", fmt, "-o", str(target),
                                 "--include-pending"], cwd=ROOT, capture_output=True, text=True,
                                env={**os.environ, "PYTHONPATH": str(ROOT)})
        seconds = time.perf_counter() - start
        assert result.returncode == 0, result.stderr[-2000:]
        peak_mb = int(result.stderr.strip().splitlines()[-1]) / 1024
        out.append(Result(f"peak RSS, `export -f {fmt}` ({seconds:.1f} s, {target.stat().st_size / 1e6:.0f} MB out)",
                          f"{claims:,} claims", peak_mb, unit="MB", target=300.0))
    return out


def run(quick: bool = False) -> list[Result]:
    """Every publishing benchmark (smaller sizes if quick)."""
    claims = 2_000 if quick else 20_000
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        results = reports(database(folder, claims // 20, claims), claims, 3)
        results += emphasis(folder, 3)
        results += pdfs(folder, [200, 1_000] if quick else [1_000, 5_000, 20_000], 1 if not quick else 2)
        results += memory(folder, 5_000 if quick else 50_000)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 claims; PDF at 200 and 1,000; memory at 5,000")
    print_table(run(parser.parse_args().quick))


if __name__ == "__main__":
    main()
