"""Importing files, web pages (from a local server), pasted text and annotation files."""

import codecs
import os
import socket
import subprocess
import sys
import time
import types
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import workbench
from workbench import importers, webfetch
from tests.local_server import serving
from workbench.articles import add_article, appearances
from workbench.errors import ImportRefused
from workbench.importers import Outcome, import_html, import_sources, import_text
from workbench.text import normalise_body

ROOT = Path(__file__).resolve().parents[2]

ARTICLE_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Minister's jobs claim does not add up | The Daily Ledger</title>
<meta name="author" content="Maria Lopez">
<meta property="og:site_name" content="The Daily Ledger">
<meta property="og:title" content="Minister's jobs claim does not add up">
<meta property="article:published_time" content="2024-03-05T09:30:00+00:00">
<link rel="canonical" href="https://ledger.example/2024/03/jobs-claim">
<script>window.tracking = {id: "UA-TRACK-ME"};</script>
<style>body { font-family: serif; }</style>
</head>
<body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/politics">Politics</a></li>
<li><a href="/subscribe">Subscribe now</a></li></ul></nav></header>
<main>
<article>
<h1>Minister's jobs claim does not add up</h1>
<p>The employment minister said on Monday that unemployment had fallen by three percent over
the last year, the largest drop in a decade according to her office.</p>
<p>Figures published by the national statistics office tell a different story: the
unemployment rate moved from 5.1 to 4.9 percent, a fall of 0.2 percentage points.</p>
<p>Asked about the difference, a spokesperson said the minister had been referring to the
number of people claiming benefits, which is a separate measure.</p>
<p>Economists we spoke to said that the two measures are often confused, and that the claimant
count is affected by changes to eligibility rules. Café owners in Zürich were not asked.</p>
</article>
</main>
<aside class="sidebar"><h3>Most read</h3><ul><li><a href="/x">Celebrity spotted at bakery</a></li></ul></aside>
<footer><p>Copyright 2024 The Daily Ledger. All rights reserved.</p><p><a href="/privacy">Privacy policy</a></p></footer>
<script>document.write("AD BANNER SCRIPT");</script>
</body>
</html>
"""

NO_ARTICLE_PAGE = """<html><head><title>Nothing here</title><script>var a = 1;</script></head>
<body><nav><a href="/">Home</a></nav><script>document.write("x")</script></body></html>"""

# A page built by scripts: without them, only menus are left.
SCRIPT_BUILT_PAGE = """<html><head><title>App</title></head><body>
<div class="top"><a href="/">Logo</a> <a href="/news">News and analysis</a></div>
<noscript>You need to enable JavaScript to run this app.</noscript><div id="root"></div>
<div class="menu"><a href="/c">Culture and arts</a> <a href="/d">Contact the newsroom</a></div>
<script src="app.js"></script></body></html>"""

PARAGRAPHS = [
    "The employment minister said on Monday that unemployment had fallen by three percent over "
    "the last year, the largest drop in a decade according to her office.",
    "Figures published by the national statistics office tell a different story: the "
    "unemployment rate moved from 5.1 to 4.9 percent, a fall of 0.2 percentage points.",
]
BOILERPLATE = ["Subscribe now", "Politics", "UA-TRACK-ME", "AD BANNER", "Copyright 2024",
               "Privacy policy", "Celebrity spotted", "font-family"]


def count(store, table="articles"):
    return store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def one(store, source, reviewer_id) -> Outcome:
    [outcome] = import_sources(store, [str(source)], reviewer_id=reviewer_id)
    return outcome


# -- plain text ---------------------------------------------------------------------------------

PIECES = st.sampled_from(["\r\n", "\r", "\n", " ", "\t", "😀", "👩‍👩‍👧", "e\u0301", "\u0915\u094d\u0937",
                          "שלום עולם", "مرحبا", "\u200f", "\ufeff", "\u2028", "\x85", "\x00", "é"])
TEXTS = st.lists(st.one_of(st.text(max_size=20), PIECES), max_size=12).map("".join)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXTS, bom=st.booleans())
@example(text="\ufeff\ufeffTwo marks, one dropped", bom=True)
@example(text="\ufeff\ufeffTwo marks, one dropped", bom=False)
@example(text="a\x00b", bom=False)
@example(text="a\x00b", bom=True)
@example(text="\r\n \r\r\n\t", bom=False)
def test_utf8_text_file_stores_exactly_the_normalised_text(store, reviewer_id, tmp_path, text, bom):
    path = tmp_path / "article.txt"
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8"))
    # Bytes EF BB BF at the start of a file are a byte-order mark, whoever wrote them.
    meant = text if bom else text.removeprefix("\ufeff")
    try:
        expected = normalise_body(meant)
    except ImportRefused:
        expected = None
    before = count(store)
    outcome = one(store, path, reviewer_id)
    if expected is None:
        assert outcome.error and outcome.error.startswith(str(path))
        assert outcome.added == [] and count(store) == before
    else:
        assert outcome.error is None
        [added] = outcome.added
        assert added.article["body"] == expected
        stored = store.get("articles", added.article["id"])
        assert stored["body"] == expected
        assert stored["source_kind"] == "txt" and stored["encoding"] == "utf-8"
        assert not any(n.startswith("decoded as") for n in outcome.notes)


WESTERN = "He said “the café’s naïve façade” cost €5 – really.\nSecond line: Zürich, Ørsted, Ålesund."


@pytest.mark.parametrize("encoding, text, named", [
    ("cp1252", WESTERN, "cp1252"),
    ("latin-1", "Le café naïve, façade et résumé à côté.\nDeuxième ligne : élève, garçon, où.", "cp1252"),
    ("cp1252", "naïve", "cp1252"),  # too short for statistics: Windows-1252 wins the tie
    ("cp1251", "Привет, как дела? Это тест кодировки для статьи о выборах.", "cp1251"),
    ("utf-16", "Ünïcödé text 😀 with עברית and\r\nWindows line ends", "utf-16"),
    ("utf-16-be", "\ufeffBig-endian text 😀 here", "utf-16"),
])
def test_other_encodings_are_decoded_and_named(store, reviewer_id, tmp_path, encoding, text, named):
    path = tmp_path / "legacy.txt"
    path.write_bytes(text.encode(encoding))
    outcome = one(store, path, reviewer_id)
    assert outcome.error is None
    article = outcome.added[0].article
    assert article["body"] == normalise_body(text)
    assert article["encoding"] == named
    assert f"decoded as {named}" in outcome.notes


def test_utf8_bom_is_dropped_and_title_is_first_line(store, reviewer_id, tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(codecs.BOM_UTF8 + "  \r\nFirst real line  \r\nsecond\r\n\r\n".encode())
    outcome = one(store, path, reviewer_id)
    article = outcome.added[0].article
    assert article["body"] == "First real line\nsecond"
    assert article["title"] == "First real line"
    assert outcome.notes == []


@pytest.mark.parametrize("name, data, reason", [
    ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
    ("noise.txt", bytes(range(0x80, 0x100)) * 8 + b"\x81\x8d\x8f\x90\x9d" * 50, "binary"),
    ("empty.txt", b"", "is empty"),
    ("blank.txt", b" \r\n\t\n  \n", "has no text"),
    ("blank.md", b"\n\n<!-- only a comment -->\n", "has no text"),
    ("nul.txt", "a\x00b".encode("utf-16"), "NUL"),
])
def test_binary_and_empty_files_are_refused(store, reviewer_id, tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    outcome = one(store, path, reviewer_id)
    assert outcome.error.startswith(f"{path}: ") and reason in outcome.error
    assert outcome.added == [] and count(store) == 0


def test_missing_folder_and_unknown_sources_get_clear_errors(store, reviewer_id, tmp_path):
    (tmp_path / "report.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / "README").write_text("hello")
    sources = [str(tmp_path / "gone.txt"), str(tmp_path), str(tmp_path / "report.docx"),
               str(tmp_path / "README")]
    outcomes = import_sources(store, sources, reviewer_id=reviewer_id)
    assert [o.source for o in outcomes] == sources
    assert outcomes[0].error == f"{sources[0]}: no such file"
    assert outcomes[1].error == f"{sources[1]}: is a folder, not a file"
    assert ".docx files" in outcomes[2].error and ".txt, .md" in outcomes[2].error
    assert "without an extension" in outcomes[3].error and "http(s)://" in outcomes[3].error
    assert count(store) == 0


UNREADABLE = """
import sys
from workbench.importers import import_sources
from workbench.store import Store
with Store.open(sys.argv[1]) as store:
    [outcome] = import_sources(store, [sys.argv[2]], reviewer_id=store.reviewer("Ana"))
    print(outcome.error)
