"""The fact-check report: Markdown that survives any text, safe HTML, ClaimReview, the CLI."""

import datetime
import json
import re
import tempfile
from pathlib import Path

import lxml.html
import markdown
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from workbench import mdtext, rationale, report
from workbench.articles import add_article
from workbench.claimreview import build_claimreview
from workbench.claims import add_claim, delete_claim, set_verdict
from workbench.cli import main
from workbench.errors import ImportRefused, WorkbenchError
from workbench.mdtext import escape_markdown, safe_url
from workbench.report import ReportOptions, build_html, build_markdown
from workbench.store import Store
from workbench.text import normalise_body

DATE = datetime.datetime(2024, 5, 6, tzinfo=datetime.timezone.utc)
COMMONMARK = MarkdownIt("commonmark")
GFM_TABLES = MarkdownIt("commonmark").enable("table")
LIVE_TAGS = {"script", "img", "iframe", "object", "embed", "style", "link", "meta", "form", "input",
             "svg", "math", "video", "audio", "source", "base", "frame", "frameset", "textarea", "button"}

# Text full of what Markdown and HTML would act on.
NASTY = ["*", "**", "_", "__", "|", "#", "# ", "`", "``", "[", "]", "![", "](", ")", "<", ">", "> ",
         "&", "&amp;", "&lt;", "&#42;", "&copy;", "\\", "\\*", "~", "~~", "!", "-", "- ", "+ ", "1. ",
         "2) ", "=", "===", "---", "***", "    ", " ", "\t", "\n", "\n\n", "\n\n\n", "<script>",
         "</script>", "<img src=x onerror=alert(1)>", "javascript:alert(1)", "[x](javascript:alert(1))",
         "<https://example.org>", "<b>", "-->", "<!--", "é", "😀", "\u00a0", "word", "two words"]
NASTY_TEXT = st.lists(st.sampled_from(NASTY) | st.text(alphabet="ab *_|#`[]<>&;\\~!-+=.1\n ", max_size=4),
                      max_size=25).map("".join)
RATIONALES = st.lists(st.sampled_from(NASTY + [
    "[ok](https://example.org/a_b)", "[mail](mailto:a@example.org)", "[bad](javascript:alert(1))",
    "[data](data:text/html,<script>x</script>)", "[rel](/local/path)", "![img](https://example.org/i.png)",
    "[ref]\n\n[ref]: javascript:alert(1)\n", "<javascript:alert(1)>", "<a href=\"javascript:x\">a</a>",
    "<svg onload=alert(1)>", "\n- item\n- item\n", "\n> quoted\n", "\n```\n<script>code</script>\n```\n",
    "\n    <script>indented</script>\n", "**bold**", "*em*", "`code <b>`", "\n## Heading\n",
]), max_size=12).map("".join)


def safe_markdown(text: str) -> str:
    return rationale.to_markdown(rationale.parse(text))


def expected_text(text: str) -> str:
    """The text as the report shows it: blank-line runs as one paragraph break (documented)."""
    return re.sub(r"\n\n+", "\n\n", text.replace("\r\n", "\n").replace("\r", "\n").strip("\n"))


def block_texts(tokens, opener: str, *, top_level_only: bool = True) -> list[str]:
    """The text of each `opener` block: paragraphs joined by a blank line, breaks as newlines.

    Fails if anything but text and line breaks is inside (emphasis, code, links, HTML...).
    """
    texts, current, depth = [], None, 0
    for token in tokens:
        if token.type == opener + "_open":
            depth += 1
            if depth == 1 and (token.level == 0 or not top_level_only):
                current = []
        elif token.type == opener + "_close":
            depth -= 1
            if depth == 0 and current is not None:
                texts.append("\n\n".join(current))
                current = None
        elif current is not None and token.type == "inline":
            parts = []
            for child in token.children:
                assert child.type in ("text", "softbreak", "hardbreak"), (child.type, child.content)
                parts.append(child.content if child.type == "text" else "\n")
            current.append("".join(parts))
    return texts


