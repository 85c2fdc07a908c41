"""W3C annotation export and import: round trips, refusals that store nothing, evidence."""

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench import annotations
from workbench.annotations import dumps, export_collection, import_annotation_file
from workbench.articles import add_article
from workbench.claims import add_claim, claims_for, delete_claim, set_rationale
from workbench.errors import ImportRefused, WorkbenchError
from workbench.store import Store
from workbench.verdicts import VERDICTS

BODY = "Héllo 😀 world.\nFour Russian fighter jets were spotted near the border. The border is calm."
OTHER = "مرحبا بالعالم. A second article, with e\u0301 and 👩‍👩‍👧 in it."
TABLES = ("reviewers", "claims", "verdict_history", "evidence")


def counts(store):
    return {t: store.query(f"SELECT count(*) AS n FROM {t}")[0]["n"] for t in TABLES}


def add_evidence(store, claim_id, position, reviewer_id, **fields):
    with store.transaction():
        return store.insert("evidence", {"claim_id": claim_id, "position": position,
                                         "created_by": reviewer_id, **fields})


def items(collection):
    return collection["first"]["items"]


@pytest.fixture
def article(store, reviewer_id):
    return add_article(store, BODY, reviewer_id=reviewer_id, title="Jets").article


@pytest.fixture
def fresh(tmp_path):
    """A second, empty database holding the same article."""
    with Store.open(tmp_path / "fresh.db") as other:
        add_article(other, BODY, reviewer_id=other.reviewer("Importer"), title="Jets")
        yield other


