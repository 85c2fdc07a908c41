"""The offset rule: normalising article text, quote selectors and word snapping, in code points."""

import unicodedata
from dataclasses import dataclass

from workbench.errors import ImportRefused

CONTEXT = 32  # code points of prefix and suffix kept with each quote (W3C TextQuoteSelector)


def normalise_body(text: str, *, source: str = "text") -> str:
    """Normalise imported text once: `\\n` line endings, no BOM, no NUL, no trailing blank space."""
    if "\x00" in text:
        raise ImportRefused(f"{source}: contains NUL characters; it looks like a binary file")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Leading blank lines and byte-order marks go together, so normalising twice changes nothing.
    text = "\n".join(line.rstrip() for line in text.split("\n")).lstrip("\n\ufeff").rstrip("\n")
    if not text.strip():
        raise ImportRefused(f"{source}: has no text")
    return text


@dataclass(frozen=True)
class QuoteSelector:
    """A W3C TextQuoteSelector: the exact text and the context around it."""

    exact: str
    prefix: str
    suffix: str


def quote_at(body: str, start: int, end: int) -> QuoteSelector:
    """The quote selector for the range [start, end) of body."""
    if not 0 <= start < end <= len(body):
        raise ValueError(f"range [{start}, {end}) is outside a text of {len(body)} characters")
    return QuoteSelector(
        exact=body[start:end],
        prefix=body[max(0, start - CONTEXT):start],
        suffix=body[end:end + CONTEXT],
    )


def find_quote(body: str, quote: QuoteSelector, hint: int | None = None) -> int | None:
    """Where quote occurs in body: the match whose context fits best, nearest hint; None if absent."""
    best, best_score = None, None
    pos = body.find(quote.exact)
    while pos != -1:
        found = quote_at(body, pos, pos + len(quote.exact))
        score = (
            -(_common_suffix(found.prefix, quote.prefix) + _common_prefix(found.suffix, quote.suffix)),
            abs(pos - hint) if hint is not None else 0,
        )
        if best_score is None or score < best_score:
            best, best_score = pos, score
        pos = body.find(quote.exact, pos + 1)
    return best


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])


def _is_word_char(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return cat[0] in "LNM" or ch in "'’-_" or cat == "So"


def snap_to_words(body: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) to whole words and trim surrounding white space; empty stays empty."""
    start, end = max(0, min(start, end)), min(len(body), max(start, end))
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    if start == end:
        return start, end
    if _is_word_char(body[start]):
        while start > 0 and _is_word_char(body[start - 1]):
            start -= 1
    if _is_word_char(body[end - 1]):
        while end < len(body) and _is_word_char(body[end]):
            end += 1
    # A word-joining apostrophe or hyphen at the edge is punctuation there, not part of the claim.
    while end > start and body[end - 1] in "'’-":
        end -= 1
    while start < end and body[start] in "'’-":
        start += 1
    return balance_pairs(body, start, end)


PAIRS = {"(": ")", "[": "]", "{": "}", "“": "”", "‘": "’", "«": "»", "„": "“", "‹": "›"}
CLOSERS = {closer: opener for opener, closer in PAIRS.items() if opener != "„"}


def _unmatched(text: str) -> tuple[list[int], list[int]]:
    """Indexes of openers without a closer, and of closers without an opener, in text.

    ’ closes only an open ‘ (otherwise it is an apostrophe); straight quotes pair by count.
    """
    open_stack: list[int] = []
    stray: list[int] = []
    straight: list[int] = []
    for index, ch in enumerate(text):
        if ch == '"':
            if straight:
                straight.pop()
            elif index == len(text) - 1 and index:  # a lone straight quote at the end closes
                stray.append(index)
            else:
                straight.append(index)
        elif ch in PAIRS and not (ch == "“" and open_stack and text[open_stack[-1]] == "„"):
            open_stack.append(index)
        elif ch in CLOSERS or ch == "“":
            wanted = "„" if ch == "“" else CLOSERS[ch]
            if open_stack and text[open_stack[-1]] in (wanted, CLOSERS.get(ch)):
                open_stack.pop()
            elif ch != "’":
                stray.append(index)
    return sorted(open_stack + straight), stray


def balance_pairs(body: str, start: int, end: int) -> tuple[int, int]:
    """Bring [start, end) to balanced brackets and quotes: take in the partner right outside
    the edge ("(NATO" gains its ")"), or else drop an unpaired mark at the edge ("about,”" then ”)."""
    for _ in range(4):  # each step fixes one edge; a few suffice for nested marks
        openers, closers = _unmatched(body[start:end])
        if not openers and not closers:
            break
        if openers:
            mark = body[start + openers[-1]]
            partner = '"' if mark == '"' else PAIRS[mark]
            if end < len(body) and body[end] == partner:
                end += 1
            elif openers[0] == 0:
                start += 1
            else:
                break
        else:
            mark = body[start + closers[0]]
            partner = '"' if mark == '"' else CLOSERS.get(mark, "„") if mark != "“" else "„"
            if start > 0 and body[start - 1] == partner:
                start -= 1
            elif closers[-1] == end - start - 1:
                end -= 1
            else:
                break
        while start < end and body[start].isspace():
            start += 1
        while end > start and body[end - 1].isspace():
            end -= 1
    return start, end