"""


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_unreadable_file_is_reported(tmp_path):
    """A file the reviewer may not read. Root reads any file, so as root (CI) the import runs
    without the capabilities that let it (util-linux's setpriv), as an ordinary user would."""
    path = tmp_path / "secret.txt"
    path.write_text("text")
    path.chmod(0)
    command = [sys.executable, "-c", UNREADABLE, str(tmp_path / "w.db"), str(path)]
    if os.geteuid() == 0:
        command = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--", *command]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.stdout.strip() == f"{path}: cannot be read (permission denied)", result.stderr


def test_one_bad_file_does_not_stop_the_others(store, reviewer_id, tmp_path):
    good1, bad, good2 = tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.md"
    good1.write_text("First article text.")
    bad.write_bytes(b"\x00\x01\x02 binary")
    good2.write_text("# Second\n\nSecond article text.")
    outcomes = import_sources(store, [str(good1), str(bad), str(good2)], reviewer_id=reviewer_id)
    assert [o.error is None for o in outcomes] == [True, False, True]
    assert [o.added[0].article["title"] for o in (outcomes[0], outcomes[2])] == [
        "First article text.", "Second"]
    assert count(store) == 2


def test_same_file_twice_says_so_and_adds_no_row(store, reviewer_id, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("The same article.\r\n")
    first, second = import_sources(store, [str(path), str(path)], reviewer_id=reviewer_id)
    assert first.added[0].new and first.notes == []
    assert not second.added[0].new
    assert any("already in the database" in note for note in second.notes)
    assert second.added[0].article["id"] == first.added[0].article["id"]
    assert count(store) == 1


# -- Markdown -----------------------------------------------------------------------------------

MARKDOWN = """# The *budget* claim

The minister said **unemployment** fell, see [the official report](https://stats.example/r)
![a chart](chart.png) and <span class="x">this note</span>.\\
Next line after a hard break.

## Sources

- first item with `code`
- second item, [linked](https://a.example)
  - nested item
1. numbered one
2. numbered two

> A quoted paragraph.

<div>An <b>HTML block</b><script>evil()</script></div>
"""


def test_markdown_becomes_readable_text(store, reviewer_id, tmp_path):
    path = tmp_path / "claim.markdown"
    path.write_text(MARKDOWN)
    outcome = one(store, path, reviewer_id)
    article = outcome.added[0].article
    body = article["body"]
    assert article["title"] == "The budget claim" and article["source_kind"] == "md"
    assert body == (
        "The budget claim\n\n"
        "The minister said unemployment fell, see the official report and this note.\n"
        "Next line after a hard break.\n\n"
        "Sources\n\n"
        "• first item with code\n"
        "• second item, linked\n"
        "  • nested item\n"
        "1. numbered one\n"
        "2. numbered two\n\n"
        "A quoted paragraph.\n\n"
        "An HTML block")
    for markup in ("**", "#", "](", "![", "<", ">", "`", "evil"):
        assert markup not in body


def test_markdown_without_heading_takes_first_line_as_title(store, reviewer_id, tmp_path):
    path = tmp_path / "plain.md"
    path.write_text("Just *one* paragraph\nwrapped over lines.\n")
    article = one(store, path, reviewer_id).added[0].article
    assert article["title"] == "Just one paragraph wrapped over lines."


# -- HTML files ---------------------------------------------------------------------------------

def test_html_file_keeps_article_text_and_metadata(store, reviewer_id, tmp_path):
    path = tmp_path / "page.html"
    path.write_text(ARTICLE_PAGE, encoding="utf-8")
    outcome = one(store, path, reviewer_id)
    assert outcome.error is None
    article = outcome.added[0].article
    body = article["body"]
    assert "\n".join(PARAGRAPHS) in body  # paragraph breaks kept, wrapped source lines joined
    for paragraph in PARAGRAPHS:
        assert paragraph in body.split("\n")  # one paragraph a line
    for junk in BOILERPLATE:
        assert junk not in body
    assert "Café owners in Zürich" in body
    assert article["title"] == "Minister's jobs claim does not add up"
    assert article["author"] == "Maria Lopez"
    assert article["publisher"] == "The Daily Ledger"
    assert article["published"] == "2024-03-05"
    assert article["url"] == "https://ledger.example/2024/03/jobs-claim"
    assert article["source_kind"] == "html" and article["encoding"] == "utf-8"


def test_html_file_in_legacy_encoding_uses_its_meta_charset(store, reviewer_id, tmp_path):
    path = tmp_path / "old.htm"
    page = ARTICLE_PAGE.replace('<meta charset="utf-8">', '<meta charset="windows-1252">')
    path.write_bytes(page.encode("cp1252"))
    outcome = one(store, path, reviewer_id)
    assert "Café owners in Zürich" in outcome.added[0].article["body"]
    assert "decoded as cp1252" in outcome.notes


@pytest.mark.parametrize("page", [NO_ARTICLE_PAGE, SCRIPT_BUILT_PAGE])
def test_html_without_main_text_is_refused(store, reviewer_id, tmp_path, page):
    path = tmp_path / "empty.html"
    path.write_text(page)
    outcome = one(store, path, reviewer_id)
    assert outcome.error == f"{path}: no article text found in the page"
    assert count(store) == 0


def test_import_html_directly(store, reviewer_id):
    added = import_html(store, ARTICLE_PAGE, reviewer_id=reviewer_id,
                        url="https://mirror.example/a", source="mirror")
    assert added.new and added.article["url"] == "https://mirror.example/a"
    assert appearances(store, added.article["id"]) == ["https://mirror.example/a"]


# -- pasted text --------------------------------------------------------------------------------

def test_pasted_plain_text_is_kept_as_is(store, reviewer_id):
    text = "Claim: 3 < 4 and <b> is not a tag here.\r\nSecond line"
    added = import_text(store, text, reviewer_id=reviewer_id, title="Pasted")
    assert added.article["body"] == normalise_body(text)
    assert added.article["title"] == "Pasted" and added.article["source_kind"] == "clipboard"


def test_pasted_html_is_extracted_like_a_page(store, reviewer_id):
    added = import_text(store, ARTICLE_PAGE, reviewer_id=reviewer_id)
    assert PARAGRAPHS[0] in added.article["body"]
    assert "UA-TRACK-ME" not in added.article["body"]
    assert added.article["author"] == "Maria Lopez" and added.article["source_kind"] == "clipboard"


def test_pasted_html_snippet_too_short_for_extraction_keeps_its_text(store, reviewer_id):
    added = import_text(store, "<p>Only <b>one</b> short line.</p><script>x()</script>",
                        reviewer_id=reviewer_id)
    assert added.article["body"] == "Only one short line."


def test_pasted_blank_text_is_refused(store, reviewer_id):
    with pytest.raises(ImportRefused, match="^clipboard: has no text"):
        import_text(store, " \n\t", reviewer_id=reviewer_id)
    assert count(store) == 0


# -- annotation files ---------------------------------------------------------------------------

@pytest.fixture
def fake_annotations(monkeypatch):
    """A stand-in for workbench.annotations that records its calls."""
    module = types.ModuleType("workbench.annotations")
    module.calls = []
    monkeypatch.setitem(sys.modules, "workbench.annotations", module)
    monkeypatch.setattr(workbench, "annotations", module, raising=False)
    return module


def test_annotation_files_go_to_the_annotation_importer(store, reviewer_id, tmp_path, fake_annotations):
    def import_collection_report(store_, data, *, source, reviewer_id):
        fake_annotations.calls.append((store_, data, source, reviewer_id))
        return types.SimpleNamespace(imported=3, lines=lambda: ["3 claims imported (3 exactly)"])
    fake_annotations.import_collection_report = import_collection_report
    path = tmp_path / "claims.jsonld"
    path.write_text('{"type": "AnnotationPage"}')
    outcome = one(store, path, reviewer_id)
    assert outcome.error is None and outcome.claims == 3 and outcome.added == []
    assert outcome.notes == ["3 claims imported (3 exactly)"]
    assert fake_annotations.calls == [(store, {"type": "AnnotationPage"}, str(path), reviewer_id)]


def test_failing_annotation_file_stores_nothing(store, reviewer_id, tmp_path, fake_annotations):
    def import_collection_report(store_, data, *, source, reviewer_id):
        add_article(store_, "Half-imported article", reviewer_id=reviewer_id)
        raise ImportRefused(f"{source}: annotation 2 has no target")
    fake_annotations.import_collection_report = import_collection_report
    path = tmp_path / "claims.json"
    path.write_text("{}")
    outcome = one(store, path, reviewer_id)
    assert outcome.error == f"{path}: annotation 2 has no target"
    assert count(store) == 0


def test_real_annotation_file_imports_its_claims(store, reviewer_id, tmp_path):
    from workbench.annotations import dumps, export_collection
    from workbench.claims import add_claim, claims_for
    from workbench.store import Store
    text = "Four jets were seen near the border. The border is calm."
    with Store.open(tmp_path / "other.db") as other:
        article_id = add_article(other, text, reviewer_id=other.reviewer("Bo")).article["id"]
        add_claim(other, article_id, 0, 35, reviewer_id=other.reviewer("Bo"))
        (tmp_path / "claims.jsonld").write_text(dumps(export_collection(other)), encoding="utf-8")
    source = tmp_path / "article.txt"
    source.write_text(text)
    article, claims = import_sources(store, [str(source), str(tmp_path / "claims.jsonld")],
                                     reviewer_id=reviewer_id)
    assert article.error is None and claims.error is None and claims.claims == 1
    assert [c["quote"] for c in claims_for(store, article_id)] == ["Four jets were seen near the border"]


# -- web pages, from a server on this machine ---------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the http.server name
        route = self.path.split("?")[0]
        if route in ("/article", "/copy"):
            self.reply(200, "text/html; charset=utf-8", ARTICLE_PAGE.encode())
        elif route == "/latin":
            page = ARTICLE_PAGE.replace('<meta charset="utf-8">', "")
            self.reply(200, "text/html; charset=ISO-8859-1", page.encode("cp1252"))
        elif route == "/plain":
            self.reply(200, "text/plain; charset=utf-8", "A plain-text statement.\r\nLine two.".encode())
        elif route == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/article")
            self.end_headers()
        elif route == "/to-file":
            self.send_response(302)
            self.send_header("Location", "ftp://files.example/a.html")  # urllib would follow ftp
            self.end_headers()
        elif route == "/pdf":
            self.reply(200, "application/pdf", b"%PDF-1.4 binary")
        elif route == "/empty-page":
            self.reply(200, "text/html", NO_ARTICLE_PAGE.encode())
        elif route == "/big":
            self.reply(200, "text/html", b"<p>" + b"x" * 100_000 + b"</p>")
        elif route == "/big-unannounced":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(100):
                self.wfile.write(b"<p>" + b"y" * 1000 + b"</p>")
        elif route == "/slow":
            time.sleep(1.0)
            self.reply(200, "text/html", ARTICLE_PAGE.encode())
        elif route == "/trickle":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(40):
                self.wfile.write(b"<p>drip</p>")
                self.wfile.flush()
                time.sleep(0.05)
        else:
            self.reply(404, "text/html", b"<h1>Not found</h1>")

    def reply(self, status, content_type, body):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    with serving(Handler) as url:
        yield url


@pytest.fixture(autouse=True)
def _local_only(no_proxy):
    """Every request in this module goes straight to the local server."""


def test_url_import_keeps_text_metadata_and_url(store, reviewer_id, server):
    url = f"{server}/article"
    outcome = one(store, url, reviewer_id)
    assert outcome.error is None
    article = outcome.added[0].article
    for paragraph in PARAGRAPHS:
        assert paragraph in article["body"].split("\n")
    for junk in BOILERPLATE:
        assert junk not in article["body"]
    assert (article["url"], article["source_kind"], article["published"]) == (url, "url", "2024-03-05")
    assert article["publisher"] == "The Daily Ledger" and article["author"] == "Maria Lopez"
    assert appearances(store, article["id"]) == [url]


def test_same_page_at_another_url_is_recorded_as_an_appearance(store, reviewer_id, server):
    first, second, again = import_sources(
        store, [f"{server}/article", f"{server}/copy", f"{server}/copy"], reviewer_id=reviewer_id)
    assert first.added[0].new and not second.added[0].new and not again.added[0].new
    assert f"{server}/copy kept as another place it appeared" in " ".join(second.notes)
    assert "another place" not in " ".join(again.notes)
    assert appearances(store, first.added[0].article["id"]) == [f"{server}/article", f"{server}/copy"]
    assert count(store) == 1 and count(store, "appearances") == 2


def test_url_charset_from_the_response_and_plain_text_pages(store, reviewer_id, server):
    latin, plain = import_sources(store, [f"{server}/latin", f"{server}/plain"], reviewer_id=reviewer_id)
    assert "Café owners in Zürich" in latin.added[0].article["body"]
    assert "decoded as cp1252" in latin.notes
    assert plain.added[0].article["body"] == "A plain-text statement.\nLine two."


def test_redirect_is_followed_and_noted(store, reviewer_id, server):
    outcome = one(store, f"{server}/redirect", reviewer_id)
    assert outcome.added[0].article["url"] == f"{server}/article"
    assert f"redirected to {server}/article" in outcome.notes


@pytest.mark.parametrize("route, message", [
    ("/nowhere", "the server answered 404 Not Found"),
    ("/pdf", "is application/pdf, not a web page or text"),
    ("/empty-page", "no article text found in the page"),
    ("/to-file", "which is not an http(s) URL"),
])
def test_url_failures_are_one_clear_line(store, reviewer_id, server, route, message):
    url = f"{server}{route}"
    outcome = one(store, url, reviewer_id)
    assert outcome.error.startswith(f"{url}: ") and message in outcome.error
    assert "\n" not in outcome.error and count(store) == 0


@pytest.mark.parametrize("route", ["/big", "/big-unannounced"])
def test_too_large_page_is_refused(store, reviewer_id, server, monkeypatch, route):
    monkeypatch.setattr(webfetch, "MAX_BYTES", 50_000)
    outcome = one(store, f"{server}{route}", reviewer_id)
    assert "is too large" in outcome.error and count(store) == 0


@pytest.mark.parametrize("route", ["/slow", "/trickle"])
def test_slow_page_times_out(store, reviewer_id, server, monkeypatch, route):
    monkeypatch.setattr(webfetch, "FETCH_TIMEOUT_S", 0.3)
    started = time.monotonic()
    outcome = one(store, f"{server}{route}", reviewer_id)
    assert time.monotonic() - started < 1.5
    assert outcome.error == f"{server}{route}: no complete answer within 0.3 seconds"
    assert count(store) == 0


def test_refused_connection_is_reported(store, reviewer_id):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    outcome = one(store, f"http://127.0.0.1:{port}/a", reviewer_id)
    assert outcome.error == f"http://127.0.0.1:{port}/a: the server refused the connection"


@pytest.mark.parametrize("url", ["ftp://files.example/a.txt", "file:///etc/hostname"])
def test_other_schemes_are_refused(store, reviewer_id, url):
    assert one(store, url, reviewer_id).error == f"{url}: only http:// and https:// URLs can be imported"
