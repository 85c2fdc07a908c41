"""Our W3C export as outside readers see it: pyld expands it with nothing dropped, the W3C schemas pass."""

import copy
import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyld import jsonld
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4
from rfc3986_validator import validate_rfc3986

from workbench import annotations
from workbench.annotations import export_collection
from workbench.articles import add_article
from workbench.claims import add_claim
from workbench.uris import to_uri

DATA = Path(__file__).resolve().parents[1] / "data"
SUITE = DATA / "web-annotation-tests"
SUITE_BASE = "https://w3c.github.io/web-annotation-tests/definitions/"
W3C_CONTEXT = json.loads((DATA / "w3c" / "anno.jsonld").read_text(encoding="utf-8"))
BODY = "Four Russian fighter jets were spotted near the border with Poland.\nThe border is calm 😀."
VOCABULARY_KEYS = {"@context", "type", "purpose", "motivation"}  # values that expand to IRIs of terms


def local_loader(url, options=None):
    """pyld's document loader: the W3C context from tests/data, and nothing from the network."""
    if url.rstrip("/") in ("http://www.w3.org/ns/anno.jsonld", "https://www.w3.org/ns/anno.jsonld"):
        return {"contextUrl": None, "documentUrl": url, "document": W3C_CONTEXT}
    raise AssertionError(f"the test tried to fetch {url}")


def expand(document):
    return jsonld.expand(copy.deepcopy(document), {"documentLoader": local_loader})


def leaves(value, key=None):
    """Every string and number of a JSON document (its @context left out), with the key it stands under."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k != "@context":
                yield from leaves(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from leaves(v, key)
    elif not isinstance(value, bool) and value is not None:
        yield key, value


def expanded_values(value) -> set:
    return {v for k, v in leaves(value) if k in ("@value", "@id")}


def dropped(document) -> list:
    """What of document a JSON-LD processor loses when it expands it."""
    kept = expanded_values(expand(document))
    return [(k, v) for k, v in leaves(document) if k not in VOCABULARY_KEYS and v not in kept]


@pytest.fixture
def exported(store, reviewer_id):
    article = add_article(store, BODY, reviewer_id=reviewer_id, url="https://news.example/jets").article
    claim = add_claim(store, article["id"], 0, 25, reviewer_id=reviewer_id, verdict="disputed",
                      rationale="No *such* sighting.")
    with store.transaction():
        for position, url in enumerate(["https://example.org/a b<c>", "https://bücher.example/ü", "", "www.example.org/x"]):
            store.insert("evidence", {
                "claim_id": claim["id"], "position": float(position), "url": url or None,
                "title": "Ministry statement", "publisher": "MoD", "excerpt": "No aircraft…",
                "note": "official", "stance": "refutes", "reliability": "reliable",
                "accessed_on": "2024-05-01", "created_by": store.reviewer("Ben")})
    add_claim(store, article["id"], BODY.index("The border"), len(BODY), reviewer_id=reviewer_id)
    return export_collection(store)


def test_pyld_expansion_drops_nothing(exported):
    assert dropped(exported) == []
    evidence = exported["first"]["items"][0]["body"][2]
    assert evidence["workbench:evidence"]["stance"] == "refutes"
    expanded = json.dumps(expand(exported))
    for term in ("excerpt", "note", "stance", "reliability", "accessedOn"):
        assert annotations.NAMESPACE + term in expanded
    assert "http://purl.org/dc/terms/title" in expanded and "http://purl.org/dc/terms/publisher" in expanded


def test_the_old_context_would_drop_the_evidence_fields(exported):
    """The check above can fail: with the bare W3C context, the evidence details are lost."""
    bare = json.loads(json.dumps(exported).replace(json.dumps(annotations.CONTEXT), json.dumps(annotations.W3C_CONTEXT)))
    lost = {k for k, _ in dropped(bare)}
    assert {"title", "publisher", "excerpt", "note", "stance", "reliability", "accessed_on"} <= lost


def _validators(test: str):
    registry = Registry().with_resources(
        (SUITE_BASE + p.name, Resource.from_contents(json.loads(p.read_text(encoding="utf-8")),
                                                       default_specification=DRAFT4))
        for p in (SUITE / "definitions").glob("*.json"))
    for assertion in json.loads((SUITE / test).read_text(encoding="utf-8"))["assertions"]:
        schema = json.loads((SUITE / assertion).read_text(encoding="utf-8"))
        # Draft 4 ignores an "id" beside a root "$ref"; wrap it so relative references resolve.
        wrapped = {"id": SUITE_BASE + schema["id"], "definitions": schema.get("definitions", {}),
                   "allOf": [{k: v for k, v in schema.items() if k != "id"}]}
        yield assertion, jsonschema.Draft4Validator(wrapped, registry=registry,
                                                    format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def test_the_uri_format_is_really_checked():
    checker = jsonschema.Draft4Validator.FORMAT_CHECKER
    assert not checker.conforms("https://example.org/a b", "uri") and checker.conforms("urn:uuid:x", "uri")


def test_the_w3c_test_suite_schemas_pass(exported):
    failures = []
    for test, documents in (("collections/collectionMusts.test", [exported]),
                            # an embedded page is tested through its collection (the suite says so)
                            ("collections/pages/pageMusts.test", [exported]),
                            ("annotations/annotationMusts.test", exported["first"]["items"])):
        for assertion, validator in _validators(test):
            failures += [(assertion, doc.get("id"), e.message) for doc in documents for e in validator.iter_errors(doc)]
    for failure in failures:
        print(failure)
    assert failures == []


def test_the_schemas_catch_an_invalid_iri(exported):
    broken = copy.deepcopy(exported["first"]["items"][0])
    broken["body"][2]["source"] = "https://example.org/a b"
    failing = [a for a, v in _validators("annotations/annotationMusts.test") if not v.is_valid(broken)]
    assert failing


def test_targets_name_the_web_address_and_evidence_urls_are_uris(exported):
    first = exported["first"]["items"][0]
    assert first["target"]["scope"] == "https://news.example/jets"
    sources = [b.get("source") for b in first["body"][2:]]
    assert sources == ["https://example.org/a%20b%3Cc%3E", "https://xn--bcher-kva.example/%C3%BC", None, None]
    assert first["body"][5]["workbench:evidence"]["url"] == "www.example.org/x"  # kept, as text


def test_an_article_without_a_web_address_has_no_scope(store, reviewer_id):
    article = add_article(store, BODY, reviewer_id=reviewer_id).article
    add_claim(store, article["id"], 0, 4, reviewer_id=reviewer_id)
    assert "scope" not in export_collection(store)["first"]["items"][0]["target"]


@settings(max_examples=500)
@given(st.sampled_from(["http://", "https://", "mailto:", "HTTP://", "urn:x:"]), st.text())
def test_every_uri_made_is_valid_and_stable(prefix, rest):
    uri = to_uri(prefix + rest)
    assert uri is not None and validate_rfc3986(uri, rule="URI")
    assert to_uri(uri) == uri


@pytest.mark.parametrize("url", ["https://example.org/a?b=c#d", "mailto:ana@example.org", "http://[::1]:8080/x",
                                 "https://example.org/%C3%BC"])
def test_valid_uris_are_left_as_they_are(url):
    assert to_uri(url) == url
