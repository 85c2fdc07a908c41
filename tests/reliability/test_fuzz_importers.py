"""Fuzzed files for every importer and for W3C annotation import: a correct import or a clear error.

Every input goes through `importers.import_sources` as a file of the kind its name says, and
annotation files also straight through `annotations.import_annotation_file`. What must hold:
- nothing escapes: `import_sources` turns exceptions it did not expect into "could not be imported
  (SomeError: ...)", which is a crash with better manners, so that counts as a failure here; the
  annotation import raises nothing but ImportRefused;
- an error names the file and changes no row of any table (all counts as before);
- a success stores normalised text under its content-derived id (one article, no claims), or for
  annotation files exactly the claims it reports, each quoting the article text it points at.
"""

import codecs
import copy
import itertools
import json
import uuid

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from workbench import annotations, ids
from workbench.articles import add_article
from workbench.errors import ImportRefused
from workbench.importers import _LOOKS_HTML, import_sources, import_text
from workbench.store import Store
from workbench.text import normalise_body
from workbench.verdicts import VERDICTS

TABLES = ("reviewers", "articles", "appearances", "claims", "verdict_history", "evidence", "blobs",
          "attachments", "meta")
FUZZ = settings(max_examples=100, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

ARTICLE = ("Officials in Gdańsk said that 412 drones crossed the border 🛩️ on Tuesday.\n"
           "Frau Müller claimed that spending rose by 7% — a claim the opposition rejects 😐.\n"
           "مرحبا بالعالم: analysts in São Paulo estimated a budget of €300 million (see the annex) 📊.")

_names = itertools.count()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """One database for all examples (each checks its own before and after), with ARTICLE in it."""
    folder = tmp_path_factory.mktemp("fuzz")
    store = Store.open(folder / "fuzz.db")
    reviewer = store.reviewer("Fuzz")
    article = add_article(store, ARTICLE, reviewer_id=reviewer, title="Known article").article
    yield {"store": store, "reviewer": reviewer, "folder": folder, "article": article}
    store.close()


def counts(store) -> dict[str, int]:
    return {t: store.get_value(f'SELECT count(*) FROM "{t}"') for t in TABLES}


def write(world, suffix: str, data: bytes):
    path = world["folder"] / f"input-{next(_names)}{suffix}"
    path.write_bytes(data)
    return path


def check_consistent(store) -> None:
    assert store.get_value("PRAGMA foreign_key_check") is None
    for table in ("articles_fts", "claims_fts", "evidence_fts"):
        store.conn.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")


def import_file(world, path):
    """import_sources on one file; checks the outcome's shape and that an error changed nothing."""
    store = world["store"]
    before = counts(store)
    outcomes = import_sources(store, [str(path)], reviewer_id=world["reviewer"])
    assert len(outcomes) == 1
    [outcome] = outcomes
    assert outcome.source == str(path)
    after = counts(store)
    if outcome.error is not None:
        assert "could not be imported (" not in outcome.error, f"an unexpected exception: {outcome.error}"
        assert outcome.error.startswith(f"{path}: ") and len(outcome.error) > len(f"{path}: ") + 5
        assert outcome.added == [] and outcome.claims == 0
        assert after == before, f"{outcome.error}, but rows changed: {before} -> {after}"
    assert not store.conn.in_transaction
    return outcome, before, after


def check_article_import(world, path, expected_body=None):
    """A text/Markdown/HTML file: an error, or one article stored as normalised text."""
    outcome, before, after = import_file(world, path)
    if outcome.error is not None:
        return outcome
    assert len(outcome.added) == 1
    added = outcome.added[0]
    stored = world["store"].get("articles", added.article["id"])
    body = stored["body"]
    assert body and "\x00" not in body and normalise_body(body) == body
    assert stored["id"] == ids.article_id(body)
    if expected_body is not None:
        assert body == expected_body
    grew = {t: after[t] - before[t] for t in TABLES if after[t] != before[t]}
    if added.new:
        assert grew.get("articles") == 1
    assert set(grew) <= {"articles", "appearances"} and grew.get("appearances", 0) <= 1, grew
    return outcome


# -- random bytes and random text ---------------------------------------------------------------

SUFFIXES = st.sampled_from([".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonld"])
ODD = st.sampled_from(["\x00", "\ufeff", "\r\n", "\r", "\u2028", "\x85", "😀", "👩‍👩‍👧", "e\u0301", "\u202e",
                       "<", "&#0;", "&#xD800;", "{", "]", "\"", "\\u0000", "# ", "- ", "```", "\t", " "])
TEXT = st.lists(st.one_of(st.text(max_size=30), ODD), max_size=15).map("".join)
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32", "cp1252", "latin-1",
                             "shift_jis", "koi8-r", "gb18030"])


