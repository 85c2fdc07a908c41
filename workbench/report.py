"""The fact-check report: Markdown (the source), and HTML rendered from the same Markdown.

Layout: a title; who made it and when; a summary table (claims by verdict per article, with a
total row); then for each article (imported first, first) its title, publisher, author, date and
URLs, and for each claim in reading order: "Claim N · Verdict" (N counts the claims shown in that
article), the quote as a block quote, who gave the verdict and when, the rationale, and the
evidence (live rows by position): title linked to its URL, publisher, stance, reliability,
access date, attachment names, and the excerpt as a block quote. Pending claims are left out
unless `include_pending`; the report says how many were. Everything comes from the database and
the options, so the same database and options give the same bytes.

Escaping (`escape_markdown`), for quotes, excerpts, titles and every other field: backslash
escapes for \\ ` * _ [ ] | #; entities for < > ~ tab and an & that would start an entity
(Python-Markdown, which renders the HTML, does not honour \\< or \\~ and turns tabs into spaces);
at a line's start - + "1." "1)" are backslash-escaped and = becomes &#61;; white space at either
end of a line becomes entities (kept, and never an indented code block); control characters show
as their control pictures (U+2400...). Line breaks become hard breaks and a run of blank lines one
paragraph break: apart from that, CommonMark and Python-Markdown give back the same text.
( ) { } and ! are left alone: nothing they could start can open once [ and ] are escaped.

The rationale is the reviewer's own Markdown. It is parsed with CommonMark (markdown-it, raw HTML
off, so any HTML is text) and written again (`safe_markdown`) from a few constructs: paragraphs,
line breaks, emphasis, strong, code, links, lists, block quotes and rules. Headings become strong
paragraphs, code blocks a code span a line, images their alt text (a report loads nothing), and a
link whose URL is not http(s) with a host or mailto keeps only its text. All text is escaped as
above. The HTML is then cleaned again (lxml_html_clean), and any other link or image dropped.
"""

import datetime
import os
import re
import urllib.parse
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

from workbench import order
from workbench.articles import appearances, get_article
from workbench.errors import WorkbenchError
from workbench.verdicts import JUDGED, LABELS, PENDING, RELIABILITY_LABELS, STANCE_LABELS