def write(tmp_path, data, name="claims.jsonld"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def sample(store, reviewer_id, article):
    """Two claims with verdicts, a rationale and evidence; returns the exported collection."""
    start = BODY.index("Four")
    first = add_claim(store, article["id"], start, BODY.index(" near"), reviewer_id=reviewer_id,
                      verdict="disputed", rationale="No *such* sighting.")
    add_claim(store, article["id"], BODY.index("world"), BODY.index("world") + 5,
              reviewer_id=store.reviewer("Ben Okafor"))
    add_evidence(store, first["id"], 2.0, reviewer_id, url="https://example.org/b", title="Second")
    add_evidence(store, first["id"], 1.0, store.reviewer("Ben Okafor"), url="https://example.org/a",
                 title="Ministry statement", publisher="MoD", excerpt="No aircraft…",
                 note="official", stance="refutes", reliability="reliable", accessed_on="2024-05-01")
    add_evidence(store, first["id"], 3.0, reviewer_id, note="phone call with the ministry")
    return export_collection(store)


def test_export_format(store, reviewer_id, article):
    collection = sample(store, reviewer_id, article)
    assert collection["type"] == "AnnotationCollection" and collection["total"] == 2
    assert collection["@context"] == annotations.CONTEXT
    assert collection["@context"][0] == "http://www.w3.org/ns/anno.jsonld"
    world, jets = items(collection)  # ordered by position in the article
    assert world["body"] == [{"type": "TextualBody", "purpose": "assessing", "value": "pending"}]
    assert world["creator"]["name"] == "Ben Okafor"
    assert jets["id"] == "urn:uuid:" + claims_for(store, article["id"])[1]["id"]
    assert jets["creator"] == {"type": "Person", "id": "urn:uuid:" + reviewer_id, "name": "Ana"}
    assert jets["target"]["source"] == "urn:uuid:" + article["id"]
    position, quote = jets["target"]["selector"]
    assert BODY[position["start"]:position["end"]] == quote["exact"] == "Four Russian fighter jets were spotted"
    assert quote["prefix"] == BODY[:position["start"]][-32:]
    verdict, rationale, *evidence = jets["body"]
    assert verdict["value"] == "disputed"
    assert rationale == {"type": "TextualBody", "purpose": "commenting", "format": "text/markdown",
                         "value": "No *such* sighting."}
    assert [e.get("source") for e in evidence] == ["https://example.org/a", "https://example.org/b", None]
    assert all(e["id"].startswith("urn:uuid:") for e in evidence)
    assert [e.get("purpose") for e in evidence] == ["linking", "linking", None]  # the model: no purpose without a link
    assert evidence[0]["type"] == "SpecificResource"
    assert evidence[0]["creator"]["name"] == "Ben Okafor" and "creator" not in evidence[1]
    assert evidence[0]["workbench:evidence"]["stance"] == "refutes"
    assert evidence[2]["workbench:evidence"] == {"note": "phone call with the ministry"}
    text = dumps(collection)
    assert text.endswith("}\n") and "😀" in text and dumps(export_collection(store)) == text


def test_export_skips_deleted_and_other_articles(store, reviewer_id, article):
    other = add_article(store, OTHER, reviewer_id=reviewer_id).article
    gone = add_claim(store, article["id"], 0, 5, reviewer_id=reviewer_id)
    add_claim(store, other["id"], 0, 5, reviewer_id=reviewer_id)
    delete_claim(store, gone["id"], reviewer_id=reviewer_id)
    assert export_collection(store, article["id"])["total"] == 0
    assert export_collection(store)["total"] == 1
    assert export_collection(store, article["id"])["label"] == "Claims in Jets"
    with pytest.raises(WorkbenchError):
        export_collection(store, "no-such-article")


def test_round_trip_keeps_ids_times_creators_and_evidence(store, reviewer_id, article, fresh, tmp_path):
    text = dumps(sample(store, reviewer_id, article))
    path = write(tmp_path, text)
    assert import_annotation_file(fresh, path, reviewer_id=fresh.reviewer("Importer")) == 2
    assert dumps(export_collection(fresh)) == text
    jets = next(c for c in claims_for(fresh, article["id"]) if c["verdict"] == "disputed")
    original = store.get("claims", jets["id"])
    for key in ("created_at", "updated_at", "start", "end", "quote", "prefix", "suffix", "rationale"):
        assert jets[key] == original[key]
    assert fresh.reviewer_names()[jets["created_by"]] == "Ana"
    history = fresh.query("SELECT * FROM verdict_history WHERE claim_id = ?", [jets["id"]])
    assert [(h["from_verdict"], h["to_verdict"], h["created_by"]) for h in history] == [
        ("pending", "disputed", reviewer_id)]
    evidence = fresh.query("SELECT * FROM evidence ORDER BY position")
    before = store.query("SELECT * FROM evidence ORDER BY position")
    assert [e["id"] for e in evidence] == [e["id"] for e in before]
    for key in ("url", "title", "publisher", "excerpt", "note", "stance", "reliability",
                "accessed_on", "created_by", "created_at"):
        assert [e[key] for e in evidence] == [e[key] for e in before]


def test_import_twice_changes_nothing(store, reviewer_id, article, fresh, tmp_path):
    path = write(tmp_path, dumps(sample(store, reviewer_id, article)))
    importer = fresh.reviewer("Importer")
    report = annotations.import_annotation_file_report(fresh, path, reviewer_id=importer)
    assert (report.imported, report.present) == (2, 0)
    before = counts(fresh)
    claim_id = claims_for(fresh, article["id"])[0]["id"]
    set_rationale(fresh, claim_id, "edited here", reviewer_id=importer)
    report = annotations.import_annotation_file_report(fresh, path, reviewer_id=importer)
    assert (report.imported, report.present) == (0, 2)
    assert counts(fresh) == before and fresh.get("claims", claim_id)["rationale"] == "edited here"


def test_a_position_that_is_off_is_found_by_its_quote(store, reviewer_id, article, fresh, tmp_path):
    collection = sample(store, reviewer_id, article)
    moved = items(collection)[1]
    position = moved["target"]["selector"][0]
    right = (position["start"], position["end"])
    position.update(start=position["start"] + 7, end=position["end"] + 7)  # counted on a web page
    assert import_annotation_file(fresh, write(tmp_path, collection), reviewer_id=reviewer_id) == 2
    claim = fresh.get("claims", moved["id"][len("urn:uuid:"):])
    assert (claim["start"], claim["end"]) == right


def test_context_outweighs_a_position_on_the_same_words_elsewhere(store, reviewer_id, article, fresh, tmp_path):
    first, second = [i for i in range(len(BODY)) if BODY.startswith("border", i)]
    add_claim(store, article["id"], first, first + 6, reviewer_id=reviewer_id)
    collection = export_collection(store)
    items(collection)[0]["target"]["selector"][0].update(start=second, end=second + 6)
    assert import_annotation_file(fresh, write(tmp_path, collection), reviewer_id=reviewer_id) == 1
    assert claims_for(fresh, article["id"])[0]["start"] == first


def test_quote_without_position_is_found(store, reviewer_id, article, fresh, tmp_path):
    second = BODY.rindex("border")
    add_claim(store, article["id"], second, second + 6, reviewer_id=reviewer_id)
    collection = export_collection(store)
    del items(collection)[0]["target"]["selector"][0]
    assert import_annotation_file(fresh, write(tmp_path, collection), reviewer_id=reviewer_id) == 1
    assert claims_for(fresh, article["id"])[0]["start"] == second


def annotation_with(change):
    def apply(collection):
        change(items(collection)[0])
        return collection
    return apply


def _set(path, value):
    def change(item):
        *parents, last = path
        for key in parents:
            item = item[key]
        item[last] = value
    return change


def _twice_differently(collection):
    first = items(collection)[0]
    other = json.loads(json.dumps(first))
    other["body"][0]["value"] = "disputed"
    collection["first"]["items"].append(other)
    return collection


def _two_verdicts(item):
    item["body"].append({"type": "TextualBody", "purpose": "assessing", "value": "disputed"})


@pytest.mark.parametrize("mutate, reason", [
    (annotation_with(_set(["body", 0, "value"], "mostly true")), "verdict 'mostly true'"),
    (annotation_with(_two_verdicts), "two verdicts"),
    (annotation_with(_set(["target", "selector", 0, "start"], "12")), "whole numbers"),
    (annotation_with(_set(["target", "selector", 0, "end"], 0)), "not a range of text"),
    (annotation_with(_set(["created"], "yesterday")), "ISO 8601"),
    (annotation_with(_set(["body", 1, "workbench:evidence"], {"stance": "maybe"})), "stance 'maybe'"),
    (annotation_with(_set(["body", 1, "workbench:evidence"], {"title": 3})), "title is not text"),
    (_twice_differently, "appears twice in the file, saying different things"),
    (lambda c: {**c, "type": "Thing"}, "not a W3C annotation file"),
    (lambda c: "not even JSON {", "not valid JSON"),
    (lambda c: '{"type": "Annotation", "total": NaN}', "not valid JSON"),
])
def test_bad_annotation_refused_and_nothing_stored(store, reviewer_id, article, fresh, tmp_path,
                                                   mutate, reason):
    claim = add_claim(store, article["id"], 0, 5, reviewer_id=reviewer_id, verdict="verified")
    add_evidence(store, claim["id"], 1.0, reviewer_id, url="https://example.org/")
    start = BODY.index("Four")
    add_claim(store, article["id"], start, start + 4, reviewer_id=reviewer_id)  # a good one after it
    data = mutate(export_collection(store))
    before = counts(fresh)
    with pytest.raises(ImportRefused, match=reason) as refused:
        import_annotation_file(fresh, write(tmp_path, data), reviewer_id=fresh.reviewer("Importer"))
    assert str(refused.value).startswith(str(tmp_path / "claims.jsonld") + ":")
    assert counts(fresh) == before


def test_non_utf8_and_unreadable_files_refused(fresh, tmp_path, reviewer_id):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"label": "café"}'.encode("latin-1"))
    with pytest.raises(ImportRefused, match="latin1.json: is not UTF-8"):
        import_annotation_file(fresh, path, reviewer_id=reviewer_id)
    with pytest.raises(ImportRefused, match="missing.json: cannot read"):
        import_annotation_file(fresh, tmp_path / "missing.json", reviewer_id=reviewer_id)