@FUZZ
@given(data=st.binary(max_size=3_000), suffix=SUFFIXES)
@example(data=b"", suffix=".txt")
@example(data=b"\xff\xfe\x00", suffix=".txt")
@example(data=b"\xef\xbb\xbf", suffix=".md")
@example(data=b"\x00\x01\x02binary", suffix=".html")
@example(data=b"[" * 100_000, suffix=".json")
def test_random_bytes(world, data, suffix):
    path = write(world, suffix, data)
    if suffix in (".json", ".jsonld"):
        check_annotation_import(world, path)
    else:
        check_article_import(world, path)


@FUZZ
@given(text=TEXT, encoding=ENCODINGS, suffix=st.sampled_from([".txt", ".md", ".html"]))
@example(text="Plain words.", encoding="utf-16", suffix=".txt")
@example(text="\ufeff\ufeff\n\n", encoding="utf-8", suffix=".txt")
def test_random_text_in_any_encoding(world, text, encoding, suffix):
    data = text.encode(encoding, errors="replace")
    path = write(world, suffix, data)
    expected = None
    # FF FE 00 00 opens UTF-32-LE: UTF-16 text that starts with U+0000 is read as UTF-32, as it must be.
    utf16_nul = encoding == "utf-16" and text.startswith("\x00")
    if suffix == ".txt" and encoding in ("utf-8", "utf-8-sig", "utf-16", "utf-32") and not utf16_nul:
        try:  # these are read back exactly (a leading U+FEFF is a byte-order mark: normalising drops it)
            expected = normalise_body(text)
        except ImportRefused:
            expected = "refused"
    outcome = check_article_import(world, path, expected if expected != "refused" else None)
    if expected == "refused":
        assert outcome.error is not None
    elif expected is not None:
        assert outcome.error is None, outcome.error