TITLE = "Fact-check report"
SAFE_SCHEMES = ("http", "https", "mailto")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def report_date(text: str | None = None, environ=None) -> datetime.datetime:
    """The report's date: an ISO date or date-time, else $SOURCE_DATE_EPOCH, else now (UTC)."""
    environ = os.environ if environ is None else environ
    if text:
        try:
            value = datetime.datetime.fromisoformat(text.strip())
        except ValueError:
            raise WorkbenchError(f"{text!r} is not an ISO date (YYYY-MM-DD) or date and time") from None
        return value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc)
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise WorkbenchError(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds since 1970") from None
    return datetime.datetime.now(datetime.timezone.utc)


@dataclass(frozen=True)
class ReportOptions:
    """What a report covers and what it says about itself."""

    article_id: str | None = None  # None: every article with claims in the report
    include_pending: bool = False
    generated: datetime.datetime = field(default_factory=report_date)  # the date printed
    reviewer: str = ""  # who made the report


def human_date(value: datetime.date) -> str:
    """A date as "1 May 2024", the same in every locale."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def _stored_date(stamp: str) -> str:
    try:
        return human_date(datetime.date.fromisoformat(stamp[:10]))
    except ValueError:
        return stamp


# -- what the report holds -----------------------------------------------------------------------

def collect(store, options: ReportOptions) -> dict:
    """The articles, claims, evidence and attachments a report shows, in report order."""
    verdicts = JUDGED + ((PENDING,) if options.include_pending else ())
    if options.article_id is not None:
        articles = [get_article(store, options.article_id)]
    else:
        articles = store.query(
            "SELECT * FROM articles WHERE deleted_at IS NULL AND EXISTS (SELECT 1 FROM claims c "
            "WHERE c.article_id = articles.id AND c.deleted_at IS NULL) ORDER BY created_at, title, id")
    names = store.reviewer_names()
    judged = {}
    for row in store.query("SELECT claim_id, to_verdict, created_by, created_at FROM verdict_history "
                           "WHERE deleted_at IS NULL ORDER BY claim_id, created_at, id"):
        judged[row["claim_id"]] = row
    evidence = _evidence_by_claim(store)
    sections, left_out = [], 0
    for article in articles:
        claims = []
        for claim in store.query('SELECT * FROM claims WHERE article_id = ? AND deleted_at IS NULL '
                                 f'ORDER BY {order.claims_sql()}', [article["id"]]):
            if claim["verdict"] not in verdicts:
                left_out += 1
                continue
            entry = judged.get(claim["id"])
            if entry and entry["to_verdict"] == claim["verdict"] and claim["verdict"] != PENDING:
                claim["judge"] = names.get(entry["created_by"], "")
                claim["judged_on"] = _stored_date(entry["created_at"])
            else:
                claim["judge"], claim["judged_on"] = "", ""
            claim["evidence"] = evidence.get(claim["id"], [])
            claims.append(claim)
        if claims or options.article_id is not None:
            sections.append({"article": article, "claims": claims,
                             "urls": [u for u in appearances(store, article["id"]) if u != article["url"]]})
    return {"sections": sections, "verdicts": verdicts, "left_out": left_out}


def _evidence_by_claim(store) -> dict[str, list[dict]]:
    """Every live evidence item, in order, with its attachments' names, grouped by claim."""
    files: dict[str, list[str]] = {}
    for row in store.query("SELECT evidence_id, filename FROM attachments WHERE deleted_at IS NULL "
                           f"ORDER BY evidence_id, {order.attachments_sql()}"):
        files.setdefault(row["evidence_id"], []).append(row["filename"] or "attachment")
    grouped: dict[str, list[dict]] = {}
    for item in store.query("SELECT * FROM evidence WHERE deleted_at IS NULL "
                            f"ORDER BY claim_id, {order.evidence_sql()}"):
        item["attachments"] = files.get(item["id"], [])
        grouped.setdefault(item["claim_id"], []).append(item)
    return grouped


# -- escaping ------------------------------------------------------------------------------------

_INLINE = re.compile(r"[\\`*_\[\]|#<>~\t]|&(?=#?[0-9A-Za-z]+;)")
_INLINE_MAP = {"<": "&lt;", ">": "&gt;", "~": "&#126;", "&": "&amp;", "\t": "&#9;"}
_CONTROLS = {c: 0x2400 + c for c in range(32) if c not in (9, 10)} | {127: 0x2421}
_ORDERED = re.compile(r"^([0-9]+)([.)])")


def _escape_inline(text: str) -> str:
    return _INLINE.sub(lambda m: _INLINE_MAP.get(m.group(), "\\" + m.group()), text.translate(_CONTROLS))


def _fix_line(line: str) -> str:
    """Make a line of escaped inline Markdown start and end as plain text."""
    core = line.strip()
    if not core:
        return "".join(f"&#{ord(c)};" for c in line)
    lead, trail = line[: len(line) - len(line.lstrip())], line[len(line.rstrip()):]
    if not lead:
        if core[0] in "-+":
            core = "\\" + core
        elif core[0] == "=":
            core = "&#61;" + core[1:]
        else:
            core = _ORDERED.sub(r"\1\\\2", core)
    return "".join(f"&#{ord(c)};" for c in lead) + core + "".join(f"&#{ord(c)};" for c in trail)


def _join_lines(lines: list[str]) -> str:
    return "  \n".join(_fix_line(line) for line in lines)


def escape_markdown(text: str) -> str:
    """Markdown that renders as text itself: line breaks hard, blank-line runs one paragraph break."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    paragraphs = re.split(r"\n\n+", text)
    return "\n\n".join(_join_lines(_escape_inline(p).split("\n")) for p in paragraphs)


def escape_line(text: str) -> str:
    """Escaped Markdown for one line of text (a title or a table cell): white space collapsed."""
    return _fix_line(_escape_inline(" ".join(text.split())))


def safe_url(url: str | None) -> str | None:
    """The URL, trimmed, if it is http(s) with a host or mailto; else None (never a link)."""
    url = (url or "").strip()
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in SAFE_SCHEMES or (scheme != "mailto" and not parts.hostname):
        return None
    if scheme == "mailto" and not parts.path:
        return None
    return url


def _destination(url: str) -> str:
    """A link destination that both CommonMark and Python-Markdown read back as url."""
    url = re.sub(r"(&#?[0-9A-Za-z]+);", r"\1%3B", url)
    return "".join(c if c.isprintable() and c not in ' ()<>"\'\\`[]*_' else
                   "".join(f"%{b:02X}" for b in c.encode("utf-8")) for c in url)


def md_link(text: str, url: str | None) -> str:
    """[text](url) when the URL is safe, else the text alone (escaped)."""
    target = safe_url(url)
    label = escape_line(text)
    return f"[{label}]({_destination(target)})" if target else label


def blockquote(markdown: str) -> str:
    """Markdown text put inside a block quote."""
    return "\n".join(f"> {line}" if line else ">" for line in markdown.split("\n"))


# -- the rationale: the reviewer's Markdown, written again from safe constructs --------------------

_PARSER = MarkdownIt("commonmark", {"html": False})
_PARSER.validateLink = lambda url: True  # every link is parsed; safe_url then decides


# Text with none of these, and no line that starts or ends with white space or starts like a
# list item, parses to plain paragraphs: it is written back without running the parser.
_MARKUP = re.compile(r"[\\`*_\[\]<>#!|~&=+:\t\x00-\x08\x0b-\x1f\x7f]")
_LIST_START = re.compile(r"-|\d+[.)]")


def is_plain(text: str) -> bool:
    """Whether text holds no Markdown at all, so that safe_markdown may skip the parser."""
    if _MARKUP.search(text):
        return False
    return all(line == line.strip() and not _LIST_START.match(line) for line in text.split("\n"))


def safe_markdown(text: str) -> str:
    """The reviewer's Markdown reduced to safe constructs, every piece of text escaped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if is_plain(text):
        return re.sub(r"\n\n+", "\n\n", text.strip("\n"))
    return parsed_markdown(text)


def parsed_markdown(text: str) -> str:
    """safe_markdown through the CommonMark parser (any text)."""
    text = text.translate(_CONTROLS)
    root: list = []
    stack = [root]
    for token in _PARSER.parse(text):
        if token.nesting == 1:
            node = (token, [])
            stack[-1].append(node)
            stack.append(node[1])
        elif token.nesting == -1:
            stack.pop()
        else:
            stack[-1].append((token, None))
    return "\n\n".join(_blocks(root))


def _blocks(nodes: list) -> list[str]:
    out = []
    for token, kids in nodes:
        kind = token.type
        if kind in ("paragraph_open", "heading_open"):
            inline = _inline(kids[0][0].children or []) if kids else ""
            if inline:
                out.append(f"**{inline}**" if kind == "heading_open" else inline)
        elif kind == "blockquote_open":
            out.append(blockquote("\n\n".join(_blocks(kids))))
        elif kind in ("bullet_list_open", "ordered_list_open"):
            first = int(token.attrs.get("start", 1) or 1)
            items = []
            for number, (_item, item_kids) in enumerate(kids, start=first):
                marker = "-" if kind == "bullet_list_open" else f"{number}."
                marker = marker.ljust(3) + " "
                lines = ("\n\n".join(_blocks(item_kids)) or "&#32;").split("\n")
                indent = "\n" + " " * len(marker)
                items.append(marker + lines[0] + "".join(indent + ln if ln else "\n" for ln in lines[1:]))
            tight = all(len(k) == 1 and k[0][0].type == "paragraph_open" for _i, k in kids)
            out.append(("\n" if tight else "\n\n").join(items))
        elif kind in ("fence", "code_block"):  # a line of code each; an indented block could join a list
            lines = [line for line in token.content.translate(_CONTROLS).split("\n") if line.strip()]
            out.append("  \n".join(_code_span(line) for line in lines))
        elif kind == "hr":
            out.append("* * *")
    return [block for block in out if block.strip()]


def _code_span(content: str) -> str:
    fence = "`" * (max((len(run) for run in re.findall("`+", content)), default=0) + 1)
    pad = " " if content[:1] in ("`", " ") or content[-1:] in ("`", " ") else ""
    return f"{fence}{pad}{content}{pad}{fence}"


def _inline(children: list) -> str:
    lines, current, links = [], [], []
    for token in children:
        kind = token.type
        if kind in ("softbreak", "hardbreak"):
            lines.append(("".join(current), kind == "hardbreak"))
            current = []
        elif kind in ("em_open", "em_close"):
            current.append("*")
        elif kind in ("strong_open", "strong_close"):
            current.append("**")
        elif kind == "code_inline":
            current.append(_code_span(token.content.translate(_CONTROLS)))
        elif kind == "link_open":
            target = safe_url(token.attrs.get("href"))
            links.append(target)
            if target and current and current[-1].endswith("!"):
                current[-1] = current[-1][:-1] + "\\!"  # "![" would make the link an image
            current.append("[" if target else "")
        elif kind == "link_close":
            target = links.pop() if links else None
            current.append(f"]({_destination(target)})" if target else "")
        else:  # text, and an image's alt text: a report never loads anything
            current.append(_escape_inline(token.content))
    lines.append(("".join(current), False))
    return "\n".join(_fix_line(line) + ("  " if hard else "") for line, hard in lines).strip()


# -- the Markdown report -------------------------------------------------------------------------

def build_markdown(store, options: ReportOptions) -> str:
    """The report as CommonMark (with a GFM-style table), ending in a newline."""
    return render_markdown(collect(store, options), options)


def render_markdown(data: dict, options: ReportOptions) -> str:
    """The report for data from `collect`."""
    sections, verdicts = data["sections"], data["verdicts"]
    total = sum(len(s["claims"]) for s in sections)
    who = f" by **{escape_line(options.reviewer)}**" if options.reviewer.strip() else ""
    intro = f"Made{who} on {human_date(options.generated.date())}. "
    intro += (f"{_count(total, 'claim')} in {_count(len(sections), 'article')}." if total
              else "There are no claims to report.")
    if data["left_out"]:
        intro += f" {_count(data['left_out'], 'pending claim')} left out."
    parts = [f"# {TITLE}", intro]
    if total:
        parts.append("## Summary\n\n" + _summary(sections, verdicts))
    for section in sections:
        parts.extend(_article(section))
    return "\n\n".join(parts) + "\n"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _summary(sections: list[dict], verdicts: tuple) -> str:
    head = ["Article", *(LABELS[v] for v in verdicts), "Total"]
    rows = ["| " + " | ".join(head) + " |", "| :-- |" + " --: |" * (len(head) - 1)]
    totals = dict.fromkeys(verdicts, 0)
    for section in sections:
        counts = {v: sum(c["verdict"] == v for c in section["claims"]) for v in verdicts}
        for v in verdicts:
            totals[v] += counts[v]
        cells = [escape_line(section["article"]["title"] or "") or "Untitled",
                 *(str(counts[v]) for v in verdicts), str(len(section["claims"]))]
        rows.append("| " + " | ".join(cells) + " |")
    cells = ["**All articles**", *(str(totals[v]) for v in verdicts), str(sum(totals.values()))]
    rows.append("| " + " | ".join(f"**{c}**" if c[0].isdigit() else c for c in cells) + " |")
    return "\n".join(rows)


def _article(section: dict) -> list[str]:
    article = section["article"]
    facts = [f"{key.capitalize()}: {escape_line(article[key])}"
             for key in ("publisher", "author", "published") if (article[key] or "").strip()]
    if article["url"]:
        facts.append(f"URL: {md_link(article['url'], article['url'])}")
    if section["urls"]:
        facts.append("Also at: " + ", ".join(md_link(u, u) for u in section["urls"]))
    parts = ["## " + (escape_line(article["title"] or "") or "Untitled")]
    if facts:
        parts.append("  \n".join(facts))
    if not section["claims"]:
        parts.append("No claims to report in this article.")
    for number, claim in enumerate(section["claims"], start=1):
        parts.extend(_claim(number, claim))
    return parts


def _claim(number: int, claim: dict) -> list[str]:
    parts = [f"### Claim {number} · {LABELS[claim['verdict']]}", blockquote(escape_markdown(claim["quote"]))]
    if claim["judge"]:
        parts.append(f"Verdict given by {escape_line(claim['judge'])} on {escape_line(claim['judged_on'])}.")
    rationale = safe_markdown(claim["rationale"] or "")
    if rationale:
        parts += ["#### Rationale", rationale]
    if claim["evidence"]:
        items = [_evidence(n, item) for n, item in enumerate(claim["evidence"], start=1)]
        parts += ["#### Evidence", "\n\n".join(items)]
    return parts


def _evidence(number: int, item: dict) -> str:
    title = (item["title"] or "").strip() or (item["url"] or "").strip() or "Untitled source"
    head = md_link(title, item["url"])
    if item["url"] and not safe_url(item["url"]) and item["title"]:
        head += f" ({escape_line(item['url'])})"
    if item["publisher"]:
        head += f", {escape_line(item['publisher'])}"
    lines = [head]
    facts = [f"*{escape_line(STANCE_LABELS.get(item['stance'], item['stance']))}*" if item["stance"] else "",
             "reliability: " + escape_line(RELIABILITY_LABELS.get(item["reliability"], item["reliability"]))
             if item["reliability"] else "",
             f"accessed {escape_line(item['accessed_on'])}" if item["accessed_on"] else ""]
    facts = [fact for fact in facts if fact]
    if facts:
        lines.append(" · ".join(facts))
    if item["attachments"]:
        lines.append("Attached: " + ", ".join(escape_line(name) for name in item["attachments"]))
    marker = f"{number}.".ljust(3) + " "
    indent = " " * len(marker)
    text = marker + ("  \n" + indent).join(lines)
    if (item["excerpt"] or "").strip():
        text += "\n\n" + "\n".join(indent + line for line in blockquote(escape_markdown(item["excerpt"])).split("\n"))
    return text


# -- the HTML report -----------------------------------------------------------------------------

def build_html(store, options: ReportOptions, stylesheet: str | None = None) -> str:
    """The same report as one self-contained HTML5 document (style sheet inlined)."""
    data = collect(store, options)
    return render_html(render_markdown(data, options), data, options, stylesheet)


def render_html(markdown_text: str, data: dict, options: ReportOptions, stylesheet: str | None = None) -> str:
    """Markdown from `render_markdown` as an HTML document; stylesheet None means the shipped report.css."""
    import html

    import markdown

    from workbench import paths

    body = markdown.markdown(markdown_text, extensions=["tables", "sane_lists"], output_format="html")
    body = _clean_html(body, [c for s in data["sections"] for c in s["claims"]])
    if stylesheet is None:
        stylesheet = paths.resource_text("report.css")
    css = stylesheet.replace("</", "<\\/")  # a style sheet cannot close its element
    title = TITLE
    if options.article_id is not None and data["sections"]:
        title += ": " + " ".join((data["sections"][0]["article"]["title"] or "Untitled").split())
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{html.escape(title)}</title>\n<style>\n{css}</style>\n"
            f"</head>\n<body>\n<main class=\"report\">\n{body}\n</main>\n</body>\n</html>\n")


