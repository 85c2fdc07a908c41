"""Importing articles from text, Markdown and HTML files, web pages, the clipboard and annotation files."""

import codecs
import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from workbench.articles import Added, add_article
from workbench.errors import ImportRefused, WorkbenchError
from workbench.sourcefiles import read_source
from workbench.webfetch import fetch

# Heavy libraries (trafilatura, lxml, charset_normalizer, markdown_it) are imported inside the
# functions that use them: the desktop program starts without them (issue 18).

MAX_BYTES = 20 * 1024 * 1024  # web pages and article files larger than this are refused
MAX_JSON_BYTES = 100 * 1024 * 1024  # annotation and ClaimReview files larger than this are refused
# Pages longer than this (characters) are read in one linear pass instead of by trafilatura, whose
# heuristics (link density, a readability fallback) take about 5 s per megabyte of a long page.
LARGE_PAGE = 1_000_000

Progress = Callable[[int, int, str], None]  # (sources done, sources in all, the source being done)
Cancelled = Callable[[], bool]

_KINDS = {".txt": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html",
          ".json": "json", ".jsonld": "json"}
SUPPORTED = ".txt, .md, .markdown, .html, .htm, .json, .jsonld files and http(s):// URLs"
_PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_WIDE = ["utf_16", "utf_16_le", "utf_16_be", "utf_32", "utf_32_le", "utf_32_be"]
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]+://")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_LOOKS_HTML = re.compile(
    r"^\s*(<!doctype\s+html|<html\b|<head\b|<body\b|<meta\b|<!--|"
    r"<(p|div|article|section|main|span|a|b|i|em|strong|h[1-6]|ul|ol|li|table|blockquote|br)\b)", re.I)
_BLOCK_TAGS = ("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
               "article", "section", "header", "footer", "pre", "table", "ul", "ol", "dd", "dt")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML forbids
# Left out before extraction: trafilatura's fallbacks would otherwise offer menus as the text
# of a page that has none (a script-built page, say).
_PRUNE = ["//nav", "//footer", "//aside", "//menu", "//noscript", "//*[@role='navigation']",
          "//header[not(ancestor::article) and not(.//h1)]"]


@dataclass
class Outcome:
    """What importing one source did: articles stored or found, claims, fact-checks, notes, or the error."""

    source: str
    added: list[Added] = field(default_factory=list)
    claims: int = 0
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    fact_checks: object = None  # a factchecks.FactCheckReport, for a ClaimReview file


def import_sources(store, sources: list[str], *, reviewer_id: str, progress: Progress | None = None,
                   cancelled: Cancelled | None = None) -> list[Outcome]:
    """Import each source (file path or http(s) URL) on its own; a bad one is reported, not fatal.

    progress(done, total, source) is called before each source and once at the end; when
    cancelled() turns true, the sources not yet started are left out (each gets the error
    "not imported: cancelled") and the one under way is abandoned whole where it can be.
    """
    outcomes: list[Outcome] = []
    for done, source in enumerate(sources):
        if cancelled is not None and cancelled():
            break
        if progress:
            progress(done, len(sources), source)
        outcomes.append(_import_one(store, source, reviewer_id, cancelled))
    if progress:
        progress(len(outcomes), len(sources), "")
    return outcomes + [Outcome(rest, error=f"{rest}: not imported: cancelled") for rest in sources[len(outcomes):]]


def import_text(store, text: str, *, reviewer_id: str, title: str | None = None,
                url: str | None = None, source: str = "clipboard") -> Added:
    """Store pasted text as an article: extracted like a web page if it is HTML, else as plain text."""
    if _LOOKS_HTML.match(text):
        return _add_html(store, text, reviewer_id=reviewer_id, url=url, source=source,
                         kind="clipboard", title=title, fallback=True)
    return add_article(store, text, reviewer_id=reviewer_id, title=title, url=url,
                       source_kind="clipboard", source=source)


def import_html(store, html: str, *, reviewer_id: str, url: str | None = None, source: str) -> Added:
    """Store the main text of an HTML page with its title, author, site name and date."""
    return _add_html(store, html, reviewer_id=reviewer_id, url=url, source=source, kind="html")


# -- one source ---------------------------------------------------------------------------------

def is_url(source: str) -> bool:
    """Whether a source names something to download (scheme://…) rather than a file."""
    return bool(_URL.match(source))


