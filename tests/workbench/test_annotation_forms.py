"""Annotations other tools write come in: the W3C examples, Hypothesis's API rows, Recogito's files."""

import copy
import json
from pathlib import Path

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.annotations import import_annotation_file, import_annotation_file_report, import_collection_report
from workbench.articles import add_article
from workbench.claims import claims_for
from workbench.errors import ImportRefused
from workbench.orphans import orphans_for
from workbench.paths import seed_files
from workbench.store import Store

DATA = Path(__file__).resolve().parents[1] / "data"
SEEDS = {path.name[:3]: path for path in seed_files()}
HYPOTHESIS = DATA / "hypothesis" / "search-nato.json"
RECOGITO = DATA / "recogito" / "recogito-js.w3c.json"
TEXT_ANNOTATOR = DATA / "recogito" / "text-annotator.w3c.json"
W3C_EXAMPLES = DATA / "web-annotation-tests" / "tools" / "samples" / "correct" / "collection1.json"
NATO_URL = "https://britpanorama.example/world/nato-pre-emptive-strikes"
DESK_URL = "https://newsdesk.example/2024/11/21/nato-weighs-pre-emptive-action"
W3C_PAGE = ("An example page.\nWell, this is an anotation that has some text.\n"
            "Here is text before the Selected Text and text after it.")


def seed(name: str) -> str:
    return SEEDS[name].read_text(encoding="utf-8")


@pytest.fixture
def articles(store, reviewer_id):
    """The two seed articles at their web addresses and the W3C examples' page1."""
    return {
        "nato": add_article(store, seed("000"), reviewer_id=reviewer_id, url=NATO_URL).article,
        "desk": add_article(store, seed("001"), reviewer_id=reviewer_id, url=DESK_URL).article,
        "page1": add_article(store, W3C_PAGE, reviewer_id=reviewer_id, url="http://example.org/page1").article,
    }


def rows(store, table):
    return store.get_value(f"SELECT count(*) FROM {table}")


def quotes(store, article_id):
    return {c["quote"]: c for c in claims_for(store, article_id)}


# -- Hypothesis ---------------------------------------------------------------------------------

def test_hypothesis_search_rows(store, reviewer_id, articles):
    report = import_annotation_file_report(store, HYPOTHESIS, reviewer_id=reviewer_id)
    assert report.imported == 5
    assert report.skipped == {"a reply to another annotation": 1, "it is a page note (no text is selected)": 1,
                              "about a document that is not in the database (import the article first)": 1}
    found = quotes(store, articles["nato"]["id"])
    jets = found["Four Russian fighter jets were spotted near the border with Poland"]
    assert jets["verdict"] == "pending"  # Hypothesis has no verdicts
    assert jets["rationale"] == ("Which border crossing? The **Polish MoD** statement says nothing about jets."
                                 "\n\nTags: needs-source, Poland")
    assert store.reviewer_names()[jets["created_by"]] == "Maria Ortiz"  # user_info.display_name
    assert jets["created_at"] == "2024-11-22T09:14:03.218411Z"
    # positions count on the web page, with its header, in UTF-16: the quote decides
    body = articles["nato"]["body"]
    assert jets["start"] == body.index("Four Russian")
    # the page has a blank line between paragraphs where the stored text has a line break
    assert "reports BritPanorama.\nFour Russian" in found
    assert store.reviewer_names()[found["reports BritPanorama.\nFour Russian"]["created_by"]] == "tom_k@hypothes.is"
    # the headline: its prefix on the page is the site's header, which the stored text does not have
    assert found["Nato considers pre-emptive strikes"]["start"] == 0
    # the footer the article extractor dropped: kept, not placed, not refusing the others
    [orphan] = orphans_for(store, articles["nato"]["id"])
    assert orphan["quote"] == "Share this article on social media" and orphan["rationale"] == "Footer link is broken."
    assert any("Share this article on social media" in line for line in report.lines())


