"""Placing an annotation's text in an article: by position, by exact quote, by approximate match, or not at all.

`Anchorer(body).place(Target(...))` tries, in this order (issue 12):

1. The position (TextPositionSelector), if the text there is the quote and its whole context
   agrees. Other tools count positions on their web page, so a position that does not hold is
   only a hint for the steps below.
2. The quote found exactly, told apart by its prefix and suffix, and taken where its whole context
   agrees; a tie goes to the place nearest the hint. Runs of white space count as one, a line
   break as a space. A context side is compared only within the quote's paragraph (corrections
   most often add, drop or rewrite the paragraph next to a claim); where it crossed a paragraph
   break, the quote must still be that near the paragraph's edge. A side that runs past the
   article's start (end), where the page had a header (footer), agrees if the article's text
   there is the end (start) of it. A quote with no context that occurs more than once, and no
   hint, is ambiguous: it is not placed.
3. An approximate match of quote and context: candidate places are the exact quote where part of
   its context agrees, where ten-character pieces of prefix, quote and suffix occur exactly, and
   the hint. At each, rapidfuzz aligns the quote and the place is scored 0..1: the normalised
   Levenshtein similarity of quote, prefix and suffix (as Hypothesis's match-quote does), each
   weighted by its length, the quote at least as much as a full side, plus whether a paragraph
   edge the context had is still there. The best place is accepted only at MIN_SCORE or above and
   only if no other place scores within MARGIN of it.
4. Otherwise the annotation is an orphan: nothing is placed, and the reason says why.

A claim carried to a new version (version_targets, place_in_version) has its position mapped
through the paragraphs that stayed, moved or changed, and is looked for only near there (radius);
a claim whose paragraph is gone is an orphan at once.

MIN_SCORE was chosen on bench/bench_anchoring.py (README, Benchmarks): over 43,194 claims and five
seeds, 0.95 is the lowest threshold tried with no wrong placement (the best-scoring wrong one
scored 0.945; 0.90 placed 3 wrongly). rapidfuzz is used rather than diff-match-patch: aligning a
quote in a window is C++ and about 20x faster on the bench's text, and diff-match-patch's Bitap
matcher handles patterns of at most 32 characters.
"""

import bisect
import difflib
import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from workbench.text import CONTEXT, collapse_white_space, is_word_char, quote_at

POSITION, EXACT, APPROXIMATE, ORPHAN = "position", "exact", "approximate", "orphan"
MIN_SCORE = 0.95
MARGIN = 0.05
PIECE = 10  # characters of each exact piece that proposes a candidate place
MAX_PIECE_HITS = 40  # a piece found more often than this says nothing about where the quote is
MAX_CANDIDATES = 8
BREAK_WEIGHT = 8  # in characters: a paragraph break the context had, found again at the same place or not
RADIUS = 256  # how far a claim in an unchanged paragraph of a new version may be from its mapped place


@dataclass(frozen=True)
class Target:
    """What an annotation says about where it is: a quote with its context, a position, a hint."""

    exact: str = ""
    prefix: str = ""
    suffix: str = ""
    start: int | None = None
    end: int | None = None
    hint: int | None = None  # where to look first (code points); defaults to start
    # How far from the hint the text can be (a new version's mapped position); None: anywhere,
    # the hint only breaks ties (other tools' positions count on another text).
    radius: int | None = None


@dataclass(frozen=True)
class Placement:
    """Where an annotation was placed ([start, end) of the body and how), or why it was not."""

    start: int | None
    end: int | None
    method: str
    score: float
    reason: str = ""

    @property
    def placed(self) -> bool:
        """True when the annotation has a range in the article."""
        return self.method != ORPHAN


def _orphan(reason: str, score: float = 0.0) -> Placement:
    return Placement(None, None, ORPHAN, score, reason)