def _import_one(store, source: str, reviewer_id: str, cancelled: Cancelled | None) -> Outcome:
    if is_url(source):
        return _guarded(source, lambda outcome: _store_page(
            store, fetch_page(source, cancelled=cancelled), reviewer_id, outcome))
    return _guarded(source, lambda outcome: _import_file(store, source, reviewer_id, outcome, cancelled))


def _guarded(source: str, work) -> Outcome:
    """Run work(outcome) for one source; any failure becomes the outcome's one-line error."""
    outcome = Outcome(source)
    try:
        work(outcome)
    except Exception as error:  # noqa: BLE001 - one bad source must not stop the others
        message = str(error) if isinstance(error, WorkbenchError) else _describe(error)
        named = message.startswith((source, str(Path(source))))
        outcome.error = _one_line(message if named else f"{source}: {message}")
    return outcome


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _describe(error: Exception) -> str:
    if isinstance(error, PermissionError):
        return "cannot be read (permission denied)"
    if isinstance(error, MemoryError):
        return "is too large to import in the memory available"
    if isinstance(error, OSError):
        return f"cannot be read ({error.strerror or error})"
    return f"could not be imported ({type(error).__name__}: {error})"


def _import_file(store, source: str, reviewer_id: str, outcome: Outcome, cancelled: Cancelled | None) -> None:
    path = Path(source)
    if path.is_dir():
        raise ImportRefused(f"{source}: is a folder, not a file")
    kind = _KINDS.get(path.suffix.lower())
    if kind is None:
        if not path.exists() and not path.is_symlink():
            raise ImportRefused(f"{source}: no such file")
        what = f"{path.suffix} files" if path.suffix else "files without an extension"
        raise ImportRefused(f"{source}: cannot import {what}; supported: {SUPPORTED}")
    if kind == "json":
        _import_json(store, path, reviewer_id, outcome, cancelled)
        return
    data = read_source(path, limit=MAX_BYTES, what="an article")
    if not data:
        raise ImportRefused(f"{source}: is empty")
    if kind == "html":
        text, encoding = _decode(data, source, _meta_charset(data), outcome.notes)
        added = _add_html(store, text, reviewer_id=reviewer_id, url=None, source=source,
                          kind="html", encoding=encoding)
    else:
        text, encoding = _decode(data, source, None, outcome.notes)
        title = None
        if kind == "md":
            text, title = _markdown_to_text(text)
        added = add_article(store, text, reviewer_id=reviewer_id, title=title, source_kind=kind,
                            encoding=encoding, source=source)
    _record(outcome, added)


def _import_json(store, path: Path, reviewer_id: str, outcome: Outcome, cancelled: Cancelled | None) -> None:
    """A JSON file: schema.org ClaimReview (fact-checks) or W3C annotations, told apart by content."""
    from workbench import annotations, factchecks

    data = load_json(path)
    if factchecks.is_claim_review_document(data):
        outcome.fact_checks = factchecks.import_reviews(store, data, source=str(path), reviewer_id=reviewer_id,
                                                        cancelled=cancelled)
        return
    with store.transaction():  # all or nothing, whatever the annotation module does inside
        report = annotations.import_collection_report(store, data, source=str(path), reviewer_id=reviewer_id)
    outcome.claims = report.imported
    outcome.notes.extend(report.lines())  # how each was placed, orphans with their quotes, skips