def test_claim_id_used_on_another_article_refused(store, reviewer_id, article, fresh, tmp_path):
    claim = add_claim(store, article["id"], 0, 5, reviewer_id=reviewer_id)
    importer = fresh.reviewer("Importer")
    other = add_article(fresh, OTHER, reviewer_id=importer).article
    add_claim(fresh, other["id"], 0, 5, reviewer_id=importer, claim_id=claim["id"])
    before = counts(fresh)
    with pytest.raises(ImportRefused, match="another article"):
        import_annotation_file(fresh, write(tmp_path, dumps(export_collection(store))), reviewer_id=importer)
    assert counts(fresh) == before


def test_single_annotation_and_missing_creator(store, reviewer_id, article, fresh, tmp_path):
    add_claim(store, article["id"], 0, 5, reviewer_id=reviewer_id, verdict="verified")
    single = items(export_collection(store))[0]
    del single["creator"], single["modified"]
    single["created"] = "2024-05-01T12:00:00+02:00"  # another zone: kept as UTC
    single["body"].append({"id": "https://example.org/report", "purpose": "linking"})
    importer = fresh.reviewer("Importer")
    assert "Ana" not in fresh.reviewer_names().values()
    assert import_annotation_file(fresh, write(tmp_path, single), reviewer_id=importer) == 1
    (claim,) = claims_for(fresh, article["id"])
    assert claim["created_by"] == importer
    assert claim["created_at"] == claim["updated_at"] == "2024-05-01T10:00:00.000000Z"
    (evidence,) = fresh.query("SELECT * FROM evidence")
    assert evidence["url"] == "https://example.org/report" and evidence["claim_id"] == claim["id"]