class Anchorer:
    """Places annotations in one article body; keep one per body to reuse its prepared text."""

    def __init__(self, body: str, *, min_score: float = MIN_SCORE):
        self.body = body
        self.min_score = min_score
        self._collapsed = collapse_white_space(body)
        self.text = self._collapsed.text  # the body with white space collapsed; searches run here
        self.flat = self.text.replace("\n", " ")  # the same with line breaks as spaces, for scoring
        self._hits: dict[str, list[int] | None] = {}

    def place(self, target: Target) -> Placement:
        """Where target is in the body, or an orphan; approximate matches below min_score are orphans."""
        found = self.best(target)
        if found.method == APPROXIMATE and found.score < self.min_score:
            return _orphan(f"no place in the article matches well enough (best {found.score:.2f})",
                           found.score)
        return found

    def best(self, target: Target) -> Placement:
        """Like place, but an approximate match is returned whatever its score (for measuring)."""
        body = self.body
        start, end = target.start, target.end
        hint = target.hint if target.hint is not None else start
        if start is not None and end is not None and 0 <= start < end <= len(body):
            if not target.exact:
                return Placement(start, end, POSITION, 1.0)
            if body[start:end] == target.exact:
                prefix, suffix = _collapse(target.prefix), _collapse(target.suffix)
                a, b = self._collapsed.from_original(start), self._collapsed.from_original(end - 1) + 1
                agree = self._agreement(a, b, prefix, suffix)
                if (agree is None or agree == bool(prefix.strip()) + bool(suffix.strip())) \
                        and self._position_is_the_one(a, b, target.exact, prefix, suffix):
                    return Placement(start, end, POSITION, 1.0)
        if not target.exact.strip():
            return _orphan("it has no quote, and no position inside the article")
        quote, prefix, suffix = (_collapse(t) for t in (target.exact, target.prefix, target.suffix))
        near = None if hint is None else self._collapsed.from_original(max(0, min(hint, len(body))))
        reach = None
        if near is not None and target.radius is not None:
            reach = (near - target.radius, near + target.radius)
        found, partial = self._exact(quote, prefix, suffix, near, reach)
        if found is None:
            found = self._approximate(quote, prefix, suffix, near, reach, partial)
        if found.placed:
            a, b = self._collapsed.to_original(found.start), self._collapsed.to_original_end(found.end)
            if found.method == APPROXIMATE:
                a, b = _snap(body, a, b, target)
                if a >= b:
                    return _orphan("its best match in the article is only white space")
            found = Placement(a, b, found.method, found.score)
        return found

    # -- context ---------------------------------------------------------------------------------
    # A context side is compared only as far as its paragraph goes: the neighbouring paragraph is
    # what corrections most often add, remove or rewrite. When the context crossed a paragraph
    # break, the quote must still be that near the paragraph's start (end).

    def _prefix_agrees(self, at: int, prefix: str) -> bool | None:
        if not prefix.strip():
            return None
        want, crossed = _own_paragraph(prefix, before=True)
        text = self.text
        if crossed:  # the quote's paragraph starts with exactly this
            return text[text.rfind("\n", 0, at) + 1:at].strip() == want
        low = max(0, at - len(want) - 2)
        have = self.flat[low:at].rstrip()
        return have.endswith(want) or (low == 0 and want.endswith(have.lstrip()))

    def _suffix_agrees(self, at: int, suffix: str) -> bool | None:
        if not suffix.strip():
            return None
        want, crossed = _own_paragraph(suffix, before=False)
        text = self.text
        if crossed:  # the quote's paragraph ends with exactly this
            end = text.find("\n", at)
            return text[at:end if end != -1 else len(text)].strip() == want
        high = min(len(text), at + len(want) + 2)
        have = self.flat[at:high].lstrip()
        return have.startswith(want) or (high == len(text) and want.startswith(have.rstrip()))

    def _agreement(self, start: int, end: int, prefix: str, suffix: str) -> int | None:
        """How many of the given context sides agree with [start, end) of text; None if none given."""
        sides = [s for s in (self._prefix_agrees(start, prefix), self._suffix_agrees(end, suffix))
                 if s is not None]
        return sum(sides) if sides else None

    # -- step 2: the exact quote -----------------------------------------------------------------

    def _exact(self, quote: str, prefix: str, suffix: str, near: int | None,
               reach: tuple[int, int] | None) -> tuple[Placement | None, list[int]]:
        """The exact quote where its whole context agrees; else the places that fit part of it."""
        text = self.text
        if not prefix.strip() and not suffix.strip():
            return self._exact_without_context(quote, near), []
        (before, before_crossed), (after, after_crossed) = (_own_paragraph(prefix, before=True),
                                                            _own_paragraph(suffix, before=False))
        escaped = _pattern(quote)
        places = set()
        if before:
            places.update(m.start(1) for m in re.finditer(f"{_pattern(before)}[ \n]?({escaped})", text))
        elif before_crossed:  # the quote began its paragraph
            places.update(m.start() for m in re.finditer(f"\n(?={escaped})", "\n" + text))
        if after:
            places.update(m.start(1) for m in re.finditer(f"({escaped})[ \n]?{_pattern(after)}", text))
        elif after_crossed:  # the quote ended its paragraph
            places.update(m.start() for m in re.finditer(f"{escaped}(?=\n)", text + "\n"))
        # Near the article's edges the context may run off its text: look there for the quote alone.
        pattern = re.compile(escaped)
        for low, high in ((0, len(before) + len(quote) + 2),
                          (max(0, len(text) - len(after) - len(quote) - 2), len(text))):
            places.update(m.start() for m in pattern.finditer(text, low, high))
        full = bool(prefix.strip()) + bool(suffix.strip())
        scored = [(self._agreement(p, p + len(quote), prefix, suffix) or 0, p) for p in places]
        elsewhere = False
        if reach is not None:  # a new version's text is near where its paragraph went, or gone
            elsewhere = any(s == full and not reach[0] <= p <= reach[1] for s, p in scored)
            scored = [(s, p) for s, p in scored if reach[0] <= p <= reach[1]]
        whole = sorted(p for s, p in scored if s == full)
        if not whole:
            if elsewhere:
                return _orphan("its quote and context are elsewhere in the new version, not where "
                               "its paragraph went"), []
            return None, sorted(p for s, p in scored if s)  # fitting part of the context: to be scored
        if len(whole) > 1:  # the paragraph-bound context fits several places: does the whole one?
            whole = self._longest_context(whole, len(quote), prefix, suffix)
        if len(whole) > 1 and near is not None:
            whole = [min(whole, key=lambda p: (abs(p - near), p))]
        return Placement(whole[0], whole[0] + len(quote), EXACT, 1.0), []

    def _longest_context(self, places: list[int], length: int, prefix: str, suffix: str) -> list[int]:
        """The places where the most of the context, across paragraph breaks too, is the text around them."""
        counted = [(self._shared(place, length, prefix, suffix), place) for place in places]
        best = max(score for score, _ in counted)
        return [place for score, place in counted if score == best]

    def _shared(self, at: int, length: int, prefix: str, suffix: str) -> int:
        """How many characters of the context, across paragraph breaks too, are the text around [at, at+length)."""
        before = _collapse(self.text[max(0, at - len(prefix) - 8):at])
        after = _collapse(self.text[at + length:at + length + len(suffix) + 8])
        want_before, want_after = _collapse(prefix), _collapse(suffix)
        back = next((n for n in range(min(len(before), len(want_before)), 0, -1)
                     if before.endswith(want_before[-n:])), 0)
        ahead = next((n for n in range(min(len(after), len(want_after)), 0, -1)
                      if after.startswith(want_after[:n])), 0)
        return back + ahead

    def _position_is_the_one(self, a: int, b: int, exact: str, prefix: str, suffix: str) -> bool:
        """Whether a position ([a, b) of the collapsed text) whose quote and paragraph context hold is
        not beaten by another place.

        A quote that recurs (a repeated word) can agree with its paragraph-bound context at the old
        position after a paragraph above was removed; then the whole context decides (step 2).
        """
        whole = len(_collapse(prefix)) + len(_collapse(suffix))
        if self._shared(a, b - a, prefix, suffix) == whole:
            return True
        return self.text.count(_collapse(exact)) < 2

    def _exact_without_context(self, quote: str, near: int | None) -> Placement | None:
        """A quote with no context: taken if it occurs once, or nearest the hint; never guessed."""
        pattern, text = re.compile(_pattern(quote)), self.text
        first = pattern.search(text)
        if first is None:
            return None
        if pattern.search(text, first.start() + 1) is None:
            return Placement(first.start(), first.end(), EXACT, 1.0)
        if near is None:
            return _orphan("its quote occurs more than once in the article and nothing tells which")
        span = 4096 + len(quote)  # look near the hint first, as far as need be
        while True:
            low, high = max(0, near - span), min(len(text), near + span)
            found = [m.start() for m in pattern.finditer(text, low, high)]
            if found or (low == 0 and high == len(text)):
                break
            span *= 4
        at = min(found, key=lambda p: (abs(p - near), p))
        return Placement(at, at + len(quote), EXACT, 1.0)

    # -- step 3: an approximate match ------------------------------------------------------------

    def _approximate(self, quote: str, prefix: str, suffix: str, near: int | None,
                     reach: tuple[int, int] | None, places: list[int]) -> Placement:
        found = []
        combined = (prefix + quote + suffix).replace("\n", " ")
        for guess in [*places, *self._guesses(combined, len(prefix), near)]:
            if reach is not None and not reach[0] <= guess <= reach[1]:
                continue
            a, b = self._align(quote, guess)
            if a < b:
                found.append((self._score(quote, prefix, suffix, a, b), a, b))
        if not found:
            return _orphan("its quote is not in the article")
        found.sort(key=lambda f: (-f[0], f[1]))
        score, a, b = found[0]
        rival = next((f for f in found[1:] if f[2] <= a or f[1] >= b), None)
        if rival is not None and score - rival[0] < MARGIN:
            return _orphan(f"two places in the article match it about as well ({score:.2f} and "
                           f"{rival[0]:.2f})", score)
        return Placement(a, b, APPROXIMATE, round(score, 4))

    def _guesses(self, combined: str, quote_at: int, near: int | None) -> list[int]:
        """Likely starts of the quote in text, best first: where pieces of it and its context occur."""
        votes: dict[int, list[int]] = {}
        offsets = list(range(0, max(1, len(combined) - PIECE + 1), PIECE))
        if len(combined) > PIECE and offsets[-1] != len(combined) - PIECE:
            offsets.append(len(combined) - PIECE)
        for offset in offsets:
            piece = combined[offset:offset + PIECE]
            if len(piece.strip()) < 4:
                continue
            for hit in self._piece_hits(piece) or ():
                guess = hit - offset + quote_at
                votes.setdefault(guess // 16, []).append(guess)
        ranked = sorted(votes, key=lambda k: -(len(votes[k]) + 0.5 * (len(votes.get(k - 1, ())) +
                                                                      len(votes.get(k + 1, ())))))
        guesses = [] if near is None else [near]
        for key in ranked:
            guess = sorted(votes[key])[len(votes[key]) // 2]
            if all(abs(guess - g) > 24 for g in guesses):
                guesses.append(guess)
            if len(guesses) >= MAX_CANDIDATES:
                break
        return guesses

    def _piece_hits(self, piece: str) -> list[int] | None:
        if piece not in self._hits:
            hits, at = [], self.flat.find(piece)
            while at != -1 and len(hits) <= MAX_PIECE_HITS:
                hits.append(at)
                at = self.flat.find(piece, at + 1)
            self._hits[piece] = hits if len(hits) <= MAX_PIECE_HITS else None
        return self._hits[piece]

    def _align(self, quote: str, guess: int) -> tuple[int, int]:
        """The stretch of text near guess that best matches quote (rapidfuzz), its ends trimmed."""
        text, quote = self.flat, quote.replace("\n", " ")
        slack = 8 + len(quote) // 4
        low, high = max(0, guess - slack), min(len(text), guess + len(quote) + slack)
        if high - low <= len(quote):
            a, b = low, high
        else:
            aligned = fuzz.partial_ratio_alignment(quote, text[low:high])
            a, b = low + aligned.dest_start, low + aligned.dest_end
        # partial_ratio aligns a stretch as long as the quote; an edit may have made it longer or
        # shorter, so move each end a little to where the Levenshtein distance is least.
        margin = 2 + len(quote) // 8
        if a >= len(text):
            return a, a
        b = min(range(max(a + 1, b - margin), max(a + 1, min(len(text), b + margin)) + 1),
                key=lambda e: (Levenshtein.distance(quote, text[a:e]), abs(e - b)))
        a = min(range(max(0, a - margin), min(b - 1, a + margin) + 1),
                key=lambda s: (Levenshtein.distance(quote, text[s:b]), abs(s - a)))
        return a, b

    def _score(self, quote: str, prefix: str, suffix: str, a: int, b: int) -> float:
        """The similarity of quote and context to the text at [a, b) and around it, 0..1: each part's
        normalised Levenshtein similarity, weighted by its length, the quote's counting at least as
        one full context side. Context counts only within its paragraph; a side the article or the
        paragraph cuts off is left out."""
        text = self.flat
        quote = quote.replace("\n", " ")
        parts = [(max(len(quote), CONTEXT), Levenshtein.normalized_similarity(quote, text[a:b]))]
        want, crossed = _own_paragraph(prefix, before=True)
        if want:  # white space where the context meets the quote does not count
            have = text[max(0, a - len(want) - 2):a].rstrip()[-len(want):]
            if have:
                parts.append((len(have), Levenshtein.normalized_similarity(want[len(want) - len(have):], have)))
        if crossed:  # the paragraph began there: does it still?
            parts.append((BREAK_WEIGHT, _near(a - (self.text.rfind("\n", 0, a) + 1), want)))
        want, crossed = _own_paragraph(suffix, before=False)
        if want:
            have = text[b:b + len(want) + 2].lstrip()[:len(want)]
            if have:
                parts.append((len(have), Levenshtein.normalized_similarity(want[:len(have)], have)))
        if crossed:  # and ended there?
            end = self.text.find("\n", b)
            parts.append((BREAK_WEIGHT, _near((end if end != -1 else len(text)) - b, want)))
        return sum(w * s for w, s in parts) / sum(w for w, _ in parts)


def _collapse(text: str) -> str:
    return collapse_white_space(text).text if text else ""


def _near(gap: int, own: str) -> float:
    """1.0 if a paragraph's edge is gap characters from the quote where own (the context's part in
    the quote's paragraph, after a joining space) says it was, give or take an edit; else 0.0."""
    expected = len(own) + (1 if own else 0)
    return float(abs(gap - expected) <= 2 + len(own) // 4)


def _pattern(text: str) -> str:
    """A regular expression for text in which a space and a line break stand for each other."""
    return "".join("[ \n]" if ch in " \n" else re.escape(ch) for ch in text)


def _own_paragraph(context: str, *, before: bool) -> tuple[str, bool]:
    """The part of a prefix (before=True) or suffix within the quote's own paragraph, white space
    at both ends dropped, and whether the context crossed a paragraph break."""
    if before:
        head, crossed, own = context.rpartition("\n")
    else:
        own, crossed, tail = context.partition("\n")
    return own.strip(), bool(crossed)


def _snap(body: str, start: int, end: int, target: Target) -> tuple[int, int]:
    """An approximate range trimmed of white space and, where the quote began (ended) at a word's
    edge, widened to the whole first (last) word."""
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    exact, prefix, suffix = target.exact.strip(), target.prefix, target.suffix
    if start < end and is_word_char(exact[0]) and not (prefix and is_word_char(prefix[-1])):
        while start > 0 and is_word_char(body[start - 1]) and is_word_char(body[start]):
            start -= 1
    if start < end and is_word_char(exact[-1]) and not (suffix and is_word_char(suffix[0])):
        while end < len(body) and is_word_char(body[end]) and is_word_char(body[end - 1]):
            end += 1
    return start, end


# -- a new version of a text ----------------------------------------------------------------------

def offset_mapper(old: str, new: str):
    """A function from an offset in old to where the same text likely is in new: (offset, how far off
    that may be), or None when its paragraph is gone.

    Paragraphs (lines) are matched with difflib; a changed paragraph that appears unchanged
    elsewhere (moved) is matched there, and one still changed is matched to the most similar
    paragraph that took its place (rapidfuzz ratio 50 or more), else it is gone. An offset in a
    matched paragraph maps exactly, give or take RADIUS; in a similar one, proportionally, give
    or take RADIUS plus that paragraph's length.
    """
    old_lines, new_lines = old.split("\n"), new.split("\n")
    old_starts, new_starts = _line_starts(old_lines), _line_starts(new_lines)
    opcodes = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes()
    moved = _moved_lines(old_lines, new_lines, opcodes)
    lines: list[tuple[int, bool] | None] = [None] * len(old_lines)  # new line, exactly the same
    for tag, i1, i2, j1, j2 in opcodes:
        for i in range(i1, i2):
            if tag == "equal":
                lines[i] = (j1 + i - i1, True)
            elif i in moved:
                lines[i] = (moved[i], True)
            elif j2 > j1:
                match = process.extractOne(old_lines[i], new_lines[j1:j2], scorer=fuzz.ratio, score_cutoff=50)
                if match is not None:
                    lines[i] = (j1 + match[2], False)

    def mapped(offset: int) -> tuple[int, int] | None:
        i = max(0, bisect.bisect_right(old_starts, offset) - 1)
        if i >= len(lines) or lines[i] is None:
            return None
        j, same = lines[i]
        within = offset - old_starts[i]
        if same:
            return new_starts[j] + within, RADIUS
        share = within / max(1, len(old_lines[i]))
        return new_starts[j] + round(share * len(new_lines[j])), RADIUS + len(new_lines[j])

    return mapped


def _moved_lines(old_lines: list[str], new_lines: list[str], opcodes) -> dict[int, int]:
    """Old line -> new line, for non-empty lines that left one place and appear once, unchanged, elsewhere."""
    gone, came = {}, {}
    for tag, i1, i2, j1, j2 in opcodes:
        if tag != "equal":
            for i in range(i1, i2):
                gone.setdefault(old_lines[i], []).append(i)
            for j in range(j1, j2):
                came.setdefault(new_lines[j], []).append(j)
    return {gone[line][0]: js[0] for line, js in came.items()
            if line.strip() and len(js) == 1 and len(gone.get(line, ())) == 1}


def _line_starts(lines: list[str]) -> list[int]:
    starts, at = [0], 0
    for line in lines:
        at += len(line) + 1
        starts.append(at)
    return starts


def version_targets(old: str, new: str, ranges: list[tuple[int, int]]) -> list[Target | None]:
    """Targets for ranges of old (claims) in its new version: quote, context and the mapped position;
    None for a range whose paragraph is gone."""
    mapped = offset_mapper(old, new)
    targets = []
    for start, end in ranges:
        where, quote = mapped(start), quote_at(old, start, end)
        if where is None:
            targets.append(None)
            continue
        at, radius = where
        targets.append(Target(quote.exact, quote.prefix, quote.suffix, at, at + end - start, at, radius))
    return targets


def place_in_version(anchorer: "Anchorer", targets: list[Target | None], *, measure: bool = False) -> list[Placement]:
    """Placements of version_targets in the new version (measure: approximate ones whatever their score)."""
    place = anchorer.best if measure else anchorer.place
    return [place(t) if t is not None else _orphan("its paragraph is not in the new version")
            for t in targets]