def test_importing_the_same_rows_twice_adds_nothing(store, reviewer_id, articles):
    import_annotation_file(store, HYPOTHESIS, reviewer_id=reviewer_id)
    before = (rows(store, "claims"), rows(store, "orphans"), rows(store, "reviewers"))
    report = import_annotation_file_report(store, HYPOTHESIS, reviewer_id=reviewer_id)
    assert (report.imported, report.present) == (0, 6)
    assert (rows(store, "claims"), rows(store, "orphans"), rows(store, "reviewers")) == before


def test_one_hypothesis_annotation_on_its_own(store, reviewer_id, articles, tmp_path):
    row = json.loads(HYPOTHESIS.read_text(encoding="utf-8"))["rows"][1]
    path = tmp_path / "one.json"
    path.write_text(json.dumps(row), encoding="utf-8")
    assert import_annotation_file(store, path, reviewer_id=reviewer_id) == 1
    assert set(quotes(store, articles["nato"]["id"])) == {"who chairs Nato’s Military Committee"}


def test_an_annotation_on_a_newer_version_of_the_page(store, reviewer_id, articles, tmp_path):
    """A web address several articles appeared at: the one that has a later version is tried last."""
    from workbench.versions import add_version
    corrected = add_article(store, seed("000").replace("Four Russian", "Five Russian"), reviewer_id=reviewer_id).article
    add_version(store, articles["nato"]["id"], corrected["id"], reviewer_id=reviewer_id)
    data = json.loads(HYPOTHESIS.read_text(encoding="utf-8"))
    data["rows"] = [data["rows"][1]]  # "who chairs Nato's Military Committee": in both versions
    report = import_collection_report(store, data, source="rows.json", reviewer_id=reviewer_id)
    assert report.imported == 1
    assert set(quotes(store, corrected["id"])) == {"who chairs Nato’s Military Committee"}
    assert claims_for(store, articles["nato"]["id"]) == []


# -- Recogito -----------------------------------------------------------------------------------

def test_recogito_js_file_without_sources(store, reviewer_id, articles):
    report = import_annotation_file_report(store, RECOGITO, reviewer_id=reviewer_id)
    assert report.imported == 3 and report.skipped == {"it links other annotations": 1}
    found = quotes(store, articles["desk"]["id"])  # the one article that holds the quotes
    assert found["North Atlantic Treaty Association"]["rationale"] == (
        "NATO is the North Atlantic Treaty Organization, not Association.\n\nTags: names, error")
    assert {c["created_by"] for c in found.values()} == {reviewer_id}  # no creator: the importer
    again = import_annotation_file_report(store, RECOGITO, reviewer_id=reviewer_id)
    assert (again.imported, again.present) == (0, 3)  # "#uuid" ids map to the same claims


def test_recogito_quote_in_several_articles_needs_the_article_named(store, reviewer_id, articles, tmp_path):
    data = json.loads(RECOGITO.read_text(encoding="utf-8"))[:1]
    add_article(store, "Another text naming the North Atlantic Treaty Association.", reviewer_id=reviewer_id)
    report = import_collection_report(store, data, source="r.json", reviewer_id=reviewer_id)
    assert report.imported == 0 and list(report.skipped) == [
        "it does not say which article it is about, and its quote is in several articles "
        "(import it with the article named)"]
    report = import_collection_report(store, data, source="r.json", reviewer_id=reviewer_id,
                                      article_id=articles["desk"]["id"])
    assert report.imported == 1


def test_recogito_text_annotator(store, reviewer_id, articles):
    report = import_annotation_file_report(store, TEXT_ANNOTATOR, reviewer_id=reviewer_id)
    assert report.imported == 3  # the second annotation has two targets: two claims
    found = quotes(store, articles["desk"]["id"])
    article5 = found["an attack on one member is considered an attack on all"]
    assert store.reviewer_names()[article5["created_by"]] == "Jo Baptiste"
    assert article5["rationale"] == "Article 5 does say this."
    first, second = found["no firm decisions have been made"], found["significant disagreement exists among member states"]
    assert first["id"] != second["id"] and first["verdict"] == second["verdict"] == "pending"
    assert store.reviewer_names()[first["created_by"]] == "https://orcid.org/0000-0002-1825-0097"  # only an id