@pytest.mark.parametrize("text, reason", [
    ("42", "expected a JSON object or list"),
    ("[" * 100_000, "not valid JSON"),
    ('{"type": "AnnotationCollection", "first": "https://example.org/page1"}', "first page is not included"),
])
def test_files_that_are_not_annotations(fresh, tmp_path, text, reason):
    with pytest.raises(ImportRefused, match=reason):
        import_annotation_file(fresh, write(tmp_path, text), reviewer_id=fresh.reviewer("Importer"))


# -- the round-trip property ------------------------------------------------------------------

TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from("ab \n.\u0301\u0627\u0644\u05e9\u200f\u200d😀👩🏽\U0001f1fa\U0001f1f8\t"),
        st.characters(exclude_categories=("Cs",), exclude_characters="\x00"),
    ),
    min_size=1, max_size=60)
NAMES = st.sampled_from(["Ana", "Ben Okafor", "Zoë", "مريم", "李雷"])


@st.composite
def documents(draw):
    body = draw(TEXT.filter(lambda t: t.strip()))
    claims = draw(st.lists(st.tuples(
        st.integers(0, 10_000), st.integers(1, 60), st.sampled_from(VERDICTS), st.text(max_size=20),
        NAMES, st.lists(st.text(max_size=10), max_size=2)), max_size=6))
    return body, claims


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_export_import_export_is_identical(doc):
    raw, claims = doc
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        with Store.open(folder / "a.db") as one, Store.open(folder / "b.db") as two:
            article = add_article(one, raw, reviewer_id=one.reviewer("Ana")).article
            body = article["body"]
            add_article(two, raw, reviewer_id=two.reviewer("Someone else"))
            for offset, length, verdict, rationale, name, notes in claims:
                start = offset % len(body)
                end = min(len(body), start + length)
                claim = add_claim(one, article["id"], start, end, reviewer_id=one.reviewer(name),
                                  verdict=verdict, rationale=rationale)
                for position, note in enumerate(notes):
                    add_evidence(one, claim["id"], float(position), one.reviewer("Ana"),
                                 url=f"https://example.org/{position}", note=note)
            text = dumps(export_collection(one))
            path = folder / "claims.jsonld"
            path.write_text(text, encoding="utf-8")
            assert import_annotation_file(two, path, reviewer_id=two.reviewer("Someone else")) == len(claims)
            assert dumps(export_collection(two)) == text
            for claim in claims_for(two, article["id"]):
                assert body[claim["start"]:claim["end"]] == claim["quote"]


def hypothesis_row(uri, exact, text="", annotation_id="a1"):
    """An annotation as Hypothesis's API returns it (one of its search `rows`)."""
    return {"id": annotation_id, "uri": uri, "text": text, "tags": [], "user": "acct:ben@hypothes.is",
            "target": [{"source": uri, "selector": [{"type": "TextQuoteSelector", "exact": exact}]}]}


def test_imported_onto_an_article_names_matter_less(store, reviewer_id, article, tmp_path):
    """Onto the open article: a page address we do not hold, an older version's id, or no document at all
    all mean this article; only an annotation naming another article we hold is left out."""
    from workbench.annotations import import_annotation_file_report
    from workbench.versions import add_version

    other = add_article(store, OTHER, reviewer_id=reviewer_id, title="Other").article
    older = add_article(store, BODY.replace("calm", "quiet"), reviewer_id=reviewer_id, title="Jets v0").article
    add_version(store, older["id"], article["id"], reviewer_id=reviewer_id)
    rows = {"rows": [
        hypothesis_row("https://pasted.example/jets?utm=x", "Four Russian fighter jets", annotation_id="a1"),
        hypothesis_row("urn:uuid:" + older["id"], "The border is calm", annotation_id="a2"),
        hypothesis_row("urn:uuid:" + other["id"], "A second article", annotation_id="a3"),
        hypothesis_row("https://pasted.example/jets", "Words this article never had", annotation_id="a4"),
    ]}
    path = write(tmp_path, rows, "hypothesis.json")
    without = import_annotation_file_report(store, path, reviewer_id=reviewer_id, article_id=article["id"])
    # without onto: the page address is not ours, and each id names its own article
    assert (without.imported, sum(without.skipped.values()), len(without.orphans)) == (1, 2, 1)
    assert claims_for(store, article["id"]) == []
    with Store.open(tmp_path / "second.db") as second:
        ana = second.reviewer("Ana")
        mine = add_article(second, BODY, reviewer_id=ana, title="Jets").article
        add_article(second, OTHER, reviewer_id=ana, title="Other")
        before = add_article(second, BODY.replace("calm", "quiet"), reviewer_id=ana).article
        add_version(second, before["id"], mine["id"], reviewer_id=ana)
        report = import_annotation_file_report(second, path, reviewer_id=ana, article_id=mine["id"], onto=True)
        assert {c["quote"] for c in claims_for(second, mine["id"])} == {"Four Russian fighter jets",
                                                                         "The border is calm"}
        assert report.imported == 2 and [o[1] for o in report.orphans] == ["Words this article never had"]
        assert dict(report.skipped) == {"about another article in the database, not the one it was imported onto": 1}
        assert claims_for(second, before["id"]) == []


