"""The PDF report: Qt's PDF writer, pages as expected, the quotes in its text, the CLI."""

import datetime
import re
import os
import subprocess
import sys
from pathlib import Path

import pypdf

from ui.launcher import main
from ui.pdf import render_pdf, write_pdf
from workbench.articles import add_article
from workbench.claims import add_claim, set_verdict
from workbench.report import ReportOptions, build_html

ROOT = Path(__file__).resolve().parents[2]
DATE = datetime.datetime(2024, 5, 6, tzinfo=datetime.timezone.utc)
OPTIONS = ReportOptions(generated=DATE, reviewer="Ana")
NASTY_QUOTE = "The <script>alert(1)</script> *plan* | costs #1 & [more]"


def judged(store, reviewer_id, body, quote, verdict="disputed", rationale="Checked against the register."):
    article = add_article(store, body, reviewer_id=reviewer_id, title=body.split("\n")[0][:40]).article
    start = body.index(quote)
    claim = add_claim(store, article["id"], start, start + len(quote), reviewer_id=reviewer_id, rationale=rationale)
    set_verdict(store, claim["id"], verdict, reviewer_id=reviewer_id)
    return claim


def pdf_text(path_or_bytes) -> list[str]:
    """The text of each page, white space collapsed."""
    source = path_or_bytes if isinstance(path_or_bytes, (str, Path)) else __import__("io").BytesIO(path_or_bytes)
    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(source).pages]


def test_short_report_is_one_page_with_its_quotes(store, reviewer_id, tmp_path):
    judged(store, reviewer_id, f"A short article.\n{NASTY_QUOTE}, they said.", NASTY_QUOTE)
    judged(store, reviewer_id, "Another one.\nBread prices doubled in a year.", "Bread prices doubled in a year",
           verdict="verified")
    path = tmp_path / "short.pdf"
    pages = write_pdf(build_html(store, OPTIONS), path)
    assert path.read_bytes().startswith(b"%PDF-")
    texts = pdf_text(path)
    assert pages == len(texts) == 1
    assert NASTY_QUOTE in texts[0]  # raw HTML in a quote is printed as text
    assert "Bread prices doubled in a year" in texts[0]
    assert "DISPUTED" in texts[0] and "VERIFIED" in texts[0]
    assert "Page 1" in texts[0]
    info = pypdf.PdfReader(path).metadata
    assert info.title == "Fact-check report"


def test_long_report_has_several_pages_and_every_quote(store, reviewer_id):
    quotes = [f"Claim number {n} says the budget grew by {n} percent" for n in range(60)]
    body = "A long article.\n" + "\n".join(f"{q}, and more words follow here." for q in quotes)
    article = add_article(store, body, reviewer_id=reviewer_id, title="Budget").article
    for n, quote in enumerate(quotes):
        start = body.index(quote + ",")
        claim = add_claim(store, article["id"], start, start + len(quote), reviewer_id=reviewer_id,
                          rationale=f"Rationale {n}: the budget office says otherwise. " * 2)
        set_verdict(store, claim["id"], ("verified", "disputed", "unverifiable")[n % 3], reviewer_id=reviewer_id)
    data, pages = render_pdf(build_html(store, OPTIONS))
    texts = pdf_text(data)
    assert pages == len(texts)
    assert 5 <= pages <= 20
    everything = " ".join(texts)
    assert all(quote in everything for quote in quotes)
    assert all(texts[n - 1].endswith(f"Page {n}") for n in range(1, pages + 1))
    # no page starts a claim's heading without its quote under it
    for text in texts:
        assert not text.removesuffix(text.split("Page")[-1]).removesuffix("Page").rstrip().endswith(
            ("VERIFIED", "DISPUTED", "UNVERIFIABLE", "Rationale", "Evidence"))