# -- the W3C specification's examples -----------------------------------------------------------

def test_the_w3c_examples(store, reviewer_id, articles):
    """All 41 examples of the model in one collection: the two about page1's text come in."""
    report = import_annotation_file_report(store, W3C_EXAMPLES, reviewer_id=reviewer_id)
    found = quotes(store, articles["page1"]["id"])
    assert set(found) == {"anotation", "Selected Text"}  # example 26, and 32 (a fragment refined by a quote)
    assert report.imported == 2 and sum(report.skipped.values()) == 39


@pytest.mark.parametrize("example", sorted(p.name for p in W3C_EXAMPLES.parent.glob("anno*.json")))
def test_every_w3c_example_alone_is_taken_or_skipped(store, reviewer_id, articles, example):
    report = import_annotation_file_report(store, W3C_EXAMPLES.parent / example, reviewer_id=reviewer_id)
    assert report.imported + sum(report.skipped.values()) == 1


START = W3C_PAGE.index("anotation")


def _w3c_annotation(article_id: str, **changes) -> dict:
    annotation = {"@context": "http://www.w3.org/ns/anno.jsonld", "id": "http://example.org/anno26",
                  "type": "Annotation", "body": "http://example.org/comment1",
                  "target": {"source": "http://example.org/page1", "selector": {
                      "type": "TextQuoteSelector", "exact": "anotation", "prefix": "this is an ",
                      "suffix": " that has some"}}}
    annotation.update(changes)
    return annotation


@pytest.mark.parametrize("creator, name", [
    ("http://example.org/user1", "http://example.org/user1"),
    ({"id": "http://example.org/user1", "type": "Person", "nickname": "pseudo"}, "pseudo"),
    ([{"type": "Person"}, {"name": "Second Person"}], "Second Person"),
    ({"type": "Person", "email": "mailto:ana@example.org"}, "ana@example.org"),
    ({"type": "Person"}, None),
])
def test_creators_of_every_form(store, reviewer_id, articles, creator, name):
    data = _w3c_annotation(articles["page1"]["id"], creator=creator)
    import_collection_report(store, data, source="c.json", reviewer_id=reviewer_id)
    [claim] = claims_for(store, articles["page1"]["id"])
    assert store.reviewer_names()[claim["created_by"]] == (name or "Ana")


@pytest.mark.parametrize("change, expected", [
    ({"type": ["Annotation"]}, "anotation"),
    ({"body": {"type": "TextualBody", "value": "<p>j'adore !</p>", "format": "text/html"}}, "j'adore !"),
    ({"bodyValue": "Comment text", "body": None}, "Comment text"),
    ({"target": {"source": "urn:uuid:{article}", "selector": [
        {"type": "TextPositionSelector", "start": START, "end": START + 9}]}}, "anotation"),
])
def test_types_bodies_and_targets_of_every_form(store, reviewer_id, articles, change, expected):
    change = json.loads(json.dumps(change).replace("{article}", articles["page1"]["id"]))
    data = _w3c_annotation(articles["page1"]["id"], **change)
    assert import_collection_report(store, data, source="c.json", reviewer_id=reviewer_id).imported == 1
    [claim] = claims_for(store, articles["page1"]["id"])
    assert expected in (claim["quote"], claim["rationale"])


def test_an_iri_body_becomes_evidence(store, reviewer_id, articles):
    import_collection_report(store, _w3c_annotation(articles["page1"]["id"]), source="c.json", reviewer_id=reviewer_id)
    [evidence] = store.query("SELECT url FROM evidence")
    assert evidence["url"] == "http://example.org/comment1"


def test_an_assessing_body_is_the_verdict_and_tags_stay_literal(store, reviewer_id, articles):
    data = _w3c_annotation(articles["page1"]["id"], body=[
        {"type": "TextualBody", "purpose": "assessing", "value": "disputed"},
        {"type": "TextualBody", "purpose": "tagging", "value": "*not* emphasis <b>"}])
    import_collection_report(store, data, source="c.json", reviewer_id=reviewer_id)
    [claim] = claims_for(store, articles["page1"]["id"])
    assert claim["verdict"] == "disputed"
    html = markdown.markdown(claim["rationale"])
    assert "*not* emphasis &lt;b&gt;" in html and "<em>" not in html
    history = store.query("SELECT from_verdict, to_verdict FROM verdict_history WHERE claim_id = ?", [claim["id"]])
    assert [(h["from_verdict"], h["to_verdict"]) for h in history] == [("pending", "disputed")]