def claim_quotes(tokens) -> list[str]:
    """The text of each block quote right under a claim's heading (###)."""
    starts = [i + 1 for i, t in enumerate(tokens[:-1])
              if t.type == "heading_close" and t.tag == "h3" and tokens[i + 1].type == "blockquote_open"]
    texts = []
    for start in starts:
        end = next(i for i in range(start, len(tokens))
                   if tokens[i].type == "blockquote_close" and tokens[i].level == tokens[start].level)
        texts.extend(block_texts(tokens[start:end + 1], "blockquote", top_level_only=False))
    return texts


def markdown_text(source: str) -> str:
    return "\n\n".join(block_texts(COMMONMARK.parse(source), "paragraph"))


def add_evidence(store, claim_id, position, reviewer_id, **fields):
    with store.transaction():
        return store.insert("evidence", {"claim_id": claim_id, "position": position,
                                         "created_by": reviewer_id, **fields})


def claim_on(store, article, text, verdict, reviewer_id, rationale=""):
    start = article["body"].index(text)
    claim = add_claim(store, article["id"], start, start + len(text), reviewer_id=reviewer_id,
                      rationale=rationale)
    if verdict != "pending":
        set_verdict(store, claim["id"], verdict, reviewer_id=reviewer_id)
    return claim


def options(**changes) -> ReportOptions:
    return ReportOptions(**{"generated": DATE, "reviewer": "Ana", **changes})


def assert_safe_html(document: str) -> lxml.html.HtmlElement:
    """Parse the HTML report and check that nothing in it can run or load."""
    tree = lxml.html.document_fromstring(document)
    assert [s.tag for s in tree.iter("style")] == ["style"]  # only the report's own style sheet
    for element in tree.iter():
        if not isinstance(element.tag, str):
            assert False, f"comment or processing instruction in the report: {element!r}"
        assert element.tag not in LIVE_TAGS - {"style", "meta"}, lxml.html.tostring(element)
        if element.tag == "meta":
            assert element.getparent().tag == "head"
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name)
            assert name.lower() not in ("src", "srcdoc", "style", "formaction", "action"), (element.tag, name)
            if name.lower() == "href":
                assert element.tag == "a" and safe_url(value) == value, value
                assert re.match(r"(?i)(https?|mailto):", value)
    return tree


@pytest.fixture
def sample(store, reviewer_id):
    """Two articles: one with a claim in each verdict and evidence, one with a verified claim."""
    body = ("Four fighter jets were spotted near the border, officials said.\n"
            "Unemployment fell to 3.1% in May.\nThe mayor is *42* years old.\nPrices rose | a lot.")
    first = add_article(store, body, reviewer_id=reviewer_id, title="Jets | border <b>row</b>",
                        url="https://news.example.org/jets?id=1&x=2", publisher="Daily | Example",
                        author="R. Writer", published="2024-04-30").article
    disputed = claim_on(store, first, "Four fighter jets were spotted near the border", "disputed",
                        reviewer_id, "Denied; see [the statement](https://mod.example.gov/s).")
    verified = claim_on(store, first, "Unemployment fell to 3.1% in May", "verified", reviewer_id)
    claim_on(store, first, "The mayor is *42* years old", "unverifiable", reviewer_id)
    claim_on(store, first, "Prices rose | a lot", "pending", reviewer_id)
    add_evidence(store, disputed["id"], 2.0, reviewer_id, title="Second", url="javascript:alert(1)",
                 publisher="Forum", stance="context", reliability="unreliable", excerpt="<script>x</script>")
    add_evidence(store, disputed["id"], 1.0, reviewer_id, title="Statement", url="https://mod.example.gov/s",
                 publisher="Ministry", stance="refutes", reliability="reliable", accessed_on="2024-05-01",
                 excerpt="No jets.\nTwo planes.")
    gone = add_evidence(store, verified["id"], 1.0, reviewer_id, title="Deleted source")
    with store.transaction():
        store.update("evidence", gone["id"], deleted_at="2024-05-02T00:00:00.000000Z")
    second = add_article(store, "Bread prices doubled in a year.", reviewer_id=reviewer_id, title="Prices").article
    claim_on(store, second, "Bread prices doubled in a year", "verified", reviewer_id)
    add_article(store, "An article without claims.", reviewer_id=reviewer_id, title="Unclaimed")
    return first, second