def load_json(path: str | Path):
    """Parsed JSON of a file (UTF-8, a BOM allowed), read within MAX_JSON_BYTES; one line if it is not JSON."""
    raw = read_source(path, limit=MAX_JSON_BYTES, what="a JSON file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused(f"{path}: is not UTF-8 text (bad byte at position {error.start})") from None
    try:
        return json.loads(text, parse_constant=_no_constant)
    except (json.JSONDecodeError, ValueError) as error:
        raise ImportRefused(f"{path}: is not valid JSON ({error})") from None
    except RecursionError:
        raise ImportRefused(f"{path}: is not valid JSON (nested too deeply)") from None


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def _record(outcome: Outcome, added: Added) -> None:
    outcome.added.append(added)
    if added.note:
        outcome.notes.append(added.note)


# -- decoding -----------------------------------------------------------------------------------

def _decode(data: bytes, source: str, declared: str | None, notes: list[str]) -> tuple[str, str]:
    """Text from bytes: a BOM, else the declared charset, else UTF-8, else detection."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)  # the codec drops the byte-order mark
            except UnicodeDecodeError:
                raise ImportRefused(f"{source}: starts with a {encoding} byte-order mark "
                               f"but is not valid {encoding}") from None
            return text, _noted(encoding.removesuffix("-sig"), notes)
    if declared:
        try:
            name = codecs.lookup(declared).name
            name = "cp1252" if name in ("iso8859-1", "ascii") else name  # as browsers read them
            return data.decode(name), _noted(name, notes)
        except (LookupError, UnicodeError):  # punycode, idna: UnicodeError
            notes.append(f"declared encoding {declared} does not fit; detected instead")
    if b"\x00" in data:  # UTF-16 and UTF-32 text is recognised by its byte-order mark
        raise ImportRefused(f"{source}: contains NUL bytes; it looks like a binary file, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    matches = from_bytes(data, cp_exclusion=_WIDE)
    best = matches.best()
    if best is None:
        raise ImportRefused(f"{source}: is not text in any encoding known here; it looks like a binary file")
    encoding = best.encoding
    # Detection is weak on short Western text (it offers cp850, cp1250, even cp1006), so the
    # commonest legacy encoding, Windows-1252, wins when it reads the bytes about as well.
    for match in matches:
        if ("cp1252" in match.could_be_from_charset and match.chaos <= best.chaos + 0.05
                and match.coherence >= best.coherence - 0.1):
            encoding = "cp1252"
            break
    return data.decode(encoding), _noted(codecs.lookup(encoding).name, notes)


def _noted(name: str, notes: list[str]) -> str:
    if name != "utf-8":
        notes.append(f"decoded as {name}")
    return name


def _meta_charset(data: bytes) -> str | None:
    found = _META_CHARSET.search(data[:4096])
    return found.group(1).decode("ascii") if found else None


# -- Markdown -----------------------------------------------------------------------------------

def _markdown_to_text(markdown: str) -> tuple[str, str | None]:
    """Readable text of a Markdown document (no markup, link text kept) and its first heading."""
    blocks: list[tuple[str, bool]] = []  # (text, is a line of a list or table)
    title: str | None = None
    lists: list[str] = []  # the open lists' types
    marker: str | None = None  # a list item's marker, waiting for its first block
    row: list[str] | None = None
    heading = False

    def emit(text: str, line: bool = False) -> None:
        nonlocal marker
        indent = "  " * max(0, len(lists) - 1)
        if marker is not None:
            text, marker = f"{indent}{marker} {text}", None
        elif lists:
            text = f"{indent}  {text}"
        if text.strip():
            blocks.append((text, line or bool(lists)))

    for token in _markdown().parse(markdown):
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            lists.append(kind)
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "list_item_open":
            marker = f"{token.info}{token.markup}" if lists[-1] == "ordered_list_open" else "•"
        elif kind == "heading_open":
            heading = True
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close":
            emit("\t".join(row or []), line=True)
            row = None
        elif kind == "inline":
            text = _inline_text(token.children or [])
            if row is not None:
                row.append(text)
                continue
            if heading and title is None and text:
                title = text
            heading = False
            emit(text)
        elif kind in ("fence", "code_block"):
            emit(token.content.rstrip("\n"))
        elif kind == "html_block":
            emit(_html_text(token.content).strip())
    parts = []
    for i, (text, line) in enumerate(blocks):
        if i:
            parts.append("\n" if line and blocks[i - 1][1] else "\n\n")
        parts.append(text)
    return "".join(parts), title


@functools.cache
def _markdown():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _inline_text(children) -> str:
    out = []
    for child in children:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type == "softbreak":
            out.append(" ")
        elif child.type == "hardbreak":
            out.append("\n")
        # images, inline HTML tags and the markers of links and emphasis leave no text
    return re.sub(r"  +", " ", "".join(out)).strip()


def _html_text(html: str) -> str:
    """All visible text of an HTML fragment or page, a line per block element."""
    import lxml.html
    from lxml import etree

    html = _NOT_XML.sub("", html)  # lxml refuses to set text holding them (ValueError)
    try:
        root = lxml.html.document_fromstring(html)
    except (ValueError, etree.ParserError):
        return ""
    return _block_text(root)


def _block_text(root) -> str:
    """The visible text under a parsed element, a line per block element (changes the tree)."""
    for element in root.xpath("//script|//style|//noscript|//template|//head"):
        element.drop_tree()
    for element in root.iter(*_BLOCK_TAGS):
        element.text = "\n" + (element.text or "")
        element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return "\n".join(filter(None, lines))  # (faster than regular expressions on long non-ASCII text)


def _main_text(root) -> str:
    """The text of a very large page in one linear pass: the largest article (else main, else the
    body), with navigation, headers, footers, asides and forms left out."""
    for element in root.xpath(" | ".join([*_PRUNE, "//form", "//iframe", "//svg"])):
        element.drop_tree()
    containers = root.xpath("//article") or root.xpath("//main|//*[@role='main']")
    if containers:
        root = max(containers, key=lambda element: len(element.text_content()))
    return _block_text(root)


# -- HTML and the web ---------------------------------------------------------------------------

def _add_html(store, html: str, *, reviewer_id: str, url: str | None, source: str, kind: str,
              title: str | None = None, encoding: str | None = None, fallback: bool = False) -> Added:
    """Main text through trafilatura and what the page states about itself, then stored."""
    import lxml.html
    from lxml import etree

    from workbench.pagemeta import PageMeta, read_meta

    if "\x00" in html:
        raise ImportRefused(f"{source}: contains NUL characters; it looks like a binary file")
    try:
        root = lxml.html.document_fromstring(_NOT_XML.sub("", html))
    except (ValueError, etree.ParserError):
        root = None
    meta = read_meta(root) if root is not None else PageMeta()
    if len(html) > LARGE_PAGE and root is not None:
        text = _main_text(root)
    else:
        import trafilatura

        try:
            # Metadata is read by read_meta, not by trafilatura: its date search (htmldate) guessed
            # dates from page text (a footer's year became a publication date) and took half the time.
            doc = trafilatura.bare_extraction(html, url=url, with_metadata=False, include_comments=False,
                                              include_tables=True, prune_xpath=_PRUNE)
        except Exception as error:  # noqa: BLE001 - a page the extractor chokes on is refused, not a crash
            raise ImportRefused(f"{source}: the page could not be read ({type(error).__name__})") from None
        text = (doc.text or "").strip() if doc is not None else ""
        if text and root is not None and _only_links(text, root):
            text = ""  # every line is the label of a link: a menu, not an article
    if not text and fallback:
        text = _html_text(html).strip()
    if not text:
        raise ImportRefused(f"{source}: no article text found in the page")
    if url is None and meta.url and meta.url.lower().startswith(("http://", "https://")):
        url = meta.url
    return add_article(
        store, text, reviewer_id=reviewer_id, title=title or meta.title, url=url,
        publisher=meta.sitename, author=meta.author, published=meta.published,
        source_kind=kind, encoding=encoding, source=source)


def _only_links(text: str, root) -> bool:
    """Whether every line of text is the label of a link of the page."""
    links = {" ".join(a.text_content().split()) for a in root.iter("a")}
    return all(" ".join(line.split()) in links for line in text.split("\n") if line.strip())


@dataclass(frozen=True)
class Page:
    """A downloaded web page, before its text is extracted and stored."""

    url: str
    data: bytes
    content_type: str | None
    charset: str | None
    final_url: str


def fetch_page(url: str, *, progress=None, cancelled: Cancelled | None = None) -> Page:
    """Download a web page within the overall deadline and size limit; touches no database (thread-safe).

    progress(bytes so far, bytes announced or None) is called as the body arrives; cancelled() is
    polled while the download runs and stops it within a twentieth of a second.
    """
    if not url.lower().startswith(("http://", "https://")):
        raise ImportRefused(f"{url}: only http:// and https:// URLs can be imported")
    return Page(url, *fetch(url, progress=progress, cancelled=cancelled))


def import_page(store, page: Page, *, reviewer_id: str) -> Outcome:
    """Store a page fetched with fetch_page (all or nothing), as import_sources would."""
    return _guarded(page.url, lambda outcome: _store_page(store, page, reviewer_id, outcome))


def _store_page(store, page: Page, reviewer_id: str, outcome: Outcome) -> None:
    url, data, content_type, charset, final_url = (page.url, page.data, page.content_type, page.charset,
                                                   page.final_url)
    if final_url != url:
        outcome.notes.append(f"redirected to {final_url}")
    if not data.strip():
        raise ImportRefused(f"{url}: the page is empty")
    if content_type == "text/plain" or (content_type is None and data.lstrip()[:1] != b"<"):
        text, encoding = _decode(data, url, charset, outcome.notes)
        added = add_article(store, text, reviewer_id=reviewer_id, url=final_url, source_kind="url",
                            encoding=encoding, source=url)
    else:
        text, encoding = _decode(data, url, charset or _meta_charset(data), outcome.notes)
        added = _add_html(store, text, reviewer_id=reviewer_id, url=final_url, source=url,
                          kind="url", encoding=encoding)
    _record(outcome, added)
