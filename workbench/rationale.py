"""The reviewer's rationale: their Markdown, parsed once and written again from safe constructs.

It is parsed with CommonMark (markdown-it, raw HTML off, so any HTML is text) into a small tree of
paragraphs, line breaks, emphasis, strong, code, links, lists, block quotes and rules. Headings
become strong paragraphs, code blocks a code span a line, images their alt text (a report loads
nothing), and a link whose URL is not http(s) with a host or mailto keeps only its text. Where
two emphases share an edge or touch (`***`, `*a**b*`), readers disagree, so the inner or later one
keeps its text and loses its emphasis. The same tree is written as Markdown (`to_markdown`,
escaped with workbench.mdtext), as HTML (`to_html`) and as plain text (`to_text`), so the Markdown
and HTML reports say the same words. Parsing is linear in the text (no Markdown re-parse of
our own output), so emphasis-heavy rationales cost no more than plain ones.
"""

import functools
import html
import re
import unicodedata

from markdown_it import MarkdownIt

from workbench.mdtext import (BLANK_LINES, CONTROLS, blockquote, code_span, destination, escape_inline, fix_line,
                              isolate, safe_url)

_PARSER = MarkdownIt("commonmark", {"html": False})
_PARSER.validateLink = lambda url: True  # every link is parsed; safe_url then decides

# Text with none of these, and no line that starts or ends with white space or starts like a
# list item, parses to plain paragraphs: it is kept as text without running the parser.
_MARKUP = re.compile(r"[\\`*_\[\]<>#!|~&=+:\t\x00-\x08\x0b-\x1f\x7f]")
_LIST_START = re.compile(r"-|\d+[.)]")
EMPHASIS = ("em", "strong")


def is_plain(text: str) -> bool:
    """Whether text holds no Markdown at all, so that parse may skip the parser."""
    if _MARKUP.search(text):
        return False
    return all(line == line.strip() and not _LIST_START.match(line) for line in text.split("\n"))


