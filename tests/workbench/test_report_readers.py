"""The Markdown report read by the readers people publish through shows the stored text exactly.

Readers: CommonMark (markdown-it), GitHub-flavoured Markdown (the real cmark-gfm, through the
cmarkgfm binding), Python-Markdown without extensions and with extra + sane_lists + smarty, and
pandoc's default Markdown reader (the binary shipped by pypandoc_binary). Every quote, rationale,
evidence title, note and URL must read the same in each (white space runs shown as one space, as
a browser shows them), every link must point at the stored URL unchanged, and nothing may become
live HTML or a link other than http(s)/mailto. Our own HTML report must say the same text.
"""

import re
import tempfile
from pathlib import Path

import cmarkgfm
import lxml.html
import markdown
import pypandoc
import pytest
from cmarkgfm.cmark import Options
from hypothesis import HealthCheck, Phase, assume, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from tests.workbench.test_report import LIVE_TAGS, NASTY, RATIONALES
from workbench.articles import add_article
from workbench.claims import add_claim, set_verdict
from workbench.errors import ImportRefused
from workbench.mdtext import isolate, safe_url
from workbench.report import ReportOptions, build_html, build_markdown, report_date
from workbench.store import Store
from workbench.text import normalise_body

OPTIONS = ReportOptions(generated=report_date("2024-05-06"), reviewer="Ana")
URL_CHARS = "abcxyz019-._~:/?#@!$&'()*+,;=_"


def commonmark(source: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(source)


def gfm(source: str) -> str:
    return cmarkgfm.github_flavored_markdown_to_html(source, options=Options.CMARK_OPT_DEFAULT)


def python_markdown(source: str) -> str:
    return markdown.markdown(source)


def python_markdown_extensions(source: str) -> str:
    return markdown.markdown(source, extensions=["extra", "sane_lists", "smarty"])


def pandoc(source: str) -> str:
    return pypandoc.convert_text(source, "html", format="markdown")


READERS = {"commonmark": commonmark, "gfm": gfm, "python-markdown": python_markdown,
           "python-markdown+extensions": python_markdown_extensions, "pandoc": pandoc}
_SPACE = re.compile(r"[ \t\n\r\f]+")


def shown(text: str) -> str:
    """Text as a browser shows it: runs of ASCII white space as one space, none at the ends."""
    return _SPACE.sub(" ", text).strip(" ")  # a no-break space is shown, at the ends too


def element_text(element) -> str:
    """An element's text with line breaks (<br>) and paragraphs as spaces, as shown."""
    copy = lxml.html.fromstring(lxml.html.tostring(element))
    for br in copy.iter("br"):
        br.tail = " " + (br.tail or "")
    return shown(" ".join(p.text_content() for p in copy.iter("p")) or copy.text_content())


def body_after_summary(document: str):
    root = lxml.html.fromstring(f"<div>{document}</div>")
    return root


def claim_parts(root) -> list[dict]:
    """Per claim (h3): its quote, the text of what follows it up to the next h3, and its links."""
    out = []
    for heading in root.iter("h3"):
        quote, rest = None, []
        for sibling in heading.itersiblings():
            if sibling.tag in ("h3", "h2"):
                break
            if quote is None and sibling.tag == "blockquote":
                quote = element_text(sibling)
            else:
                rest.append(sibling)
        out.append({"quote": quote, "rest": shown(" ".join(s.text_content() for s in rest)),
                    "links": [a.get("href") for s in rest for a in s.iter("a")]})
    return out


def check_inert(root, reader: str) -> None:
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        assert element.tag not in LIVE_TAGS - {"style"}, (reader, lxml.html.tostring(element))
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (reader, element.tag, name)
            if name.lower() == "href":
                assert safe_url(value), (reader, value)


def report_in_every_reader(store) -> tuple[str, dict]:
    source = build_markdown(store, OPTIONS)
    ours = lxml.html.fromstring(build_html(store, OPTIONS))
    rendered = {name: lxml.html.fromstring(f"<div>{reader(source)}</div>") for name, reader in READERS.items()}
    return ours, rendered


TEXT = st.lists(st.sampled_from(NASTY + ["don't", '"q"', "$x^2$", "a--b", "c...", "@key", "[@key]", "^sup^",
                                         "~sub~", "x_y_z", "https://x.org/a_b", "www.x.org", "a@b.co",
                                         "xmpp:a@b.co", ": def", "a) b", "(iv) c", "A. B", "#. x", "{.cls}",
                                         "\\(x\\)", "|", "| a |", "<<", ">>", "'", "--", "---", "...",
                                         "\u202e", "\u2066", "\u2069", "R. Writer"]),
                max_size=12).map("".join)
URLS = st.text(alphabet=URL_CHARS, max_size=20).map(lambda tail: "https://example.org/" + tail)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])  # pandoc is a process per example: no slow shrinking
@given(quote=TEXT, rationale=RATIONALES | TEXT, title=TEXT, note=TEXT, excerpt=TEXT, url=URLS)
@example(quote="A quote.", rationale="\n`- `~", title="t", note="", excerpt="", url="https://example.org/")
def test_every_reader_shows_the_stored_text(quote, rationale, title, note, excerpt, url):
    assume(not re.search(r"&#?[0-9A-Za-z]+;", url))  # such a URL is written with ";" as %3B
    try:
        body = normalise_body("Lead paragraph.\n" + quote)
    except ImportRefused:
        assume(False)
    assume("\n" in body)
    quote_text = body.split("\n", 1)[1]
    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder) / "r.db") as store:
        rid = store.reviewer("Ana")
        article = add_article(store, body, reviewer_id=rid, title=title or "t", url=url).article
        start = body.index(quote_text)
        claim = add_claim(store, article["id"], start, len(body), reviewer_id=rid, rationale=rationale)
        set_verdict(store, claim["id"], "disputed", reviewer_id=rid)
        with store.transaction():
            store.insert("evidence", {"claim_id": claim["id"], "position": 1.0, "created_by": rid,
                                      "title": title, "url": url, "note": note, "excerpt": excerpt})
        ours, rendered = report_in_every_reader(store)
    [expected] = claim_parts(ours)
    assert expected["quote"] == shown(isolate(quote_text.strip("\n")))  # blank lines at the ends are dropped
    if note.strip():
        assert "Note: " + shown(isolate(note.strip("\n").replace("\r", "\n"))) in expected["rest"]
    assert url in expected["links"]
    for name, root in rendered.items():
        check_inert(root, name)
        [got] = claim_parts(root)
        assert got["quote"] == expected["quote"], name
        assert got["rest"] == expected["rest"], name
        # cmark-gfm links a bare e-mail address (mailto:, which is allowed); nothing else may be added
        assert [h for h in got["links"] if h in expected["links"] or not h.startswith("mailto:")] == \
            expected["links"], name
        links = [a for a in root.iter("a") if a.get("href") == url]
        assert links and all(shown(a.text_content()) in (shown(isolate(" ".join(title.split()))), url)
                             for a in links), name