# -- HTML: real pages, truncated and mutated ----------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Drones over the border: what we know | The Baltic Ledger</title>
<meta name="author" content="Agnieszka Wiśniewska">
<meta property="og:site_name" content="The Baltic Ledger">
<meta property="article:published_time" content="2024-03-05T09:30:00+00:00">
<link rel="canonical" href="https://ledger.example/2024/03/drones">
<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Drones", "author": {"name": "A. W."}}</script>
<script>window.tracking = {id: "UA-1"};</script><style>p { color: red }</style>
</head><body>
<header><nav><a href="/">Home</a> <a href="/politics">Politics</a></nav></header>
<main><article>
<h1>Drones over the border: what we know</h1>
<p>Officials in Gdańsk said on Tuesday that 412 drones crossed the border 🛩️, the highest figure
this year according to a statement from the ministry.</p>
<p>Frau Müller claimed that spending rose by 7% — a claim the opposition rejects as “grossly
exaggerated”. Analysts in São Paulo estimated a budget of €300 million.</p>
<table><tr><th>Month</th><th>Drones</th></tr><tr><td>January</td><td>12</td></tr></table>
<p>مرحبا بالعالم — the Arabic service carried the same report, with e\u0301 and 👩‍👩‍👧.</p>
</article></main>
<aside><a href="/x">Most read</a></aside><footer><p>© 2024 The Baltic Ledger</p></footer>
</body></html>
"""
FRAGMENTS = st.one_of(st.text(max_size=25), st.sampled_from([
    "<", ">", "</p>", "<p>", "<script>", "</script>", "<!--", "-->", "<![CDATA[", "]]>", "&amp", "&#0;",
    "&#xD800;", "&#1114112;", "\x00", "\ufeff", '<meta charset="punycode">', '<meta charset="utf-16">',
    '<meta charset="x-no-such">', '<meta charset="idna">', "<html>", "</html>", "<body>", "<table><tr><td>",
    "<a href='javascript:alert(1)'>", "😀", "\u202e", "<svg><style>", "<?xml version='1.0'?>", "<frameset>",
    "<noscript>", "<template>", "<math><mi>", "<br/>" * 20, "<div>" * 300]))


@st.composite
def mutated(draw, base: str) -> str:
    text = base
    for _ in range(draw(st.integers(0, 5))):
        op = draw(st.sampled_from(["truncate", "insert", "delete", "duplicate"]))
        pos = draw(st.integers(0, len(text)))
        if op == "truncate":
            text = text[:pos]
        elif op == "insert":
            text = text[:pos] + draw(FRAGMENTS) + text[pos:]
        elif op == "delete":
            text = text[:pos] + text[pos + draw(st.integers(1, 400)):]
        else:
            text = text[:pos] + text[pos:pos + draw(st.integers(1, 400))] * 2 + text[pos:]
    return text


@FUZZ
@given(html=mutated(PAGE), encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
       suffix=st.sampled_from([".html", ".htm"]))
@example(html=PAGE, encoding="utf-8", suffix=".html")
@example(html=PAGE.replace('charset="utf-8"', 'charset="punycode"'), encoding="utf-8", suffix=".html")
@example(html=PAGE[:700], encoding="utf-8", suffix=".html")
@example(html='<meta charset="punycode"><p>The minister said so.</p>', encoding="utf-8", suffix=".html")
def test_truncated_and_mutated_html(world, html, encoding, suffix):
    path = write(world, suffix, html.encode(encoding, errors="replace"))
    outcome = check_article_import(world, path)
    if html == PAGE:
        assert outcome.error is None and "412 drones" in outcome.added[0].article["body"]


@FUZZ
@given(text=st.one_of(TEXT, mutated(PAGE), st.lists(FRAGMENTS, max_size=8).map("".join)))
@example(text="<div>\x1f</div>")
@example(text="<p>The minister said so.</p>")
def test_pasted_text_and_html(world, text):
    """New article from the clipboard: an article, or ImportRefused (what the window shows), nothing else."""
    store = world["store"]
    before = counts(store)
    try:
        added = import_text(store, text, reviewer_id=world["reviewer"])
    except ImportRefused as error:
        assert str(error).startswith("clipboard: ") and counts(store) == before
    else:
        body = store.get("articles", added.article["id"])["body"]
        assert body and "\x00" not in body and normalise_body(body) == body
        assert body == added.article["body"]
        if not _LOOKS_HTML.match(text):
            assert body == normalise_body(text)
    assert not store.conn.in_transaction


# -- Markdown -----------------------------------------------------------------------------------

WORDS = st.one_of(st.text(max_size=15), st.sampled_from(["Gdańsk", "😀", "e\u0301", "مرحبا", "*", "_", "`",
                                                          "[", "]", "<b>", "|", "\\", "&nbsp;"]))
MD_BLOCKS = st.one_of(
    WORDS.map(lambda t: f"# {t}"), WORDS.map(lambda t: f"{t}\n===="), WORDS.map(lambda t: f"- {t}\n  - {t}"),
    WORDS.map(lambda t: f"1. {t}\n2) {t}"), WORDS.map(lambda t: f"> {t}\n> > {t}"),
    WORDS.map(lambda t: f"```\n{t}\n```"), WORDS.map(lambda t: f"    code {t}"),
    WORDS.map(lambda t: f"| a | b |\n|---|:-:|\n| {t} | {t} |"), WORDS.map(lambda t: f"<div>{t}</div>"),
    WORDS.map(lambda t: f"[{t}](http://x.example/{t}) ![{t}](i.png)"), WORDS.map(lambda t: f"*{t}* **{t}** `{t}`"),
    st.just("---"), WORDS.map(lambda t: f"<!-- {t} -->"), WORDS.map(lambda t: f"<script>{t}</script>"),
    WORDS.map(lambda t: f"{t}  \nhard break"), WORDS.map(lambda t: f"[^1]: {t}"), WORDS,
    st.just("- " * 60 + "deep"), st.just("> " * 60 + "quoted"))


@FUZZ
@given(blocks=st.lists(MD_BLOCKS, max_size=10), joiner=st.sampled_from(["\n\n", "\n", "\r\n"]),
       cut=st.none() | st.integers(0, 2_000), suffix=st.sampled_from([".md", ".markdown"]))
@example(blocks=["# Title", "Text 😀"], joiner="\n\n", cut=None, suffix=".md")
@example(blocks=["```"], joiner="\n", cut=None, suffix=".md")
@example(blocks=["<script>x</script>"], joiner="\n", cut=None, suffix=".md")
def test_markdown(world, blocks, joiner, cut, suffix):
    text = joiner.join(blocks)[:cut]
    path = write(world, suffix, text.encode("utf-8"))
    check_article_import(world, path)


# -- W3C annotation files -----------------------------------------------------------------------

JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(-5, len(ARTICLE) + 5), st.just(10 ** 40),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12),
    st.sampled_from(["urn:uuid:" + str(uuid.UUID(int=1)), "urn:uuid:not-a-uuid", "urn:uuid:", "URN:UUID:{"
                     + str(uuid.UUID(int=2)) + "}", "2024-05-01T10:00:00Z", "2024-05-01T10:00:00", "9999-12-31T23:59:59-23:59",
                     "0001-01-01T00:00:00+23:59", "Annotation", "AnnotationPage", "AnnotationCollection", "TextualBody",
                     "TextPositionSelector", "TextQuoteSelector", "assessing", "commenting", "linking", "verified",
                     "refutes", "https://example.org/e", "javascript:alert(1)", "", " ", "\ud800", "\x00"]))
JSON_VALUES = st.recursive(JSON_SCALARS, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)


@st.composite
def annotation(draw, article_id: str) -> dict:
    """One annotation shaped like the workbench's own export, with drawn values."""
    start = draw(st.integers(0, len(ARTICLE) - 1))
    end = draw(st.integers(start + 1, min(len(ARTICLE), start + 80)))
    selectors = []
    if draw(st.booleans()):
        selectors.append({"type": "TextPositionSelector", "start": start, "end": end})
    if draw(st.booleans()) or not selectors:
        selectors.append({"type": "TextQuoteSelector", "exact": ARTICLE[start:end],
                          "prefix": ARTICLE[max(0, start - 32):start], "suffix": ARTICLE[end:end + 32]})
    body = [{"type": "TextualBody", "purpose": "assessing", "value": draw(st.sampled_from(VERDICTS))}]
    if draw(st.booleans()):
        body.append({"type": "TextualBody", "purpose": "commenting", "format": "text/markdown",
                     "value": draw(st.text(max_size=40))})
    for _ in range(draw(st.integers(0, 2))):
        item = {"id": "urn:uuid:" + str(draw(st.uuids())), "purpose": "linking",
                "created": "2024-05-01T10:00:00.000000Z", "modified": "2024-05-02T10:00:00.000000Z"}
        if draw(st.booleans()):
            item.update(type="SpecificResource", source="https://example.org/" + draw(st.text(max_size=8)))
        item["workbench:evidence"] = {"title": draw(st.text(max_size=20)), "stance": "supports",
                                      "reliability": draw(st.sampled_from(["reliable", "mixed", "unknown"]))}
        if draw(st.booleans()):
            item["creator"] = {"type": "Person", "name": draw(st.text(min_size=1, max_size=10))}
        body.append(item)
    result = {"@context": annotations.CONTEXT, "id": "urn:uuid:" + str(draw(st.uuids())), "type": "Annotation",
              "motivation": "assessing", "created": "2024-05-01T10:00:00.000000Z",
              "modified": "2024-05-03T10:00:00.000000Z",
              "target": {"source": "urn:uuid:" + article_id, "selector": selectors}, "body": body}
    if draw(st.booleans()):
        result["creator"] = {"type": "Person", "id": "urn:uuid:" + str(draw(st.uuids())),
                             "name": draw(st.sampled_from(["Bo", "Ana", "Zoë 😀", " x "]))}
    return result


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _paths(inner, (*prefix, index))


