"""Markdown that every reader shows as the text it was made from, links that copy as stored.

The report is read by CommonMark (markdown-it), GitHub's cmark-gfm, Python-Markdown with and
without its extensions (extra, sane_lists, smarty) and pandoc's default Markdown reader. They agree
on few escapes, so `escape_inline` writes a character:
- as a backslash escape where all of them know one: \\ ` * _ { } [ ] # + ! and - . in runs of two
  or more (pandoc and smarty would make dashes and an ellipsis of them);
- as a numeric character reference where Python-Markdown knows no backslash escape:
  < > | ~ ^ $ @ " ' (pandoc reads $…$ as math, ^…^ and ~…~ as super- and subscript, @key as a
  citation, and makes curly quotes of " and '); & only where it would start a reference;
- : as &#58; where it starts "://" and the . of "www." as &#46;, so that cmark-gfm links no bare
  address (it would keep backslashes in the link); "xmpp:" before an address is emphasised,
  which splits the text cmark-gfm scans, so it never becomes an xmpp: link;
- control characters as their control pictures (U+2400…), a tab as &#9;.
At a line's start, what would open a block in any reader is escaped too (`fix_line`): list
markers of every kind pandoc knows ("- ", "1.", "a)", "(i)", "#."), "=" and ":" (setext heading,
definition list), and white space at either end of a line becomes references.
( and ) are left alone: nothing they could start can open once [ and ] are escaped.

User text is isolated for bidirectional display (`isolate`): text that holds a bidi control
character (an override such as U+202E, an embedding or an isolate) is wrapped in FIRST STRONG
ISOLATE … POP DIRECTIONAL ISOLATE, so it cannot reorder the words around it ("Verdict given by …
on 6 May 2024"). Text without such characters is left exactly as it is.

Link targets are written in angle brackets (`destination`), unchanged but for what no reader
could take in them (white space, < > \\ and control characters, percent-encoded) and a ";" that
would end a character reference; `_`, `*`, `(` and the rest stay as stored.
"""

import re
import urllib.parse

SAFE_SCHEMES = ("http", "https", "mailto")
BLANK_LINES = re.compile(r"\n\n+")  # a run of blank lines: one paragraph break

_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
FSI, PDI = "\u2068", "\u2069"
_OPENERS = "\u2066\u2067\u2068"


def isolate(text: str) -> str:
    """text wrapped in a bidi isolate if it holds bidi controls (unbalanced ones closed), else text."""
    if not _BIDI_CONTROLS.search(text):
        return text
    kept, depth = [], 0
    for char in text:
        if char in _OPENERS:
            depth += 1
        elif char == PDI:
            if not depth:
                continue  # it would close our isolate early
            depth -= 1
        kept.append(char)
    return FSI + "".join(kept) + PDI * depth + PDI


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
    if any(ord(c) < 32 or ord(c) == 127 for c in url):
        return None
    return url


_ALWAYS = re.compile(r"""[\\`*_{}\[\]#+!<>|~^$@"'\t]""")
_REFERENCE = {"<": "&lt;", ">": "&gt;", "\t": "&#9;", "|": "&#124;", "~": "&#126;", "^": "&#94;", "$": "&#36;",
              "@": "&#64;", '"': "&#34;", "'": "&#39;"}
_ESCAPE = {c: _REFERENCE.get(c, "\\" + c) for c in "\\`*_{}[]#+!<>|~^$@\"'\t"}
_AMPERSAND = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_RUNS = re.compile(r"--+|\.\.+")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
CONTROLS = {c: 0x2400 + c for c in range(32) if c not in (9, 10)} | {127: 0x2421}
_XMPP = re.compile(r"(?i)(xmpp)(?=:)")
_WWW = re.compile(r"(?i)\b(www)\.")


