"""Importing articles from text, Markdown and HTML files, web pages, the clipboard and annotation files."""

import codecs
import re
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import lxml.html
import trafilatura
from charset_normalizer import from_bytes
from lxml import etree
from markdown_it import MarkdownIt

from workbench.articles import Added, add_article
from workbench.errors import ImportRefused, WorkbenchError

FETCH_TIMEOUT_S = 15.0
MAX_BYTES = 20 * 1024 * 1024  # web pages and files larger than this are refused
USER_AGENT = "factcheck-workbench/0.1 (article import for fact-checking)"
_CHUNK = 64 * 1024

_KINDS = {".txt": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html",
          ".json": "annotations", ".jsonld": "annotations"}
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
_NOT_XML = dict.fromkeys([*range(9), 11, 12, *range(14, 32), 0xFFFE, 0xFFFF])  # characters XML forbids
_MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])
# Left out before extraction: trafilatura's fallbacks would otherwise offer menus as the text
# of a page that has none (a script-built page, say).
_PRUNE = ["//nav", "//footer", "//aside", "//menu", "//noscript", "//*[@role='navigation']",
          "//header[not(ancestor::article) and not(.//h1)]"]


@dataclass
class Outcome:
    """What importing one source did: the articles stored or found, claims, notes, or the error."""

    source: str
    added: list[Added] = field(default_factory=list)
    claims: int = 0
    notes: list[str] = field(default_factory=list)
    error: str | None = None


def import_sources(store, sources: list[str], *, reviewer_id: str) -> list[Outcome]:
    """Import each source (file path or http(s) URL) on its own; a bad one is reported, not fatal."""
    return [_import_one(store, source, reviewer_id) for source in sources]


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

def _import_one(store, source: str, reviewer_id: str) -> Outcome:
    if _URL.match(source):
        return _guarded(source, lambda outcome: _store_page(store, fetch_page(source), reviewer_id, outcome))
    return _guarded(source, lambda outcome: _import_file(store, source, reviewer_id, outcome))


def _guarded(source: str, work) -> Outcome:
    """Run work(outcome) for one source; any failure becomes the outcome's one-line error."""
    outcome = Outcome(source)
    try:
        work(outcome)
    except Exception as error:  # noqa: BLE001 - one bad source must not stop the others
        message = str(error) if isinstance(error, WorkbenchError) else _describe(error)
        named = message.startswith((source, str(Path(source))))
        outcome.error = message if named else f"{source}: {message}"
    return outcome


def _describe(error: Exception) -> str:
    if isinstance(error, PermissionError):
        return "cannot be read (permission denied)"
    if isinstance(error, OSError):
        return f"cannot be read ({error.strerror or error})"
    return f"could not be imported ({type(error).__name__}: {error})"


def _import_file(store, source: str, reviewer_id: str, outcome: Outcome) -> None:
    path = Path(source)
    if not path.exists():
        raise ImportRefused(f"{source}: no such file")
    if path.is_dir():
        raise ImportRefused(f"{source}: is a folder, not a file")
    kind = _KINDS.get(path.suffix.lower())
    if kind is None:
        what = f"{path.suffix} files" if path.suffix else "files without an extension"
        raise ImportRefused(f"{source}: cannot import {what}; supported: {SUPPORTED}")
    if kind == "annotations":
        from workbench import annotations
        with store.transaction():  # all or nothing, whatever the annotation module does inside
            report = annotations.import_annotation_file_report(store, path, reviewer_id=reviewer_id)
        outcome.claims = report.imported
        outcome.notes.extend(report.lines())  # how each was placed, orphans with their quotes, skips
        return
    if path.stat().st_size > MAX_BYTES:
        raise ImportRefused(f"{source}: is larger than {MAX_BYTES // (1024 * 1024)} MB; not an article")
    data = path.read_bytes()
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

    for token in _MARKDOWN.parse(markdown):
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
    html = html.translate(_NOT_XML)  # lxml refuses to set text holding them (ValueError)
    try:
        root = lxml.html.document_fromstring(html)
    except (ValueError, etree.ParserError):
        return ""
    for element in root.xpath("//script|//style|//noscript|//template|//head"):
        element.drop_tree()
    for element in root.iter(*_BLOCK_TAGS):
        element.text = "\n" + (element.text or "")
        element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


# -- HTML and the web ---------------------------------------------------------------------------

