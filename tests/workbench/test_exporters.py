"""The exporter registry: streamed output equals the in-memory builders, files are complete or absent."""

import io

import pytest

from tests.workbench.test_report import DATE, sample  # noqa: F401  (fixture)
from workbench import annotations, exporters
from workbench.claims import add_claim
from workbench.errors import WorkbenchError
from workbench.report import Cancelled, ReportOptions


def test_streamed_annotations_equal_the_collection(store, sample):  # noqa: F811
    first, second = sample
    for article_id in (None, first["id"], second["id"]):
        out = io.StringIO()
        annotations.write_collection(store, article_id, out, batch=2)
        assert out.getvalue() == annotations.dumps(annotations.export_collection(store, article_id))


def test_streamed_annotations_of_an_article_without_claims(store, reviewer_id):
    from workbench.articles import add_article

    article = add_article(store, "Nothing claimed here.", reviewer_id=reviewer_id, title="Empty").article
    out = io.StringIO()
    annotations.write_collection(store, article["id"], out)
    assert out.getvalue() == annotations.dumps(annotations.export_collection(store, article["id"]))


def test_every_core_format_is_registered_and_pdf_needs_ui(monkeypatch):
    names = [e.name for e in exporters.available()]
    assert names[:2] == ["markdown", "html"] and {"claimreview", "annotations"} <= set(names)
    monkeypatch.delitem(exporters._REGISTRY, "pdf", raising=False)
    with pytest.raises(WorkbenchError, match="desktop part"):
        exporters.get("pdf")


def test_a_cancelled_export_leaves_no_file(store, sample, tmp_path):  # noqa: F811
    target = tmp_path / "r.md"
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return True

    with pytest.raises(Cancelled):
        exporters.export_to_file(exporters.get("markdown"), store, ReportOptions(generated=DATE), target,
                                 cancelled=cancelled)
    assert calls and not target.exists() and not list(tmp_path.glob("*.md*")) and not list(tmp_path.glob(".r.md*"))
    warnings = exporters.export_to_file(exporters.get("markdown"), store, ReportOptions(generated=DATE), target)
    assert target.read_text(encoding="utf-8").startswith("# Fact-check report")
    assert len(warnings) == 2  # the two verified claims with nothing behind them


def test_progress_is_reported_in_batches(store, reviewer_id, sample):  # noqa: F811
    first, _ = sample
    for n in range(600):
        add_claim(store, first["id"], n % 20, n % 20 + 5, reviewer_id=reviewer_id, verdict="unverifiable",
                  rationale="r")
    seen = []
    exporters.get("html").write(store, ReportOptions(generated=DATE), io.StringIO(),
                                progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 604) and (500, 604) in seen and seen[-1] == (604, 604)