def _clean_html(body: str, claims: list[dict]) -> str:
    """Clean rendered HTML (defence in depth) and mark verdicts, quotes and the summary table."""
    import html

    from lxml import html as lxml_html
    from lxml_html_clean import Cleaner

    root = lxml_html.fragment_fromstring(body, create_parent="div")
    Cleaner(scripts=True, javascript=True, comments=True, style=True, inline_style=True, links=True,
            meta=True, page_structure=True, processing_instructions=True, embedded=True, frames=True,
            forms=True, annoying_tags=True, remove_unknown_tags=True, safe_attrs_only=True)(root)
    for element in list(root.iter("img", "a")):
        if element.tag == "img":
            element.drop_tree()
        elif not safe_url(element.get("href")):
            element.drop_tag()
    headings = [h for h in root.iter("h3")]
    if len(headings) == len(claims):
        for heading, claim in zip(headings, claims):
            text, _, label = heading.text_content().rpartition(" · ")
            for child in list(heading):
                heading.remove(child)
            heading.text = text + " "
            heading.set("class", f"claim claim-{claim['verdict']}")
            badge = lxml_html.Element("span", {"class": f"verdict verdict-{claim['verdict']}"})
            badge.text = label
            heading.append(badge)
    for quote in root.iter("blockquote"):
        previous, parent = quote.getprevious(), quote.getparent()
        if parent is root and previous is not None and previous.tag == "h3":
            quote.set("class", "quote")  # the claim's quote, right under its heading
        elif parent.tag == "li" and parent.getparent().getparent() is root:
            quote.set("class", "excerpt")  # an evidence excerpt, in the evidence list
    for table in root.iter("table"):
        table.set("class", "summary")
        rows = list(table.iter("tr"))
        for row in rows:
            for cell in list(row)[1:]:
                cell.set("class", "num")
                cell.set("align", "right")
        if len(rows) > 1:
            rows[-1].set("class", "total")
    return html.escape(root.text or "") + "".join(
        lxml_html.tostring(child, encoding="unicode") for child in root)