def _add_html(store, html: str, *, reviewer_id: str, url: str | None, source: str, kind: str,
              title: str | None = None, encoding: str | None = None, fallback: bool = False) -> Added:
    """Main text and metadata through trafilatura, then stored."""
    if "\x00" in html:
        raise ImportRefused(f"{source}: contains NUL characters; it looks like a binary file")
    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                          include_tables=True, prune_xpath=_PRUNE)
    except Exception as error:  # noqa: BLE001 - a page the extractor chokes on is refused, not a crash
        raise ImportRefused(f"{source}: the page could not be read ({type(error).__name__})") from None
    text = (doc.text or "").strip() if doc is not None else ""
    if text and _only_links(text, html):
        text = ""
    if not text and fallback:
        text = _html_text(html).strip()
    if not text:
        raise ImportRefused(f"{source}: no article text found in the page")
    if doc is not None:
        title = title or doc.title or None
        if url is None and doc.url and doc.url.startswith(("http://", "https://")):
            url = doc.url
    return add_article(
        store, text, reviewer_id=reviewer_id, title=title, url=url,
        publisher=(doc.sitename or None) if doc is not None else None,
        author=(doc.author or None) if doc is not None else None,
        published=_iso_date(doc.date) if doc is not None else None,
        source_kind=kind, encoding=encoding, source=source)


def _only_links(text: str, html: str) -> bool:
    """Whether every line of text is the label of a link on the page: a menu, not an article."""
    try:
        root = lxml.html.document_fromstring(html)
    except (ValueError, etree.ParserError):
        return False
    labels = {" ".join(a.text_content().split()) for a in root.iter("a")}
    return all(" ".join(line.split()) in labels for line in text.split("\n") if line.strip())


def _iso_date(value: str | None) -> str | None:
    try:
        return date.fromisoformat(value[:10]).isoformat() if value else None
    except ValueError:
        return None


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not newurl.lower().startswith(("http://", "https://")):
            raise ImportRefused(f"{req.full_url}: redirects to {newurl}, which is not an http(s) URL")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


@dataclass(frozen=True)
class Page:
    """A downloaded web page, before its text is extracted and stored."""

    url: str
    data: bytes
    content_type: str | None
    charset: str | None
    final_url: str


def fetch_page(url: str) -> Page:
    """Download a web page within the time and size limits; touches no database (thread-safe)."""
    if not url.lower().startswith(("http://", "https://")):
        raise ImportRefused(f"{url}: only http:// and https:// URLs can be imported")
    return Page(url, *_fetch(url))


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


def _fetch(url: str) -> tuple[bytes, str | None, str | None, str]:
    """Download a web page: (body, content type, declared charset, final URL), within the limits."""
    request = urllib.request.Request(url, headers={
        "User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,text/plain;q=0.8"})
    opener = urllib.request.build_opener(_HttpOnlyRedirects)
    deadline = time.monotonic() + FETCH_TIMEOUT_S
    try:
        with opener.open(request, timeout=FETCH_TIMEOUT_S) as response:
            content_type = response.headers.get_content_type() if response.headers.get("Content-Type") else None
            if content_type and content_type not in _PAGE_TYPES:
                raise ImportRefused(f"{url}: is {content_type}, not a web page or text")
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > MAX_BYTES:
                raise ImportRefused(f"{url}: is too large ({int(length):,} bytes; the limit is {MAX_BYTES:,})")
            chunks, size = [], 0
            while chunk := response.read1(_CHUNK):  # read1: a trickle cannot outlast the deadline
                size += len(chunk)
                if size > MAX_BYTES:
                    raise ImportRefused(f"{url}: is too large (more than {MAX_BYTES:,} bytes)")
                if time.monotonic() > deadline:
                    raise TimeoutError
                chunks.append(chunk)
            return b"".join(chunks), content_type, response.headers.get_content_charset(), response.geturl()
    except urllib.error.HTTPError as error:
        raise ImportRefused(f"{url}: the server answered {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        raise ImportRefused(f"{url}: {_network_reason(error.reason)}") from None
    except (TimeoutError, OSError, ValueError) as error:
        raise ImportRefused(f"{url}: {_network_reason(error)}") from None
    except ImportRefused:
        raise
    except Exception as error:  # http.client.HTTPException and kin: a broken answer
        raise ImportRefused(f"{url}: the server's answer broke off ({type(error).__name__})") from None


def _network_reason(reason) -> str:
    if isinstance(reason, TimeoutError):
        return f"no complete answer within {FETCH_TIMEOUT_S:g} seconds"
    if isinstance(reason, socket.gaierror):
        return "the host name could not be found"
    if isinstance(reason, ConnectionRefusedError):
        return "the server refused the connection"
    if isinstance(reason, OSError):
        return f"could not be fetched ({reason.strerror or reason})"
    return f"could not be fetched ({reason})"