def parse(text: str) -> list:
    """The rationale as a list of blocks (see the module docstring)."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return []
    if is_plain(text):
        return [("p", _lines_to_inlines(p.split("\n"))) for p in BLANK_LINES.split(text.strip("\n"))]
    fast = parse_simple(text)
    return fast if fast is not None else parse_commonmark(text)


# -- a linear fast path for the Markdown most rationales hold: **strong**, *emphasis*, [links](url) --

_SIMPLE_BAD = re.compile(r"[\\`_<>#!|~&=+\t\x00-\x08\x0b-\x1f\x7f]|\]:")
_SIMPLE_TOKEN = re.compile(r"\*+|\[[^\[\]()*\n]+\]\([^\s()<>\[\]*]+\)|[\[\]]|[^*\[\]]+")
_LINK = re.compile(r"\[([^\[\]()*\n]+)\]\(([^\s()<>\[\]*]+)\)")
_BREAK_LINE = re.compile(r"\*[ *]*$|\* ")


def _punct(char: str) -> bool:
    return unicodedata.category(char)[0] in "PS"


def parse_simple(text: str) -> list | None:
    """parse for text whose only Markdown is **strong**, *emphasis* and [text](url); None if unsure.

    Each form is accepted only where CommonMark reads it the same way (checked against
    parse_commonmark by a property test); anything else returns None and takes the parser.
    """
    if _SIMPLE_BAD.search(text):
        return None
    blocks: list = []
    text = "\n".join(line.rstrip(" ") for line in text.split("\n"))  # trailing spaces: a break either way
    for paragraph in BLANK_LINES.split(text.strip("\n")):
        lines = paragraph.split("\n")
        items = [line[2:] for line in lines if line.startswith("- ")]
        if items and len(items) == len(lines):  # a tight bullet list, one line an item
            if blocks and blocks[-1][0] == "list":
                return None  # two lists a blank line apart are one loose list
            parsed = [_simple_block(item) for item in items]
            if any(p is None or len(p) != 1 for p in parsed):
                return None
            blocks.append(("list", None, True, parsed))
            continue
        block = _simple_block(paragraph)
        if block is None:
            return None
        blocks.extend(block)
    return blocks


def _simple_block(paragraph: str) -> list | None:
    for line in paragraph.split("\n"):
        if line != line.strip() or not line or _LIST_START.match(line) or _BREAK_LINE.match(line):
            return None
    nodes = _simple_inline(paragraph)
    if nodes is None:
        return None
    nodes = _normalise(nodes)
    return [("p", nodes)] if _has_text(nodes) else []


def _simple_inline(paragraph: str) -> list | None:
    out: list = []
    tokens = _SIMPLE_TOKEN.findall(paragraph)
    position, n = 0, 0
    while n < len(tokens):
        token = tokens[n]
        if token.startswith("*"):
            if len(token) > 2 or n + 2 >= len(tokens) or tokens[n + 2] != token:
                return None
            inner = tokens[n + 1]
            before = paragraph[position - 1] if position else " "
            end = position + len(token) + len(inner) + len(token)
            after = paragraph[end] if end < len(paragraph) else " "
            if (inner[0].isspace() or inner[-1].isspace() or "*" in inner or inner.startswith("[")
                    or not (before.isspace() or (_punct(before) and before not in "*]")
                            or not _punct(inner[0]))
                    or not (after.isspace() or (_punct(after) and after not in "*[") or not _punct(inner[-1]))
                    or before == "*" or after == "*"):
                return None
            out.append(("em" if token == "*" else "strong", _text_nodes(inner)))
            position, n = end, n + 3
            continue
        if token.startswith("["):
            match = _LINK.fullmatch(token)
            if not match or match.group(1) != match.group(1).strip():
                return None
            out.append(("link", _link_target(match.group(2)), _text_nodes(match.group(1))))
        elif token == "]":
            return None
        else:
            out.extend(_text_nodes(token))
        position += len(token)
        n += 1
    return out


@functools.lru_cache(maxsize=4096)
def _link_target(url: str) -> str | None:
    """A link destination as the parser gives it (normalised), if safe; rationales repeat their sources."""
    return safe_url(_PARSER.normalizeLink(url))


def _text_nodes(text: str) -> list:
    out: list = []
    for n, line in enumerate(text.split("\n")):
        if n:
            out.append(("br",))
        if line:
            out.append(("text", line))
    return out


def parse_commonmark(text: str) -> list:
    """parse, always through the CommonMark parser (any text)."""
    root: list = []
    stack = [root]
    for token in _PARSER.parse(text.translate(CONTROLS)):
        if token.nesting == 1:
            node = (token, [])
            stack[-1].append(node)
            stack.append(node[1])
        elif token.nesting == -1:
            stack.pop()
        else:
            stack[-1].append((token, None))
    return _blocks(root)


def _lines_to_inlines(lines: list[str]) -> list:
    out: list = []
    for n, line in enumerate(lines):
        if n:
            out.append(("br",))
        out.append(("text", line))
    return out


def _blocks(nodes: list) -> list:
    out = []
    for token, kids in nodes:
        kind = token.type
        if kind in ("paragraph_open", "heading_open"):
            inline = _normalise(_inline(kids[0][0].children or [])) if kids else []
            if inline and kind == "heading_open":
                inline = _normalise([("strong", inline)])
            if _has_text(inline):
                out.append(("p", inline))
        elif kind == "blockquote_open":
            inner = _blocks(kids)
            if inner:
                out.append(("quote", inner))
        elif kind in ("bullet_list_open", "ordered_list_open"):
            start = int(token.attrs.get("start", 1) or 1) if kind == "ordered_list_open" else None
            items = [_blocks(item_kids) for _item, item_kids in kids]
            tight = all(len(k) == 1 and k[0][0].type == "paragraph_open" for _i, k in kids)
            out.append(("list", start, tight, items))
        elif kind in ("fence", "code_block"):  # a line of code each; an indented block could join a list
            lines = [line for line in token.content.split("\n") if line.strip()]
            if lines:
                out.append(("code", lines))
        elif kind == "hr":
            out.append(("hr",))
    return out


def _inline(children: list) -> list:
    """markdown-it inline tokens as nested inline nodes."""
    root: list = []
    stack = [root]
    for token in children:
        kind = token.type
        if kind in ("softbreak", "hardbreak"):
            stack[-1].append(("br",))
        elif kind in ("em_open", "strong_open"):
            node = (kind[:-5], [])
            stack[-1].append(node)
            stack.append(node[1])
        elif kind == "link_open":
            node = ("link", safe_url(token.attrs.get("href")), [])
            stack[-1].append(node)
            stack.append(node[2])
        elif kind in ("em_close", "strong_close", "link_close"):
            if len(stack) > 1:
                stack.pop()
        elif kind == "code_inline":
            stack[-1].append(("code", token.content))
        else:  # text, and an image's alt text: a report never loads anything
            if token.content:
                stack[-1].append(("text", token.content))
    return root


def _has_text(nodes: list) -> bool:
    return any(n[0] in ("text", "code") and (n[1] or "").strip() or
               (n[0] in EMPHASIS and _has_text(n[1])) or (n[0] == "link" and _has_text(n[2])) for n in nodes)


def _normalise(nodes: list) -> list:
    """Drop what readers would read differently: emphasis sharing an edge or touching another."""
    out: list = []
    for node in nodes:
        kind = node[0]
        if kind in EMPHASIS:
            inner = _normalise(node[1])
            while inner and inner[0][0] in EMPHASIS:
                inner = inner[0][1] + inner[1:]
            while inner and inner[-1][0] in EMPHASIS:
                inner = inner[:-1] + inner[-1][1]
            inner = _normalise(inner) if inner != node[1] else inner
            edges = inner and inner[0][0] == "text" and inner[-1][0] == "text"
            if not _has_text(inner) or not edges or inner[0][1][:1].isspace() or inner[-1][1][-1:].isspace() \
                    or (out and out[-1][0] in EMPHASIS):
                out.extend(inner)  # keep the words, drop the emphasis
            else:
                out.append((kind, inner))
        elif kind == "link":
            inner = _normalise(node[2])
            if node[1] and _has_text(inner):
                out.append(("link", node[1], inner))
            else:
                out.extend(inner)
        elif kind == "text" and out and out[-1][0] == "text":
            out[-1] = ("text", out[-1][1] + node[1])
        else:
            out.append(node)
    return out


# -- writers -------------------------------------------------------------------------------------

def to_markdown(blocks: list) -> str:
    """The rationale as Markdown that every reader shows alike."""
    return "\n\n".join(b for b in (_md_block(block) for block in blocks) if b.strip())


def _md_block(block) -> str:
    kind = block[0]
    if kind == "p":
        return _md_inline(block[1])
    if kind == "quote":
        return blockquote(to_markdown(block[1]))
    if kind == "list":
        _kind, start, tight, items = block
        lines_out = []
        for number, item in enumerate(items, start=start or 1):
            marker = ("-" if start is None else f"{number}.").ljust(3) + " "
            lines = (to_markdown(item) or "&#32;").split("\n")
            indent = "\n" + " " * len(marker)
            lines_out.append(marker + lines[0] + "".join(indent + ln if ln else "\n" for ln in lines[1:]))
        return ("\n" if tight else "\n\n").join(lines_out)
    if kind == "code":
        return "  \n".join(code_span(isolate(line)) for line in block[1])
    return "* * *"


def _md_inline(nodes: list) -> str:
    text = _md_nodes(nodes)
    return "\n".join(fix_line(line[:-2]) + "  " if line.endswith("\x00\x00") else fix_line(line)
                     for line in text.split("\n")).strip()


def _md_piece(node) -> str:
    kind = node[0]
    if kind == "text":
        return escape_inline(isolate(node[1]))
    if kind == "br":
        return "\x00\x00\n"  # a hard break; fix_line must not see the two spaces as trailing white space
    if kind == "code":
        return code_span(isolate(node[1]))
    if kind in EMPHASIS:
        mark = "*" if kind == "em" else "**"
        return mark + _md_nodes(node[1]) + mark
    label = _md_nodes(node[2])
    return f"[{label}]({destination(node[1])})"


def _md_nodes(nodes: list) -> str:
    """Inline nodes as Markdown; an emphasis whose delimiters could not open or close where they
    stand (punctuation inside, a letter outside) is written as its text alone."""
    pieces = [_md_piece(node) for node in nodes]
    for n, node in enumerate(nodes):
        if node[0] in EMPHASIS:
            mark = "*" if node[0] == "em" else "**"
            inner = pieces[n][len(mark):-len(mark)]
            before = pieces[n - 1][-1:] if n else ""
            after = pieces[n + 1][:1] if n + 1 < len(pieces) else ""
            if not (_flanks(inner[:1], before) and _flanks(inner[-1:], after)):
                pieces[n] = inner
    return "".join(pieces)


def _flanks(inside: str, outside: str) -> bool:
    """Whether a delimiter between these characters can open (or close) emphasis in CommonMark."""
    return not inside or not _punct(inside) or not outside or outside.isspace() or outside == "\x00" \
        or _punct(outside)


def to_html(blocks: list) -> str:
    """The rationale as HTML (every text escaped, only safe links)."""
    return "\n".join(_html_block(block) for block in blocks)


def _html_block(block) -> str:
    kind = block[0]
    if kind == "p":
        return f"<p>{_html_inline(block[1])}</p>"
    if kind == "quote":
        return f"<blockquote>\n{to_html(block[1])}\n</blockquote>"
    if kind == "list":
        _kind, start, tight, items = block
        tag = "ul" if start is None else "ol"
        begin = f' start="{start}"' if start not in (None, 1) else ""
        parts = []
        for item in items:
            if tight and len(item) == 1 and item[0][0] == "p":
                parts.append(f"<li>{_html_inline(item[0][1])}</li>")
            else:
                parts.append(f"<li>\n{to_html(item)}\n</li>")
        return f"<{tag}{begin}>\n" + "\n".join(parts) + f"\n</{tag}>"
    if kind == "code":
        return "<p>" + "<br>\n".join(f"<code>{html.escape(isolate(line), quote=False)}</code>"
                                     for line in block[1]) + "</p>"
    return "<hr>"


def _html_inline(nodes: list) -> str:
    return "".join(_html_piece(node) for node in nodes)


def _html_piece(node) -> str:
    kind = node[0]
    if kind == "text":
        return html.escape(isolate(node[1]), quote=False)
    if kind == "br":
        return "<br>\n"
    if kind == "code":
        return f"<code>{html.escape(isolate(node[1]), quote=False)}</code>"
    if kind in EMPHASIS:
        return f"<{kind}>" + "".join(_html_piece(n) for n in node[1]) + f"</{kind}>"
    return f'<a href="{html.escape(node[1])}">' + "".join(_html_piece(n) for n in node[2]) + "</a>"


def to_text(blocks: list) -> str:
    """The rationale as plain text: paragraphs separated by a blank line."""
    out = []
    for block in blocks:
        kind = block[0]
        if kind == "p":
            out.append(_text_inline(block[1]))
        elif kind == "quote":
            out.append(to_text(block[1]))
        elif kind == "list":
            out.extend(to_text(item) for item in block[3])
        elif kind == "code":
            out.append("\n".join(block[1]))
    return "\n\n".join(part for part in out if part.strip())


def _text_inline(nodes: list) -> str:
    parts = []
    for node in nodes:
        kind = node[0]
        if kind in ("text", "code"):
            parts.append(node[1])
        elif kind == "br":
            parts.append("\n")
        elif kind in EMPHASIS:
            parts.append(_text_inline(node[1]))
        else:
            parts.append(_text_inline(node[2]))
    return "".join(parts).strip()