def test_an_annotation_import_reports_progress_and_cancel_stores_nothing(store, reviewer_id, article, tmp_path):
    from workbench.annotations import PROGRESS_EVERY, import_annotation_file_report

    rows = {"rows": [hypothesis_row("urn:uuid:" + article["id"], "Four Russian fighter jets", annotation_id=f"a{n}")
                     for n in range(PROGRESS_EVERY * 2 + 1)]}
    path = write(tmp_path, rows, "many.json")
    seen = []
    with pytest.raises(ImportRefused, match="many.json: cancelled; nothing was imported"):
        import_annotation_file_report(store, path, reviewer_id=reviewer_id, progress=lambda *a: seen.append(a),
                                      cancelled=lambda: len(seen) > 1)
    assert [done for done, _, _ in seen] == [0, PROGRESS_EVERY] and seen[0][1] == PROGRESS_EVERY * 2 + 1
    assert claims_for(store, article["id"]) == []
    report = import_annotation_file_report(store, path, reviewer_id=reviewer_id, progress=lambda *a: None)
    assert report.imported == PROGRESS_EVERY * 2 + 1


def test_an_import_can_be_taken_back_and_imported_again(store, reviewer_id, article, tmp_path):
    from workbench.annotations import import_annotation_file_report, remove_imported
    from workbench.evidence import add_evidence as add_source
    from workbench.orphans import orphans_for

    placed = hypothesis_row("urn:uuid:" + article["id"], "Four Russian fighter jets", annotation_id="p1")
    placed["text"] = "Radar"
    placed["target"][0]["selector"].append({"type": "TextPositionSelector", "start": 0, "end": 1})
    lost = hypothesis_row("urn:uuid:" + article["id"], "Words the article never had", annotation_id="p2")
    full = {"@context": "http://www.w3.org/ns/anno.jsonld", "id": "urn:uuid:5f3a1c9e-0000-4000-8000-000000000001",
            "type": "Annotation", "target": {"source": "urn:uuid:" + article["id"], "selector": {
                "type": "TextQuoteSelector", "exact": "The border is calm"}},
            "body": [{"type": "TextualBody", "purpose": "assessing", "value": "verified"},
                     {"type": "SpecificResource", "purpose": "linking", "source": "https://example.org/calm"}]}
    path = write(tmp_path, {"rows": [placed, lost]}, "h.json")
    own = write(tmp_path, full, "ours.json")
    tables = ("claims", "evidence", "verdict_history", "orphans")
    before = {t: store.get_value(f"SELECT count(*) FROM {t}") for t in tables}
    report = import_annotation_file_report(store, path, reviewer_id=reviewer_id)
    other = import_annotation_file_report(store, own, reviewer_id=reviewer_id)
    assert (report.imported, len(report.orphans), other.imported) == (1, 1, 1)
    remove_imported(store, report.stored + other.stored)
    assert {t: store.get_value(f"SELECT count(*) FROM {t}") for t in tables} == before
    again = import_annotation_file_report(store, path, reviewer_id=reviewer_id)
    assert (again.imported, len(again.orphans), again.present) == (1, 1, 0)  # not "already there"
    assert [o["quote"] for o in orphans_for(store, article["id"])] == ["Words the article never had"]
    # a claim the reviewer has added evidence to since is not taken away silently
    [claim_id] = [row_id for row_id, _ in again.stored if store.get("claims", row_id)]
    add_source(store, claim_id, reviewer_id=reviewer_id, title="My own source")
    with pytest.raises(WorkbenchError, match="evidence added since it was imported"):
        remove_imported(store, again.stored)
    assert store.get("claims", claim_id) is not None and len(orphans_for(store, article["id"])) == 1