# -- escaping ----------------------------------------------------------------------------------

@settings(max_examples=400, deadline=None)
@given(NASTY_TEXT)
def test_escaped_text_reads_back_as_itself_in_commonmark_and_python_markdown(text):
    source = escape_markdown(text)
    assert markdown_text(source) == expected_text(text)
    quoted = block_texts(COMMONMARK.parse(mdtext.blockquote(source)), "blockquote")
    assert quoted == [expected_text(text)]
    html = markdown.markdown(source, extensions=["tables", "sane_lists"])
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    assert [e.tag for e in root] == ["p"] * len(root)
    assert "\n\n".join(p.text_content() for p in root) == expected_text(text)


@settings(max_examples=200, deadline=None)
@given(NASTY_TEXT)
def test_escaped_line_is_one_safe_table_cell(text):
    cell = mdtext.escape_line(text)
    tokens = GFM_TABLES.parse(f"| Title | n |\n| --- | --: |\n| {cell} | 1 |\n")
    cells = [t for t in tokens if t.type == "inline"]
    assert len(cells) == 4
    assert [c.type for c in cells[2].children if c.type != "text"] == []
    assert "".join(c.content for c in cells[2].children) == " ".join(text.split())
    assert cells[3].content == "1"


def test_escaping_examples():
    assert escape_markdown("*a* _b_ | #c `d` [e](f) <g> AT&T &amp;") == \
        "\\*a\\* \\_b\\_ &#124; \\#c \\`d\\` \\[e\\](f) &lt;g&gt; AT&T &amp;amp;"
    assert escape_markdown("- x\n+ y\n1. z\n2) w\n=== \n> q\n: d\na) e\n(iv) f") == \
        ("\\- x  \n\\+ y  \n1\\. z  \n2\\) w  \n&#61;==&#32;  \n&gt; q  \n&#58; d  \na\\) e  \n(iv\\) f")
    assert escape_markdown("$x^2$ don't \"q\" a--b c... @key ~s~") == \
        "&#36;x&#94;2&#36; don&#39;t &#34;q&#34; a\\-\\-b c\\.\\.\\. &#64;key &#126;s&#126;"
    assert escape_markdown("see https://x.org/a_b or www.x.org") == \
        "see https&#58;//x.org/a\\_b or www&#46;x.org"
    assert escape_markdown("  indented") == "&#32;&#32;indented"
    assert escape_markdown("one\n\ntwo") == "one\n\ntwo"
    assert escape_markdown("bell\x07") == "bell\u2407"  # control characters become visible


@pytest.mark.parametrize("url, safe", [
    ("https://example.org/a", True), ("HTTP://EXAMPLE.ORG", True), ("mailto:a@example.org", True),
    ("javascript:alert(1)", False), (" javascript:alert(1)", False), ("java\tscript:alert(1)", False),
    ("data:text/html,x", False), ("vbscript:x", False), ("file:///etc/passwd", False), ("/relative", False),
    ("https:no-host", False), ("mailto:", False), ("", False), (None, False), ("http://[::1", False),
])
def test_safe_url(url, safe):
    assert (safe_url(url) is not None) == safe


@settings(max_examples=300, deadline=None)
@given(RATIONALES)
def test_rationale_markdown_keeps_only_safe_constructs(text):
    source = safe_markdown(text)
    for token in COMMONMARK.parse(source):
        assert token.type not in ("html_block", "html_inline"), token
        for child in token.children or []:
            assert child.type not in ("html_inline", "image"), child
            if child.type == "link_open":
                assert safe_url(child.attrs["href"]), child.attrs
    root = lxml.html.fragment_fromstring(
        markdown.markdown(source, extensions=["tables", "sane_lists"]), create_parent="div")
    for element in root.iter():
        assert element.tag not in LIVE_TAGS, lxml.html.tostring(element)
        for name, value in element.attrib.items():
            assert not name.startswith("on")
            if name == "href":
                assert safe_url(value), value


