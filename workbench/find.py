"""Finding words in an article's text as a reader expects: case and accents ignored, code-point ranges."""

import re
import unicodedata
from bisect import bisect_right

from workbench.search import MARK_CLOSE, MARK_OPEN

_MARKED = re.compile(re.escape(MARK_OPEN) + "(.*?)" + re.escape(MARK_CLOSE), re.DOTALL)


def _fold(ch: str) -> str:
    return "".join(part for part in unicodedata.normalize("NFKD", ch.casefold()) if not unicodedata.combining(part))


class _Origins:
    """Maps an index of the folded text back to the character of the original it came from.

    Only the few characters whose folding changes length are kept (bisected), so building it
    costs a pass over those alone.
    """

    def __init__(self, text: str, table: dict[int, str]):
        irregular = [chr(code) for code, value in table.items() if len(value) != 1]
        self.starts: list[int] = []  # folded index where each irregular character's output begins
        self.ends: list[int] = []  # folded index just after it
        self.shifts: list[int] = []  # folded index minus original index, after it
        self.sources: list[int] = []  # its original index
        shift = 0
        for match in re.finditer("[" + re.escape("".join(irregular)) + "]", text):
            length = len(table[ord(match.group())])
            self.starts.append(match.start() + shift)
            shift += length - 1
            self.ends.append(match.start() + 1 + shift)
            self.shifts.append(shift)
            self.sources.append(match.start())

    def __getitem__(self, folded_index: int) -> int:
        at = bisect_right(self.starts, folded_index) - 1
        if at < 0:
            return folded_index
        if folded_index < self.ends[at]:
            return self.sources[at]
        return folded_index - self.shifts[at]


def folded(text: str) -> tuple[str, "_Origins | None"]:
    """text case-folded without accents, and a map from its indexes to the original's (None when
    every character folds to exactly one: the indexes are then the same).

    Folding can change lengths ("ß" → "ss", a lone accent → nothing), so matches in the folded
    text are mapped back to exact code points of the original. Each distinct character is folded
    once and the text translated in one pass (1 MB in milliseconds).
    """
    table = {ord(ch): _fold(ch) for ch in set(text)}
    out = text.translate(table)
    if all(len(value) == 1 for value in table.values()):
        return out, None
    return out, _Origins(text, table)


class Finder:
    """One text folded once, searched many times (find-as-you-type in a long article)."""

    def __init__(self, body: str):
        self.body = body
        self.haystack, self.origin = folded(body)

    def find(self, phrase: str, *, limit: int = 10_000) -> list[tuple[int, int]]:
        """Every place phrase occurs, ignoring case, accents and how words are spaced: [(start, end), ...]."""
        needle = " ".join(folded(phrase)[0].split())
        if not needle:
            return []
        pattern = re.compile(r"\s+".join(re.escape(word) for word in needle.split(" ")))
        found = []
        for match in pattern.finditer(self.haystack):
            first, last = match.start(), match.end() - 1
            origin = self.origin
            found.append((origin[first], origin[last] + 1) if origin is not None else (first, last + 1))
            if len(found) >= limit:
                break
        return found


def find_all(body: str, phrase: str, *, limit: int = 10_000) -> list[tuple[int, int]]:
    """Every place phrase occurs in body, ignoring case and accents: [(start, end), ...] in code points."""
    return Finder(body).find(phrase, limit=limit)


def snippet_terms(snippet: str) -> list[str]:
    """The words a full-text search marked in a snippet, in order, each once."""
    terms: list[str] = []
    for match in _MARKED.finditer(snippet):
        term = " ".join(match.group(1).split())
        if term and term not in terms:
            terms.append(term)
    return terms


def first_match(body: str, terms: list[str]) -> tuple[int, int] | None:
    """The earliest place in body where any of terms occurs, or None."""
    places = [found[0] for term in terms if (found := find_all(body, term, limit=1))]
    return min(places) if places else None