def test_a_refusal_names_file_and_annotation_and_stores_nothing(store, reviewer_id, articles):
    good = _w3c_annotation(articles["page1"]["id"])
    bad = _w3c_annotation(articles["page1"]["id"], id="http://example.org/bad", body=[
        {"type": "TextualBody", "purpose": "assessing", "value": "verified"},
        {"type": "TextualBody", "purpose": "assessing", "value": "disputed"}])
    with pytest.raises(ImportRefused, match=r"^c\.json: annotation http://example\.org/bad: has two verdicts"):
        import_collection_report(store, [good, bad], source="c.json", reviewer_id=reviewer_id)
    assert rows(store, "claims") == 0 and rows(store, "orphans") == 0


# -- every form, drawn ----------------------------------------------------------------------------

FORMS = {
    "id": st.sampled_from([None, "https://example.org/a/1", "#5b0e2b5e-1c1f-4b55-9a36-6c1f2de0a7a1",
                           "5b0e2b5e-1c1f-4b55-9a36-6c1f2de0a7a1", "Kx3Bv0ZbEe6x8Q9fYt2k1A"]),
    "type": st.sampled_from([None, "Annotation", ["Annotation"], ["Annotation", "Highlight"]]),
    "creator": st.sampled_from([None, "acct:ana@hypothes.is", {"name": "Bo"}, {"nickname": "bo"},
                                [{"name": "Bo"}, "http://example.org/u"]]),
    "body": st.sampled_from([None, [], "https://example.org/source", {"value": "why"},
                             [{"purpose": "tagging", "value": "t"}, {"purpose": "commenting", "value": "c"}],
                             {"type": "Choice", "items": [{"value": "first"}, {"value": "second"}]}]),
    "source": st.sampled_from(["urn:uuid:{article}", "http://example.org/page1", "HTTP://EXAMPLE.org/page1/#x", None]),
    "selector": st.sampled_from(["quote", "quote+position", "position", "refined"]),
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(st.fixed_dictionaries(FORMS))
def test_every_form_comes_in_once(tmp_path_factory, form):
    with Store.open(tmp_path_factory.mktemp("forms") / "w.db") as store:
        ana = store.reviewer("Ana")
        article = add_article(store, W3C_PAGE, reviewer_id=ana, url="http://example.org/page1").article
        start = W3C_PAGE.index("anotation")
        quote = {"type": "TextQuoteSelector", "exact": "anotation", "prefix": "this is an ", "suffix": " that"}
        position = {"type": "TextPositionSelector", "start": start, "end": start + 9}
        selector = {"quote": quote, "quote+position": [position, quote], "position": position,
                    "refined": {"type": "FragmentSelector", "value": "p2", "refinedBy": quote}}[form["selector"]]
        target = {"selector": selector}
        if form["source"]:
            target["source"] = form["source"].replace("{article}", article["id"])
        annotation = {"target": [target] if form["id"] == "Kx3Bv0ZbEe6x8Q9fYt2k1A" else target}
        for key in ("id", "type", "creator", "body"):
            if form[key] is not None:
                annotation[key] = copy.deepcopy(form[key])
        report = import_collection_report(store, annotation, source="f.json", reviewer_id=ana)
        if form["source"] is None and form["selector"] == "position":
            # neither a document nor a quote to find one by: nothing says which article
            assert report.imported == 0 and sum(report.skipped.values()) == 1
            return
        assert report.imported == 1, report.lines()
        [claim] = claims_for(store, article["id"])
        assert claim["quote"] == "anotation" and claim["start"] == start
        again = import_collection_report(store, annotation, source="f.json", reviewer_id=ana)
        assert (again.imported, again.present) == (0, 1)
