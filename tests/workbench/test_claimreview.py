"""ClaimReview against a stored copy of schema.org's vocabulary and Google's required/recommended list."""

import json
from pathlib import Path

import pytest

from workbench.articles import add_article
from workbench.claimant import set_claimant
from workbench.claimreview import claim_reviews, parties
from workbench.claims import add_claim, set_verdict
from workbench.errors import WorkbenchError
from workbench.evidence import add_evidence
from workbench.publication import Publication, load_publication, save_publication
from workbench.report import ReportOptions, report_date

DATA = Path(__file__).resolve().parents[1] / "data"
VOCAB = json.loads((DATA / "schemaorg_claimreview.jsonld").read_text(encoding="utf-8"))["@graph"]
GOOGLE = json.loads((DATA / "google_claimreview.json").read_text(encoding="utf-8"))
PUBLICATION = Publication("Fact Desk", "https://factdesk.example.org", "https://factdesk.example.org/checks/{claim_id}")


def _ids(value) -> list[str]:
    return [v["@id"] for v in ([value] if isinstance(value, dict) else value or [])]


CLASSES = {n["@id"]: _ids(n.get("rdfs:subClassOf")) for n in VOCAB if n["@type"] == "rdfs:Class"}
PROPERTIES = {n["@id"]: (_ids(n.get("schema:domainIncludes")), _ids(n.get("schema:rangeIncludes")))
              for n in VOCAB if n["@type"] == "rdf:Property"}


def ancestors(cls: str) -> set[str]:
    seen, stack = set(), [cls]
    while stack:
        c = stack.pop()
        if c not in seen:
            seen.add(c)
            stack += CLASSES.get(c, [])
    return seen


def check_node(node: dict, path: str = "") -> None:
    """Every property of a typed node is a schema.org property of its type (or a supertype)."""
    cls = "schema:" + node["@type"]
    assert cls in CLASSES, path
    for key, value in node.items():
        if key.startswith("@"):
            continue
        domains, ranges = PROPERTIES.get("schema:" + key, (None, None))
        assert domains is not None, f"{path}.{key} is not a schema.org term"
        assert ancestors(cls) & set(domains), f"{path}.{key} does not apply to {cls}"
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                assert any(r in ancestors("schema:" + item["@type"]) for r in ranges), (path, key, item["@type"])
                check_node(item, f"{path}.{key}")


@pytest.fixture
def judged(store, reviewer_id):
    body = "Deutsche Welle reports.\nThe fighter jets crossed the border twice, officials said."
    article = add_article(store, body, reviewer_id=reviewer_id, title="Jets <b>row</b>",
                          url="https://news.example.org/jets_1", publisher="Deutsche Welle",
                          author="A. Writer; B. Reporter and Deutsche Welle", published="2024-04-30").article
    claims = []
    for text, verdict in (("The fighter jets crossed the border twice", "disputed"), ("officials said", "unverifiable")):
        start = body.index(text)
        claim = add_claim(store, article["id"], start, start + len(text), reviewer_id=reviewer_id,
                          rationale="See **the log**.")
        set_verdict(store, claim["id"], verdict, reviewer_id=reviewer_id)
        claims.append(claim)
    add_evidence(store, claims[0]["id"], reviewer_id=reviewer_id, title="Flight log", url="https://x.org/log",
                 publisher="Air Office", note="Logs checked by phone.")
    set_claimant(store, claims[1]["id"], "Ministry of Defence", reviewer_id=reviewer_id)
    return article, claims


def test_every_review_meets_google_and_the_vocabulary(store, judged):
    save_publication(store, PUBLICATION)
    reviews = claim_reviews(store, ReportOptions(generated=report_date("2024-05-06")))
    assert len(reviews) == 2
    for review in reviews:
        check_node(review, "ClaimReview")
        for part, node in (("ClaimReview", review), ("ClaimReview.author", review["author"]),
                           ("Claim", review["itemReviewed"]), ("Rating", review["reviewRating"])):
            assert set(GOOGLE[part]["required"]) <= set(node), (part, node)
            assert set(GOOGLE[part]["recommended"]) <= set(node) | {"ratingValue", "bestRating", "worstRating"}
        assert review["author"] == {"@type": "Organization", "name": "Fact Desk", "url": "https://factdesk.example.org"}
        assert review["url"].startswith("https://factdesk.example.org/checks/")
    first, second = reviews
    assert first["reviewRating"] == {"@type": "Rating", "alternateName": "Disputed", "name": "Disputed",
                                     "ratingValue": 1, "bestRating": 2, "worstRating": 1}
    assert first["itemReviewed"]["author"] == [{"@type": "Person", "name": "A. Writer"},
                                               {"@type": "Person", "name": "B. Reporter"},
                                               {"@type": "Organization", "name": "Deutsche Welle"}]
    assert first["itemReviewed"]["appearance"]["url"] == "https://news.example.org/jets_1"
    assert first["itemReviewed"]["datePublished"] == "2024-04-30"
    assert first["citation"] == [{"@type": "CreativeWork", "name": "Flight log", "url": "https://x.org/log",
                                  "publisher": {"@type": "Organization", "name": "Air Office"},
                                  "description": "Logs checked by phone."}]
    assert first["reviewBody"] == "See the log."
    assert second["itemReviewed"]["author"] == {"@type": "Organization", "name": "Ministry of Defence"}


def test_settings_are_saved_per_database_and_checked(store):
    assert load_publication(store) == Publication()
    save_publication(store, PUBLICATION)
    assert load_publication(store) == PUBLICATION
    with pytest.raises(WorkbenchError, match="publisher's site"):
        save_publication(store, Publication("X", "https://x.org", "https://other.org/{claim_id}"))
    with pytest.raises(WorkbenchError, match="only"):
        save_publication(store, Publication("X", "https://x.org", "https://x.org/{user}"))
    with pytest.raises(WorkbenchError, match="http"):
        save_publication(store, Publication("X", "javascript:alert(1)", ""))
    assert load_publication(store) == PUBLICATION
    one_page = Publication("X", "https://x.org", "https://www.x.org/checks")
    assert one_page.review_url_for("c1", "a1") == "https://www.x.org/checks#claim-c1"


def test_without_settings_a_warning_names_what_google_needs(store, judged, capsys):
    from workbench.cli import main

    assert main(["export", str(store.path), "-f", "claimreview", "--date", "2024-05-06"]) == 0
    err = capsys.readouterr().err
    assert "warning: no review URL" in err and "warning: no publisher" in err
    assert main(["export", str(store.path), "-f", "claimreview", "--publisher", "Desk", "--publisher-url",
                 "https://d.org", "--review-url", "https://d.org/c/{claim_id}"]) == 0
    out = capsys.readouterr()
    assert "warning" not in out.err and json.loads(out.out)[0]["url"].startswith("https://d.org/c/")


def test_author_strings_split_into_people_and_organisations():
    article = {"publisher": "Daily Example"}
    assert [p["@type"] for p in parties("By Ana Lopez, Ben Smith", article)] == ["Person", "Person"]
    assert parties("AFP", article) == [{"@type": "Organization", "name": "AFP"}]
    assert parties("Daily Example", article)[0]["@type"] == "Organization"
    assert parties("", article) == []