@st.composite
def annotation_file(draw, article_id: str):
    """A collection, page, annotation or list of them, with a few values changed, dropped or added."""
    items = draw(st.lists(annotation(article_id), min_size=1, max_size=3))
    shape = draw(st.sampled_from(["collection", "page", "one", "list"]))
    if shape == "collection":
        doc = {"@context": annotations.CONTEXT, "id": "urn:uuid:" + str(draw(st.uuids())),
               "type": "AnnotationCollection", "label": "Claims", "total": len(items),
               "first": {"type": "AnnotationPage", "startIndex": 0, "items": items}}
    elif shape == "page":
        doc = {"type": "AnnotationPage", "items": items}
    elif shape == "one":
        doc = items[0]
    else:
        doc = items
    doc = copy.deepcopy(doc)
    for _ in range(draw(st.integers(0, 3))):
        path = draw(st.sampled_from(list(_paths(doc))))
        op = draw(st.sampled_from(["replace", "delete", "add", "wrap"]))
        if not path:
            if op == "replace":
                doc = draw(JSON_VALUES)
            continue
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        key = path[-1]
        if op == "replace":
            parent[key] = draw(JSON_VALUES)
        elif op == "delete":
            del parent[key]
        elif op == "wrap":
            parent[key] = [parent[key]]
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(["type", "id", "next", "items", "first", "purpose", "selector",
                                         "created", "start", "end", "body", "target", "extra"]))] = draw(JSON_VALUES)
        else:
            parent.insert(key, draw(JSON_VALUES))
    return doc