def test_rationale_keeps_emphasis_lists_and_safe_links():
    source = safe_markdown("We **checked** the *log*.\n\n- one\n- two\n\n"
                                  "See [the release](https://stats.example.gov/r?a=1&b=(2)) and "
                                  "[this](javascript:alert(1)) or <b>bold</b>.")
    html = markdown.markdown(source)
    assert "<strong>checked</strong>" in html and "<em>log</em>" in html
    assert "<li>one</li>" in html and "<li>two</li>" in html
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    assert [a.get("href") for a in root.iter("a")] == ["https://stats.example.gov/r?a=1&b=(2)"]
    assert "this or <b>bold</b>." in root.text_content()


# -- the Markdown report ------------------------------------------------------------------------

@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(quotes=st.lists(NASTY_TEXT, min_size=1, max_size=3), rationale=RATIONALES, title=NASTY_TEXT)
def test_every_quote_reads_back_exactly_and_the_html_is_inert(quotes, rationale, title):
    try:
        bodies = [normalise_body(q) for q in quotes]
    except ImportRefused:
        assume(False)
    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder) / "r.db") as store:
        rid = store.reviewer("Ana <script>")
        body = "\n\n".join(bodies)
        article = add_article(store, body, reviewer_id=rid, title=title, publisher=title,
                              url="javascript:alert(1)").article
        shown, offset = [], 0
        for text in bodies:
            start = body.index(text, offset)
            offset = start + len(text)
            claim = add_claim(store, article["id"], start, offset, reviewer_id=rid, rationale=rationale)
            set_verdict(store, claim["id"], "disputed", reviewer_id=rid)
            add_evidence(store, claim["id"], 1.0, rid, title=title, url="javascript:x", excerpt=text,
                         publisher=title)
            shown.append(expected_text(text))
        source = build_markdown(store, options(reviewer="Ana <img src=x>"))
        tokens = COMMONMARK.parse(source)
        assert claim_quotes(tokens) == shown
        assert len([t for t in tokens if t.type == "heading_open" and t.tag == "h3"]) == len(shown)
        document = build_html(store, options(reviewer="Ana <img src=x>"))
    tree = assert_safe_html(document)
    quotes_html = tree.xpath("//blockquote[@class='quote']")
    assert ["\n\n".join(p.text_content() for p in q.iter("p")) for q in quotes_html] == shown
    assert len(tree.xpath("//blockquote[@class='excerpt']")) == len(shown)


def test_report_layout_and_evidence(store, sample):
    first, _ = sample
    text = build_markdown(store, options())
    assert text.startswith("# Fact-check report\n\nMade by **Ana** on 6 May 2024. 4 claims in 2 articles. "
                           "1 pending claim left out.\n")
    assert text.index("## Jets &#124; border &lt;b&gt;row&lt;/b&gt;") < text.index("## Prices")
    assert "Unclaimed" not in text
    assert "Publisher: Daily &#124; Example  \nAuthor: R\\. Writer  \nPublished: 2024-04-30  \n" \
           "URL: [https&#58;//news.example.org/jets?id=1&x=2](<https://news.example.org/jets?id=1&x=2>)" in text
    assert "### Claim 1 · Disputed" in text and "### Claim 3 · Unverifiable" in text
    assert "> The mayor is \\*42\\* years old" in text
    today = report.human_date(datetime.datetime.now(datetime.timezone.utc).date())
    assert f"Verdict given by Ana on {today}." in text
    # evidence by position, deleted evidence left out, unsafe URL shown as text, never a link
    assert text.index("[Statement](<https://mod.example.gov/s>), Ministry") < text.index("Second (javascript")
    assert "*Refutes* · reliability: Reliable · accessed 2024-05-01" in text
    assert "    > No jets.  \n    > Two planes." in text
    assert "Deleted source" not in text
    assert "](javascript" not in text


