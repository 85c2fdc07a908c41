"""The offset rule: normalising article text, quote selectors, word snapping and collapsed white space, in code points."""

import bisect
import re
import unicodedata
from dataclasses import dataclass, field

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


def is_word_char(ch: str) -> bool:
    """True for a character that belongs to a word (letters, digits, marks, symbols, joining ' ’ - _)."""
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
    if is_word_char(body[start]):
        while start > 0 and is_word_char(body[start - 1]):
            start -= 1
    if is_word_char(body[end - 1]):
        while end < len(body) and is_word_char(body[end]):
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


_BREAK_RUN = re.compile(r"\s*\n\s*")  # a run of white space holding a line break
_OTHER_RUN = re.compile(r"[^\S\n]+")  # one without
_LONG_RUN = re.compile(r"\s{2,}")  # the runs that move offsets
_ODD_SPACE = re.compile(r"[^\S \n]")  # white space other than a space or a line break


@dataclass(frozen=True)
class Collapsed:
    """A text with every run of white space made one character, and the way back to the original offsets.

    Only runs longer than one character move the offsets after them, so the map keeps just those
    runs: (start in the original, end in the original, offset of their one character in `text`).
    """

    text: str
    _runs: list[tuple[int, int, int]] = field(default_factory=list, repr=False)
    _collapsed_starts: list[int] = field(default_factory=list, repr=False)
    _original_starts: list[int] = field(default_factory=list, repr=False)

    def to_original(self, index: int) -> int:
        """The original offset of the character at index in `text` (white space: its run's start)."""
        k = bisect.bisect_right(self._collapsed_starts, index) - 1
        if k < 0:
            return index
        start, end, at = self._runs[k]
        return start if index == at else end + index - at - 1

    def to_original_end(self, index: int) -> int:
        """The original offset for an exclusive end at index in `text` (after white space: its run's end)."""
        if index <= 0:
            return 0
        k = bisect.bisect_right(self._collapsed_starts, index - 1) - 1
        if k >= 0 and self._runs[k][2] == index - 1:
            return self._runs[k][1]
        return self.to_original(index - 1) + 1

    def from_original(self, offset: int) -> int:
        """The offset in `text` of the original offset (inside a run: its one character)."""
        k = bisect.bisect_right(self._original_starts, offset) - 1
        if k < 0:
            return offset
        start, end, at = self._runs[k]
        return at if offset < end else at + 1 + offset - end


def collapse_white_space(text: str) -> Collapsed:
    """text with each run of white space as one character (a line break if it holds one, else a
    space: tabs, no-break spaces and the like), and the map back to the original offsets."""
    if _LONG_RUN.search(text) is None and _ODD_SPACE.search(text) is None:
        return Collapsed(text)  # single spaces and line breaks only: nothing to do (most articles)
    collapsed = _OTHER_RUN.sub(" ", _BREAK_RUN.sub("\n", text))
    if len(collapsed) == len(text):  # every run was one character: offsets do not move
        return Collapsed(collapsed)
    runs, removed = [], 0
    for match in _LONG_RUN.finditer(text):
        runs.append((match.start(), match.end(), match.start() - removed))
        removed += match.end() - match.start() - 1
    return Collapsed(collapsed, runs, [r[2] for r in runs], [r[0] for r in runs])