def test_known_differences_between_readers_are_escaped(store, reviewer_id):
    """The cases issue 14 found, each in every reader."""
    quote = "Use https://x.org/a_b for $x^2$ --- it's \"fine\" | really... @all ~ok~"
    body = "Lead.\n" + quote
    article = add_article(store, body, reviewer_id=reviewer_id, title="A | B",
                          url="https://news.example.org/a_b?x=1&y=(2)").article
    claim = add_claim(store, article["id"], 6, len(body), reviewer_id=reviewer_id,
                      rationale="See [the log](https://x.org/log_file_2024) and *this*.")
    set_verdict(store, claim["id"], "verified", reviewer_id=reviewer_id)
    ours, rendered = report_in_every_reader(store)
    for name, root in rendered.items():
        [got] = claim_parts(root)
        assert got["quote"] == quote, name
        assert "https://x.org/log_file_2024" in got["links"], name
        assert "See the log and this." in got["rest"], name
        hrefs = [a.get("href") for a in root.iter("a")]
        assert "https://news.example.org/a_b?x=1&y=(2)" in hrefs, name
        assert not any("%5F" in h or "%28" in h for h in hrefs), name
        assert "A | B" in [shown(h.text_content()) for h in root.iter("h2")], name


@pytest.mark.parametrize("name", ["\u202eevil", "Ana\u2069\u202e", "\u2066x"])
def test_a_reviewer_name_cannot_reverse_the_verdict_line(store, name):
    rid = store.reviewer(name)
    article = add_article(store, "Lead.\nTaxes fell.", reviewer_id=rid, title="T").article
    claim = add_claim(store, article["id"], 6, 17, reviewer_id=rid)
    set_verdict(store, claim["id"], "verified", reviewer_id=rid)
    for text in (build_markdown(store, OPTIONS), build_html(store, OPTIONS)):
        line = next(line for line in text.split("\n") if "Verdict given by" in line)
        inner = line.split("Verdict given by ", 1)[1].split(" on ", 1)[0].removeprefix("<p>")
        assert inner.startswith("\u2068") and inner.endswith("\u2069")
        depth = 0
        for char in inner:  # every isolate opened inside is closed inside: the date is outside it
            depth += char in "\u2066\u2067\u2068"
            depth -= char == "\u2069"
            assert depth >= 0
        assert depth == 0
