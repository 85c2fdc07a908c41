"""One reading order: claims_for, the report, the W3C export and stats list claims alike, ties included."""

from workbench import annotations, order, report
from workbench.articles import add_article
from workbench.claims import add_claim, claims_for
from workbench.evidence import add_evidence, evidence_for
from workbench.stats import collect

BODY = "The minister said unemployment fell by 40% last year, and the mayor agreed."
STAMP = "2024-05-31T12:00:00.000000Z"


def tied_claims(store, reviewer_id) -> tuple[str, list[str]]:
    # The claims are made in an order other than their ids', so only the final tie-break sorts them.
    """Three claims on one range with one creation time (as after a merge), and tied evidence."""
    article_id = add_article(store, BODY, reviewer_id=reviewer_id, title="Tie").article["id"]
    made = [add_claim(store, article_id, 4, 12, reviewer_id=reviewer_id, verdict="verified",
                      claim_id=claim_id)["id"]
            for claim_id in ("c3000000-0000-4000-8000-000000000000", "a1000000-0000-4000-8000-000000000000",
                             "b2000000-0000-4000-8000-000000000000")]
    for claim_id in made:  # three sources at one position, on the claim that reads first
        add_evidence(store, min(made), reviewer_id=reviewer_id, title=f"source {claim_id[:2]}",
                     evidence_id=claim_id.replace("-8000-", "-9000-"), position=1.0)
    with store.transaction():
        store.conn.execute("UPDATE claims SET created_at = ?", [STAMP])
        store.conn.execute("UPDATE evidence SET created_at = ?", [STAMP])
    return article_id, sorted(made)


def test_every_listing_uses_one_reading_order_when_times_tie(store, reviewer_id):
    article_id, expected = tied_claims(store, reviewer_id)
    assert [c["id"] for c in claims_for(store, article_id)] == expected
    options = report.ReportOptions(article_id=article_id, generated=report.report_date("2024-06-01"))
    reported = report.collect(store, options)["sections"][0]["claims"]
    assert [c["id"] for c in reported] == expected
    exported = annotations.export_collection(store, article_id)["first"]["items"]
    assert [item["id"].removeprefix("urn:uuid:") for item in exported] == expected
    stats = collect(store)
    assert stats["articles"][0]["total"] == 3
    rows = claims_for(store, article_id)
    assert sorted(rows, key=order.claim_key) == rows


def test_evidence_order_is_the_same_in_the_panel_and_the_report(store, reviewer_id):
    article_id, claim_ids = tied_claims(store, reviewer_id)
    panel = [e["id"] for e in evidence_for(store, claim_ids[0])]
    assert len(panel) == 3
    options = report.ReportOptions(article_id=article_id, generated=report.report_date("2024-06-01"))
    reported = report.collect(store, options)["sections"][0]["claims"][0]["evidence"]
    assert panel == [e["id"] for e in reported] == sorted(panel)
