"""ClaimReview import: every form schema.org allows, hostile text, idempotence, and all-or-nothing."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.cli import main
from workbench.factchecks import import_reviews, is_claim_review_document, parse_date, read_reviews
from workbench.importers import import_sources

REVIEW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://factcheck.example/2024/jets",
    "claimReviewed": "Four jets crossed the border on Monday.",
    "headline": "No, four jets did not cross the border",
    "datePublished": "2024-03-06",
    "inLanguage": "en",
    "author": {"@type": "Organization", "name": "Desk Check", "url": "https://factcheck.example/"},
    "reviewRating": {"@type": "Rating", "ratingValue": 1, "bestRating": 5, "worstRating": 1,
                     "alternateName": "False"},
    "itemReviewed": {"@type": "Claim", "datePublished": "2024-03-04",
                     "author": {"@type": "Person", "name": "A. Minister"},
                     "appearance": [{"@type": "CreativeWork", "url": "https://news.example/jets"}]},
}


def review(**changes) -> dict:
    data = json.loads(json.dumps(REVIEW))
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def rows(store) -> list[dict]:
    return store.query("SELECT * FROM fact_checks ORDER BY seq")


def write(tmp_path, data, name="reviews.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_one_review_keeps_every_field(store, reviewer_id, tmp_path):
    [outcome] = import_sources(store, [write(tmp_path, REVIEW)], reviewer_id=reviewer_id)
    assert outcome.error is None and outcome.fact_checks.added == 1
    [row] = rows(store)
    assert {k: row[k] for k in ("claim", "title", "rating", "rating_value", "best_rating", "worst_rating",
                                "reviewed_by", "reviewer_url", "url", "published", "claimant", "claim_date",
                                "appearance", "language", "source", "created_by")} == {
        "claim": "Four jets crossed the border on Monday.", "title": "No, four jets did not cross the border",
        "rating": "False", "rating_value": 1.0, "best_rating": 5.0, "worst_rating": 1.0,
        "reviewed_by": "Desk Check", "reviewer_url": "https://factcheck.example/",
        "url": "https://factcheck.example/2024/jets", "published": "2024-03-06", "claimant": "A. Minister",
        "claim_date": "2024-03-04", "appearance": "https://news.example/jets", "language": "en",
        "source": "reviews.json", "created_by": reviewer_id}
    assert store.query("SELECT rowid FROM fact_checks_fts WHERE fact_checks_fts MATCH 'crossing'") == [
        {"rowid": row["seq"]}]  # the index is stemmed


@pytest.mark.parametrize("shape", ["list", "graph", "feed", "item list", "full IRI types"])
def test_every_container_schema_org_allows(store, reviewer_id, shape):
    second = review(url="https://factcheck.example/2", claimReviewed="The bridge cost 3 billion.")
    data = {
        "list": [REVIEW, second],
        "graph": {"@context": "https://schema.org", "@graph": [
            {"@type": "Organization", "@id": "#desk", "name": "Desk Check"},
            {**review(author={"@id": "#desk"})}, {"@type": "WebPage", "name": "About"}, second]},
        "feed": {"@context": "https://schema.org", "@type": "DataFeed", "dataFeedElement": [
            {"@type": "DataFeedItem", "item": REVIEW}, {"@type": "DataFeedItem", "item": [second]}]},
        "item list": {"@type": "ItemList", "itemListElement": [{"@type": "ListItem", "item": REVIEW},
                                                                {"@type": "ListItem", "item": second}]},
        "full IRI types": [review(**{"@type": "http://schema.org/ClaimReview"}),
                           {**second, "@type": ["schema:ClaimReview", "Review"]}],
    }[shape]
    assert is_claim_review_document(data)
    report = import_reviews(store, data, source="x.json", reviewer_id=reviewer_id)
    assert (report.added, report.present, report.skipped) == (2, 0, [])
    assert [r["claim"] for r in rows(store)] == [REVIEW["claimReviewed"], "The bridge cost 3 billion."]
    assert rows(store)[0]["reviewed_by"] == "Desk Check"


@pytest.mark.parametrize("author, expected", [
    ("Desk Check", "Desk Check"),
    ([{"@type": "Person", "name": "Ana"}, {"@type": "Person", "name": "Bo"}], "Ana, Bo"),
    ({"@type": "Organization", "name": {"@value": "Desk Check"}}, "Desk Check"),
    ([], None),
])
def test_author_as_string_list_or_object(store, reviewer_id, author, expected):
    import_reviews(store, review(author=author), source="x.json", reviewer_id=reviewer_id)
    assert rows(store)[0]["reviewed_by"] == expected


def test_missing_optional_parts_are_left_empty(store, reviewer_id):
    bare = {"@type": "ClaimReview", "claimReviewed": "Only the claim."}
    rated_by_number = review(reviewRating={"@type": "Rating", "ratingValue": "2", "bestRating": "5"},
                             itemReviewed=None, author=None, url=None)
    report = import_reviews(store, [bare, rated_by_number], source="x.json", reviewer_id=reviewer_id)
    assert report.added == 2
    first, second = rows(store)
    assert first["claim"] == "Only the claim." and first["rating"] is None and first["url"] is None
    assert (second["rating"], second["rating_value"], second["best_rating"]) == (None, 2.0, 5.0)
    assert second["claimant"] is None and second["appearance"] is None


@pytest.mark.parametrize("written, stored", [
    ("2024-03-06", "2024-03-06"), ("2024-03-06T23:30:00Z", "2024-03-06"), ("2024-03-06T10:00:00+02:00", "2024-03-06"),
    ("20240306", "2024-03-06"), ("March 6, 2024", "2024-03-06"), ("6 Mar 2024", "2024-03-06"),
    ("2024-03", "2024-03"), ("March 2024", "2024-03"), ("2024", "2024"),
    ("March 6", None), ("yesterday", None), ("2024-02-30", None), ("", None), (20240306, "2024-03-06"),
])
def test_dates_in_several_forms_keep_only_the_precision_given(written, stored):
    assert parse_date(written) == stored


def test_unusable_reviews_are_skipped_with_a_reason_and_the_rest_imported(store, reviewer_id):
    data = {"@type": "DataFeed", "dataFeedElement": [
        {"item": REVIEW},
        {"item": review(claimReviewed=None, url="https://factcheck.example/no-claim")},
        {"item": {"@type": "NewsArticle", "headline": "Not a review"}},
        "a string",
        {"item": review(claimReviewed="x" * 10_001, url="https://factcheck.example/long")},
    ]}
    report = import_reviews(store, data, source="x.json", reviewer_id=reviewer_id)
    assert report.added == 1
    assert report.skipped == [
        "feed element 3: is NewsArticle, not a ClaimReview",
        "feed element 4: is not a JSON object",
        "review 2 (https://factcheck.example/no-claim): has no claimReviewed (the claim that was checked)",
        "review 3 (https://factcheck.example/long): its claimReviewed is longer than 10,000 characters",
    ]
    assert report.lines()[0] == "1 fact-checks imported; 4 skipped"


def test_importing_the_same_file_twice_adds_nothing_and_says_so(tmp_path, capsys):
    db = str(tmp_path / "w.db")
    source = write(tmp_path, [REVIEW, review(url="https://factcheck.example/2")])
    assert main(["import", db, source, "--reviewer", "Ana"]) == 0
    assert capsys.readouterr().err == f"{source}: 2 fact-checks imported\n"
    assert main(["import", db, source, "--reviewer", "Ana"]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"{source}: nothing new: all 2 fact-checks were already in the database\n"


@pytest.mark.parametrize("content, reason", [
    (b'{"@type": "ClaimReview", "claimReviewed": ', "is not valid JSON"),
    (b"\xff\xfe{}", "is not UTF-8 text"),
    (b'{"@context": "https://schema.org", "@type": "DataFeed", "dataFeedElement": []}', "contains no ClaimReview"),
    (b"[" * 100_000 + b"]" * 100_000, "is not valid JSON"),
])
def test_a_malformed_file_gets_one_line_and_changes_nothing(tmp_path, capsys, content, reason):
    db = tmp_path / "w.db"
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    assert main(["import", str(db), str(path), "--reviewer", "Ana"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}: {reason}") and err.count("\n") == 1
    assert main(["stats", str(db)]) == 0  # the database is whole
    from workbench.store import Store
    with Store.open(db) as store:
        assert store.get_value("SELECT count(*) FROM fact_checks") == 0


def test_hostile_text_is_stored_as_plain_one_line_text(store, reviewer_id):
    hostile = review(claimReviewed="<script>alert(1)</script>\x00 Four\tjets\u202e\ud800 crossed\n\nthe border",
                     headline="=cmd|' /C calc'!A0", url="javascript:alert(1)",
                     author={"@type": "Organization", "name": "Desk", "url": "file:///etc/passwd"},
                     itemReviewed={"@type": "Claim", "appearance": "file:///usr/bin/xcalc"})
    import_reviews(store, hostile, source="../../etc/evil.json", reviewer_id=reviewer_id)
    [row] = rows(store)
    assert row["claim"] == "<script>alert(1)</script> Four jets\u202e? crossed the border"
    assert (row["url"], row["reviewer_url"], row["appearance"]) == (None, None, None)
    assert row["source"] == "evil.json"


def test_a_graph_reference_to_an_unknown_node_is_not_followed(store, reviewer_id):
    data = {"@graph": [review(author={"@id": "#nobody"})]}
    import_reviews(store, data, source="x.json", reviewer_id=reviewer_id)
    assert rows(store)[0]["reviewed_by"] is None


def test_a_cancelled_import_stores_nothing(store, reviewer_id):
    data = [review(url=f"https://factcheck.example/{i}") for i in range(1200)]
    seen = []
    with pytest.raises(Exception, match="cancelled; nothing was imported"):
        import_reviews(store, data, source="x.json", reviewer_id=reviewer_id,
                       progress=lambda done, total: seen.append((done, total)), cancelled=lambda: len(seen) >= 1)
    assert seen == [(500, 1200)] and rows(store) == []


def test_annotation_files_are_still_told_apart_from_claim_reviews():
    assert not is_claim_review_document({"@context": "http://www.w3.org/ns/anno.jsonld",
                                         "type": "AnnotationCollection", "first": {"items": []}})
    assert not is_claim_review_document([{"type": "Annotation"}])
    assert is_claim_review_document([{"type": "Annotation"}, REVIEW])


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["@type", "claimReviewed", "author", "name", "url", "reviewRating", "itemReviewed",
                         "appearance", "datePublished", "@id", "@graph", "item", "dataFeedElement",
                         "alternateName", "ratingValue"]), inner, max_size=5),
    max_leaves=20)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=JSON_VALUES)
def test_any_json_is_read_without_an_exception(data):
    reviews, skipped = read_reviews({"@type": "DataFeed", "dataFeedElement": [data, {"item": data}]})
    for row in reviews:
        assert row["claim"] and "\n" not in row["claim"]
        assert row["url"] is None or row["url"].startswith(("http://", "https://"))