def test_summary_table_counts_and_pipes(store, sample, reviewer_id):
    for include_pending in (False, True):
        tokens = GFM_TABLES.parse(build_markdown(store, options(include_pending=include_pending)))
        cells = [t for t in tokens if t.type == "inline"]
        start = next(i for i, t in enumerate(tokens) if t.type == "table_open")
        end = next(i for i, t in enumerate(tokens) if t.type == "table_close")
        rows, row = [], None
        for token in tokens[start:end]:
            if token.type == "tr_open":
                row = []
            elif token.type == "inline":
                row.append("".join(c.content for c in token.children))
            elif token.type == "tr_close":
                rows.append(row)
        assert cells
        if include_pending:
            assert rows == [["Article", "Verified", "Disputed", "Unverifiable", "Pending", "Total"],
                            ["Jets | border <b>row</b>", "1", "1", "1", "1", "4"],
                            ["Prices", "1", "0", "0", "0", "1"],
                            ["All articles", "2", "1", "1", "1", "5"]]
        else:
            assert rows == [["Article", "Verified", "Disputed", "Unverifiable", "Total"],
                            ["Jets | border <b>row</b>", "1", "1", "1", "3"],
                            ["Prices", "1", "0", "0", "1"],
                            ["All articles", "2", "1", "1", "4"]]
    tree = assert_safe_html(build_html(store, options()))
    html_rows = [[c.text_content() for c in tr] for tr in tree.iter("tr")]
    assert html_rows[1] == ["Jets | border <b>row</b>", "1", "1", "1", "3"]
    assert tree.xpath("//tr[@class='total']/td/text() | //tr[@class='total']/td/strong/text()")


def test_pending_left_out_unless_asked(store, sample):
    default = build_markdown(store, options())
    assert "Prices rose" not in default and "· Pending" not in default
    with_pending = build_markdown(store, options(include_pending=True))
    assert "### Claim 4 · Pending\n\n> Prices rose &#124; a lot" in with_pending
    assert "left out" not in with_pending
    assert "Prices rose" not in build_claimreview(store, options(include_pending=True))


def test_one_article_and_an_empty_report(store, sample, reviewer_id):
    first, second = sample
    only = build_markdown(store, options(article_id=second["id"]))
    assert "## Prices" in only and "Jets" not in only and "1 claim in 1 article." in only
    with pytest.raises(WorkbenchError):
        build_markdown(store, options(article_id="no-such-id"))
    unclaimed = store.query("SELECT id FROM articles WHERE title = 'Unclaimed'")[0]["id"]
    text = build_markdown(store, options(article_id=unclaimed))
    assert "There are no claims to report." in text and "No claims to report in this article." in text
    assert "## Summary" not in text
    assert "<title>Fact-check report: Prices</title>" in build_html(store, options(article_id=second["id"]))


def test_deleted_claims_and_articles_are_not_reported(store, sample, reviewer_id):
    first, second = sample
    claim = store.query("SELECT id FROM claims WHERE quote LIKE 'Bread%'")[0]
    delete_claim(store, claim["id"], reviewer_id=reviewer_id)
    text = build_markdown(store, options())
    assert "Bread" not in text and "## Prices" not in text


def test_same_database_same_bytes(store, sample):
    for build in (build_markdown, build_html, build_claimreview):
        assert build(store, options()) == build(store, options())
    assert build_markdown(store, options()) != build_markdown(store, options(generated=DATE.replace(day=7)))


def test_report_date_sources(monkeypatch):
    assert report.report_date("2024-05-06") == DATE
    assert report.report_date("2024-05-06T10:30:00+02:00").utcoffset() == datetime.timedelta(hours=2)
    assert report.report_date(None, {"SOURCE_DATE_EPOCH": "1714953600"}) == DATE
    with pytest.raises(WorkbenchError, match="SOURCE_DATE_EPOCH"):
        report.report_date(None, {"SOURCE_DATE_EPOCH": "soon"})
    with pytest.raises(WorkbenchError, match="not an ISO date"):
        report.report_date("6 May")
    now = datetime.datetime.now(datetime.timezone.utc)
    assert abs(report.report_date(None, {}) - now) < datetime.timedelta(minutes=1)


# -- the HTML report ----------------------------------------------------------------------------