def check_annotation_import(world, path):
    """An annotation file through import_sources, and straight through import_annotation_file."""
    store = world["store"]
    known = {r["id"] for r in store.query("SELECT id FROM claims")}
    outcome, before, after = import_file(world, path)
    if outcome.error is None:
        assert outcome.added == []
        assert after["claims"] - before["claims"] == outcome.claims
        assert after["articles"] == before["articles"]
        check_claims(store, known)
    # The module's own entry point, outside import_sources' safety net: ImportRefused or a count.
    before = counts(store)
    try:
        stored = annotations.import_annotation_file(store, path, reviewer_id=world["reviewer"])
    except ImportRefused as error:
        assert str(error).startswith(f"{path}: ")
        assert counts(store) == before
        assert outcome.error is not None, "import_sources took what import_annotation_file refuses"
    else:
        assert stored == 0, "import_sources already stored these claims, so none are new"
        assert outcome.error is None, f"import_sources refused what import_annotation_file takes: {outcome.error}"
        assert counts(store) == before
    assert not store.conn.in_transaction
    check_consistent(store)
    return outcome


def check_claims(store, known: set[str]) -> None:
    """Every newly imported claim quotes the article text it points at, with a consistent history."""
    for claim in store.query("SELECT * FROM claims"):
        if claim["id"] in known:
            continue
        body = store.get("articles", claim["article_id"])["body"]
        assert 0 <= claim["start"] < claim["end"] <= len(body)
        assert body[claim["start"]:claim["end"]] == claim["quote"]
        assert body[:claim["start"]].endswith(claim["prefix"]) and body[claim["end"]:].startswith(claim["suffix"])
        assert claim["verdict"] in VERDICTS
        history = store.query("SELECT to_verdict FROM verdict_history WHERE claim_id = ?", [claim["id"]])
        assert [h["to_verdict"] for h in history] == ([claim["verdict"]] if claim["verdict"] != "pending" else [])


@FUZZ
@given(data=st.data(), ensure_ascii=st.booleans(), suffix=st.sampled_from([".json", ".jsonld"]),
       cut=st.none() | st.integers(0, 3_000))
def test_w3c_annotation_files(world, data, ensure_ascii, suffix, cut):
    doc = data.draw(annotation_file(world["article"]["id"]))
    text = json.dumps(doc, ensure_ascii=ensure_ascii)[:cut]
    path = write(world, suffix, text.encode("utf-8", errors="surrogatepass"))
    check_annotation_import(world, path)


@pytest.mark.parametrize("text", [
    '{"type": "Annotation", "id": NaN}',
    '[' * 50_000 + ']' * 50_000,
    '{"type": "AnnotationCollection", "first": "urn:uuid:0"}',
    '{"type": "AnnotationPage", "items": {"0": 1}}',
    '{"type": ["Annotation"]}',
    codecs.BOM_UTF8.decode("utf-8") + '[]',
    '{"type": "Annotation", "motivation": {}, "body": {"purpose": [{}], "value": "x"}, "target": "urn:uuid:0"}',
], ids=["NaN", "deep", "remote first page", "items not a list", "type a list", "BOM, empty list",
        "motivation and purpose not strings"])
def test_odd_json(world, text):
    path = write(world, ".jsonld", text.encode("utf-8"))
    check_annotation_import(world, path)


def test_lone_surrogate_in_a_rationale_is_refused_clearly(world):
    """JSON may spell a lone surrogate (\\ud800); it cannot be stored as UTF-8, so the file is refused."""
    store = world["store"]
    start = ARTICLE.index("412")
    doc = {"type": "Annotation", "id": "urn:uuid:" + str(uuid.uuid4()),
           "target": {"source": "urn:uuid:" + world["article"]["id"],
                      "selector": {"type": "TextPositionSelector", "start": start, "end": start + 10}},
           "body": [{"type": "TextualBody", "purpose": "assessing", "value": "disputed"},
                    {"type": "TextualBody", "purpose": "commenting", "value": "half a pair: \ud800"}]}
    path = write(world, ".jsonld", json.dumps(doc).encode("ascii"))
    outcome = check_annotation_import(world, path)
    assert outcome.error is not None
    assert store.get("claims", doc["id"][len("urn:uuid:"):]) is None