def test_cli_writes_pdf(store, reviewer_id, tmp_path, capsys):
    judged(store, reviewer_id, f"A short article.\n{NASTY_QUOTE}, they said.", NASTY_QUOTE)
    out = tmp_path / "report.pdf"
    assert main(["export", str(store.path), "-f", "pdf", "-o", str(out), "--date", "2024-05-06"]) == 0
    assert capsys.readouterr().out == ""
    assert NASTY_QUOTE in pdf_text(out)[0]
    assert main(["export", str(store.path), "-f", "pdf"]) == 1
    assert capsys.readouterr().err.startswith("error: --format pdf writes a binary file: give one with -o FILE")
    assert main(["export", str(store.path), "-f", "pdf", "-o", str(tmp_path)]) == 1
    assert capsys.readouterr().err.startswith(f"error: {tmp_path}: cannot write")


def test_cli_pdf_without_display_or_platform(store, reviewer_id, tmp_path):
    """From a shell with no display and no QT_QPA_PLATFORM: an offscreen application of its own."""
    judged(store, reviewer_id, "A short article.\nTaxes fell by half last year.", "Taxes fell by half last year")
    store.close()
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    out = tmp_path / "cli.pdf"
    result = subprocess.run([sys.executable, "-m", "workbench", "export", str(store.path), "-f", "pdf",
                             "-o", str(out)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Taxes fell by half last year" in pdf_text(out)[0]


def test_text_is_searchable_as_typed_and_quotes_have_a_bar(store, reviewer_id):
    """No ligature characters (U+FB00-FB06) in the PDF's text; each quote has its bar drawn."""
    quote = "The fighter office flew fifty official flights"
    judged(store, reviewer_id, f"Headline fine.\n{quote}, they said.", quote,
           rationale="Confirmed by the affluent fjord office.")
    data, pages = render_pdf(build_html(store, OPTIONS))
    text = " ".join(pdf_text(data))
    assert quote in text and "affluent fjord office" in text
    assert not any("\ufb00" <= c <= "\ufb06" for c in text)
    page = pypdf.PdfReader(__import__("io").BytesIO(data)).pages[0]
    operations = pypdf.generic.ContentStream(page.get_contents(), page.pdf).operations
    widths = [float(ops[2]) for ops, op in operations if op == b"re"]
    bar = 3.0 * 300 / 96  # BAR_WIDTH layout pixels at the writer's resolution
    assert any(abs(w - bar) < 0.2 or abs(w - 3.0) < 0.01 for w in widths), widths  # scaled by Qt, or by a cm


def test_headings_never_end_a_page(store, reviewer_id):
    """Many short claims: every page break falls outside a heading and its next two lines."""
    quotes = [f"Item {n} rose by {n} percent in the year" for n in range(150)]
    body = "Figures.\n" + "\n".join(f"{q}." for q in quotes)
    article = add_article(store, body, reviewer_id=reviewer_id, title="Figures").article
    for n, quote in enumerate(quotes):
        start = body.index(quote + ".")
        claim = add_claim(store, article["id"], start, start + len(quote), reviewer_id=reviewer_id,
                          rationale="Short." if n % 2 else "")
        set_verdict(store, claim["id"], "verified", reviewer_id=reviewer_id)
    data, pages = render_pdf(build_html(store, OPTIONS))
    texts = pdf_text(data)
    assert pages == len(texts) > 3
    for text in texts:
        body_text = text.rsplit("Page", 1)[0].rstrip()
        assert not body_text.endswith(("VERIFIED", "Rationale", "Evidence")), body_text[-80:]
        assert not re.search(r"Claim \d+ · VERIFIED$", body_text)


def test_same_database_and_date_give_the_same_pdf_bytes(store, reviewer_id, tmp_path, monkeypatch):
    judged(store, reviewer_id, "A short article.\nTaxes fell by half last year.", "Taxes fell by half last year")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1714953600")
    outputs = []
    for n in range(2):
        out = tmp_path / f"r{n}.pdf"
        assert main(["export", str(store.path), "-f", "pdf", "-o", str(out)]) == 0
        outputs.append(out.read_bytes())
        __import__("time").sleep(1.1)  # Qt's clock moves on; the report's date does not
    assert outputs[0] == outputs[1]
    assert b"/CreationDate (D:20240506000000Z)" in outputs[0]
    assert pypdf.PdfReader(tmp_path / "r0.pdf").metadata.title == "Fact-check report"
