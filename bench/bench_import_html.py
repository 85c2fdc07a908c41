"""HTML import speed: python bench/bench_import_html.py [--quick]

A long news page (article paragraphs inside nested divs, with a header, navigation, links, a
sidebar and a footer) imported with import_html at 5 MB and 20 MB, against a raw floor run in the
same process: lxml parsing the page and reading its text (what any extraction must at least do).
Target (issue 16): 20 MB under 5 s, growing linearly.
"""

import argparse
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Result, median_time, print_table, verdicts  # noqa: E402
from bench.corpus import article_text  # noqa: E402


def page(size: int, seed: int = 3) -> str:
    """About `size` characters of HTML: a realistic article page scaled up."""
    rng = random.Random(seed)
    paragraphs = [p for p in article_text(rng, int(size * 0.8)).split("\n") if p]
    body = []
    for i, paragraph in enumerate(paragraphs):
        body.append(f'<div class="para"><p>{paragraph} <a href="/story/{i}">Read more</a></p></div>')
        if i % 50 == 0:
            body.append(f"<h2>Section {i // 50}</h2>")
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Long report | The Ledger</title>"
            "<meta property='article:published_time' content='2024-05-01T08:00:00Z'></head><body>"
            "<header><nav><a href='/'>Home</a> <a href='/world'>World</a></nav></header><main><article>"
            "<h1>Long report</h1>" + "\n".join(body) + "</article></main><aside><a href='/x'>Most read</a></aside>"
            "<footer>© 2025 The Ledger</footer></body></html>")


def run(quick: bool = False) -> list[Result]:
    """The HTML import rows of the benchmark table."""
    import lxml.html

    from workbench.importers import import_html
    from workbench.store import Store

    folder = Path(tempfile.mkdtemp(prefix="bench-html-"))
    results = []
    sizes = [1_000_000, 4_000_000] if quick else [5_000_000, 20_000_000]
    runs = 3
    for size in sizes:
        html = page(size)
        count = iter(range(100))

        def ours():
            with Store.open(folder / f"html-{size}-{next(count)}.db") as store:
                import_html(store, html, reviewer_id=store.reviewer("Bench"), source="page.html")

        def raw():
            lxml.html.document_fromstring(html).text_content()

        target = 5.0 if size == 20_000_000 else None
        results.append(Result("import an HTML page (import_html)", f"{len(html) / 1e6:.1f} MB",
                              median_time(ours, runs), median_time(raw, runs), target=target, runs=runs))
    small, large = results
    growth = (large.median_s / small.median_s) / (sizes[1] / sizes[0])
    print(f"# growth from {sizes[0]:,} to {sizes[1]:,}: {growth:.2f}x linear", file=sys.stderr)
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    results = run(parser.parse_args().quick)
    print_table(results)
    print()
    print("\n".join(line for line in verdicts(results) if "raw baseline" not in line))