def escape_inline(text: str) -> str:
    """Text as inline Markdown that reads back as itself (line breaks kept as they are)."""
    if _CONTROL.search(text):
        text = text.translate(CONTROLS)
    if "&" in text:
        text = _AMPERSAND.sub("&amp;", text)
    text = _ALWAYS.sub(lambda m: _ESCAPE[m.group()], text)
    if "--" in text or ".." in text:  # dashes and dots that pandoc and smarty would join
        text = _RUNS.sub(lambda m: "\\" + "\\".join(m.group()), text)
    if ":" in text:
        if "://" in text:
            text = text.replace("://", "&#58;//")
        if "mpp:" in text.lower():
            text = _XMPP.sub(r"*\1*", text)
    if "ww." in text.lower():
        text = _WWW.sub(r"\1&#46;", text)
    return text


# Line starts that open a block somewhere: lists ("1." "a)" "(iv)" "#."), tables and definitions.
_LIST_MARK = re.compile(r"^(\\?\(?)([0-9A-Za-z]+|\\#)([.)])(?=\s|$)")


def fix_line(line: str) -> str:
    """Make a line of escaped inline Markdown start and end as plain text."""
    core = line.strip()
    if not core:
        return "".join(f"&#{ord(c)};" for c in line)
    lead, trail = line[: len(line) - len(line.lstrip())], line[len(line.rstrip()):]
    if not lead:
        if core[0] in "-+" or core.startswith("\\-"):
            core = core if core.startswith("\\") else "\\" + core
        elif core[0] in "=:":
            core = f"&#{ord(core[0])};" + core[1:]
        else:
            core = _LIST_MARK.sub(lambda m: m.group(1) + m.group(2) + "\\" + m.group(3), core)
    return "".join(f"&#{ord(c)};" for c in lead) + core + "".join(f"&#{ord(c)};" for c in trail)


def join_lines(lines: list[str]) -> str:
    """Escaped lines joined by hard line breaks."""
    return "  \n".join(fix_line(line) for line in lines)


def escape_markdown(text: str) -> str:
    """Markdown that renders as text itself: line breaks hard, blank-line runs one paragraph break."""
    text = isolate(text.replace("\r\n", "\n").replace("\r", "\n").strip("\n"))
    paragraphs = BLANK_LINES.split(text)
    return "\n\n".join(join_lines(escape_inline(p).split("\n")) for p in paragraphs)


def escape_line(text: str) -> str:
    """Escaped Markdown for one line of text (a title or a table cell): white space collapsed."""
    return fix_line(escape_inline(isolate(" ".join(text.split()))))


def collapse(text: str) -> str:
    """The text a one-line field shows: white space collapsed, isolated for bidi display."""
    return isolate(" ".join(text.split()))


def paragraphs(text: str) -> list[list[str]]:
    """A multi-line field as it is shown: paragraphs (blank-line runs) of lines, bidi-isolated."""
    text = isolate(text.replace("\r\n", "\n").replace("\r", "\n").strip("\n"))
    return [p.split("\n") for p in BLANK_LINES.split(text)]


def destination(url: str) -> str:
    """A link destination, in angle brackets, that every reader reads back as url."""
    url = re.sub(r"(&#?[0-9A-Za-z]+);", r"\1%3B", url)
    return "<" + "".join(c if c.isprintable() and c not in " <>\\" else
                         "".join(f"%{b:02X}" for b in c.encode("utf-8")) for c in url) + ">"


def md_link(text: str, url: str | None) -> str:
    """[text](<url>) when the URL is safe, else the text alone (escaped)."""
    target = safe_url(url)
    label = escape_line(text)
    return f"[{label}]({destination(target)})" if target else label


def blockquote(markdown: str) -> str:
    """Markdown text put inside a block quote."""
    return "\n".join(f"> {line}" if line else ">" for line in markdown.split("\n"))


def code_span(content: str) -> str:
    """content as a code span whose fence no backtick inside can close.

    Python-Markdown strips any white space at a code span's edges (a no-break space too), where
    the others keep it (CommonMark drops one space only from both ends at once); such content is
    written as plain (escaped) text, which every reader shows alike.
    """
    if any(edge.isspace() for edge in (content[:1], content[-1:])):
        return fix_line(escape_inline(isolate(content)))
    fence = "`" * (max((len(run) for run in re.findall("`+", content)), default=0) + 1)
    pad = " " if content[:1] in ("`", " ") or content[-1:] in ("`", " ") else ""
    return f"{fence}{pad}{content}{pad}{fence}"