def test_html_is_a_complete_document_with_marked_verdicts(store, sample):
    document = build_html(store, options())
    assert document.startswith("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">")
    tree = assert_safe_html(document)
    assert tree.findtext(".//title") == "Fact-check report"
    assert ".verdict-disputed" in tree.findtext(".//style")
    badges = [(s.get("class"), s.text) for s in tree.xpath("//h3/span")]
    assert badges == [("verdict verdict-disputed", "Disputed"), ("verdict verdict-verified", "Verified"),
                      ("verdict verdict-unverifiable", "Unverifiable"), ("verdict verdict-verified", "Verified")]
    links = [a.get("href") for a in tree.iter("a")]
    assert links == ["https://news.example.org/jets?id=1&x=2", "https://mod.example.gov/s",
                     "https://mod.example.gov/s"]
    assert "<script>x</script>" in tree.xpath("//blockquote[@class='excerpt']")[1].text_content()
    custom = build_html(store, options(), stylesheet="body { color: red } </style><script>x</script>")
    assert_safe_html(custom)


# -- ClaimReview --------------------------------------------------------------------------------

# -- the command line ---------------------------------------------------------------------------

@pytest.fixture
def db(tmp_path, sample, store):
    return store.path


@pytest.mark.parametrize("fmt, check", [
    ("markdown", lambda t: t.startswith("# Fact-check report\n\nMade by **Bo** on 6 May 2024.")),
    ("html", lambda t: t.startswith("<!DOCTYPE html>") and "Made by <strong>Bo</strong> on 6 May 2024" in t),
    ("claimreview", lambda t: json.loads(t)[0]["author"]["name"] == "Ana"),
    ("annotations", lambda t: json.loads(t)["type"] == "AnnotationCollection"),
])
def test_cli_export_formats(db, tmp_path, capsys, fmt, check):
    args = ["export", str(db), "--format", fmt, "--date", "2024-05-06", "--reviewer", "Bo"]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert check(printed)
    out = tmp_path / f"report.{fmt}"
    assert main(args + ["-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == printed


def test_cli_export_options(db, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1714953600")
    assert main(["export", str(db), "-f", "markdown", "--reviewer", "Bo"]) == 0
    first = capsys.readouterr().out
    assert "on 6 May 2024" in first and "Prices rose" not in first
    assert main(["export", str(db), "-f", "markdown", "--reviewer", "Bo"]) == 0
    assert capsys.readouterr().out == first
    assert main(["export", str(db), "-f", "markdown", "--include-pending", "--date", "2025-01-02T03:04:05"]) == 0
    text = capsys.readouterr().out
    assert "Prices rose" in text and "on 2 January 2025" in text
    article = db and Store.open(db).query("SELECT id FROM articles WHERE title = 'Prices'")[0]["id"]
    assert main(["export", str(db), "-f", "markdown", "--article", article[:8]]) == 0
    assert "## Prices" in capsys.readouterr().out


def test_cli_export_errors(db, tmp_path, capsys, monkeypatch):
    assert main(["export", str(db), "-f", "markdown", "--article", "nope"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "nope" in err and "Traceback" not in err
    from workbench import exporters

    monkeypatch.delitem(exporters._REGISTRY, "pdf", raising=False)  # as before ui registers it
    assert main(["export", str(db), "-f", "pdf"]) == 1  # the Qt-free command line has no PDF writer
    assert capsys.readouterr().err.startswith("error: the PDF export needs the desktop part")
    assert main(["export", str(tmp_path / "missing.db"), "-f", "html"]) == 1
    assert capsys.readouterr().err.startswith("error: ")
    assert main(["export", str(db), "-f", "html", "-o", str(tmp_path / "no" / "such" / "x.html")]) == 1
    assert "cannot write" in capsys.readouterr().err
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "tomorrow")
    assert main(["export", str(db), "-f", "markdown"]) == 1
    assert capsys.readouterr().err.startswith("error: SOURCE_DATE_EPOCH")
    with pytest.raises(SystemExit) as exit_info:
        main(["export", str(db), "-f", "markdown", "--date", "May 6th"])
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["export", str(db), "-f", "docx"])
    assert exit_info.value.code == 2


PROSE = list("ab é😀 .,;'\"?()-–—/%$@1\n\u00a0\u2028\u3000") + ["2.", "3)", "  ", "\n\n", "Claim", "\n-"]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(PROSE)).map("".join))
def test_plain_fast_path_matches_the_parser(text):
    if rationale.is_plain(text):
        assert rationale.parse(text) == rationale.parse_commonmark(text)


SIMPLE = ["**", "*", "[", "]", "- ", "\n- ", "-", "  \n", " \n", "*a* ",
          "(", ")", "a", "b", "é", " ", "\n", "\n\n", ".", ",", "'", ":", "-", "1.", "x)",
          "[l](https://x.org/a_b)", "[l m](http://é.org)", "[l](u)", "**a**", "*b*", "—", "😀", "\u00a0"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(SIMPLE), max_size=14).map("".join))
def test_simple_fast_path_matches_the_parser(text):
    fast = rationale.parse_simple(text)
    if fast is not None:
        assert fast == rationale.parse_commonmark(text)


def test_cli_report_is_made_by_the_verdict_givers_not_the_login(db, capsys, monkeypatch, store, reviewer_id):
    monkeypatch.delenv("WORKBENCH_REVIEWER", raising=False)
    monkeypatch.setenv("USER", "root")
    monkeypatch.setenv("LOGNAME", "root")
    bo = store.reviewer("Bo")
    claim = store.query("SELECT id FROM claims WHERE quote LIKE 'Bread%'")[0]["id"]
    set_verdict(store, claim, "disputed", reviewer_id=bo)
    assert main(["export", str(db), "-f", "markdown", "--date", "2024-05-06"]) == 0
    out = capsys.readouterr()
    assert "Made by **Ana and Bo** on 6 May 2024." in out.out and "root" not in out.out
    monkeypatch.setenv("WORKBENCH_REVIEWER", "Desk Editor")
    assert main(["export", str(db), "-f", "html", "--date", "2024-05-06"]) == 0
    assert "Made by <strong>Desk Editor</strong>" in capsys.readouterr().out


def test_unsupported_verdicts_are_warned_about_on_stderr(db, capsys):
    # The sample's "Unemployment fell" claim is verified with no evidence and no rationale.
    assert main(["export", str(db), "-f", "markdown", "--date", "2024-05-06"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == ["warning: claim 2 of 'Jets | border <b>row</b>' (" + err[0].split("(")[1].split(")")[0]
                   + ") is Verified with no evidence and no rationale",
                   err[1]]
    assert "'Prices'" in err[1] and "Verified" in err[1]


def test_the_report_numbers_claims_as_the_window_does_and_names_who_gave_the_verdict(store, reviewer_id):
    from workbench.claims import claim_numbers, set_rationale

    body = "First sentence here. Second sentence there. Third one last."
    article = add_article(store, body, reviewer_id=reviewer_id, title="Order").article
    third = claim_on(store, article, "Third one last", "verified", reviewer_id)  # marked first: number 1
    first = claim_on(store, article, "First sentence here", "disputed", reviewer_id)
    dropped = claim_on(store, article, "Second sentence there", "verified", reviewer_id)
    delete_claim(store, dropped["id"], reviewer_id=reviewer_id)  # its number 3 is never given again
    bo = store.reviewer("Bo")
    set_verdict(store, first["id"], "unverifiable", reviewer_id=bo)
    set_rationale(store, first["id"], "Ana's later note.", reviewer_id=reviewer_id)  # not a verdict change
    numbers = claim_numbers(store, article["id"])
    text = build_markdown(store, options())
    assert numbers[third["id"]] == 1 and numbers[first["id"]] == 2
    assert text.index("### Claim 2 · Unverifiable") < text.index("### Claim 1 · Verified")
    assert "Claim 3" not in text
    section = text[text.index("### Claim 2"):text.index("### Claim 1")]
    assert "Verdict given by Bo" in section
    tree = lxml.html.fromstring(build_html(store, options()))
    assert [h.text_content().split(" ·")[0] for h in tree.iter("h3")] == ["Claim 2", "Claim 1"]
