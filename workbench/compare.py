"""Comparing two articles on one story: sentences aligned, and the differing words within them.

`compare(left, right)` splits both texts into sentences (workbench.sentences), pairs each sentence
with its most similar counterpart on the other side (idf-weighted overlap of Porter stems, so that
"strikes" meets "strike"; each sentence used once, best pairs first, so reordered paragraphs still
pair up), and within each pair lists the runs
of words that differ (difflib on case-folded words), flagging runs that hold names, numbers or
dates: the facts that drift between two tellings of one story. All spans are code points of the
texts given. Candidate pairs come from an index of each sentence's rarer words, so two long
articles are not compared sentence by sentence with every other.

`counterpart(comparison, side, start, end)` gives the range on the other side that corresponds to
a range on one side (a claim marked in one article, to be marked in the other).
"""

import difflib
import math
import re
from dataclasses import dataclass, field

from workbench.sentences import WORD, sentence_spans

MIN_SIMILARITY = 0.12  # below this, two sentences are shown apart (tuned on the two sample articles)
COMMON_SHARE, COMMON_MIN = 0.02, 20  # sentences are paired only if they share a word rarer than this
_MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
           "dec", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
_NUMBER_WORDS = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                 "twenty", "thirty", "forty", "fifty", "hundred", "thousand", "million", "billion", "trillion",
                 "dozen", "half", "twice", "percent", "per cent"}
_COMMON = frozenset("a an the of to in on and or is are was were be been it its this that for with as at by from "
                    "but not has have had he she they we his her their which who".split())
_TOKEN = re.compile(r"\w+(?:[-'’.,]\w+)*")


@dataclass(frozen=True)
class Difference:
    """A run of words that differs: its span on each side (None where one side has nothing)."""

    left: tuple[int, int] | None
    right: tuple[int, int] | None
    left_text: str
    right_text: str
    kinds: frozenset[str]  # any of "name", "number", "date"
    # (start, end, kind) of each name, number or date within the run on each side, neighbours of
    # one kind joined ("November 21, 2024" is one date, "North Atlantic Treaty Association" one name)
    left_words: tuple[tuple[int, int, str], ...] = ()
    right_words: tuple[tuple[int, int, str], ...] = ()


@dataclass(frozen=True)
class Pair:
    """Two aligned sentences (either may be None: a sentence only one article has) and their differences."""

    left: tuple[int, int] | None
    right: tuple[int, int] | None
    similarity: float
    differences: tuple[Difference, ...] = ()
    # (left token span, right token span) of each word the two sentences share, for counterpart()
    same: tuple[tuple[tuple[int, int], tuple[int, int]], ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class Comparison:
    """The two texts and their aligned sentences, in the left text's order (right-only ones in place)."""

    left: str
    right: str
    pairs: tuple[Pair, ...]


def compare(left: str, right: str) -> Comparison:
    """Align the sentences of two texts and find the differing words within each aligned pair."""
    left_spans, right_spans = sentence_spans(left), sentence_spans(right)
    left_words = [_content_words(left[s:e]) for s, e in left_spans]
    right_words = [_content_words(right[s:e]) for s, e in right_spans]
    matched = _align(left_words, right_words)
    by_left = {i: (j, score) for i, j, score in matched}
    right_used = {j for _, j, _ in matched}
    pairs: list[Pair] = []
    next_right = 0
    for i, span in enumerate(left_spans):
        if i in by_left:
            j, score = by_left[i]
            # right-only sentences that come before this pair's right sentence go here, in order
            while next_right < j:
                if next_right not in right_used:
                    pairs.append(Pair(None, right_spans[next_right], 0.0))
                next_right += 1
            next_right = max(next_right, j + 1)
            pairs.append(_pair(left, right, span, right_spans[j], score))
        else:
            pairs.append(Pair(span, None, 0.0))
    pairs += [Pair(None, right_spans[j], 0.0) for j in range(next_right, len(right_spans)) if j not in right_used]
    return Comparison(left, right, tuple(pairs))


def _content_words(sentence: str) -> set[str]:
    """Stems of the sentence's words, common words left out ("strikes" and "strike" agree)."""
    from workbench.matching import stem

    return {stem(w) for w in (w.casefold() for w in WORD.findall(sentence)) if w not in _COMMON}


def _align(left: list[set[str]], right: list[set[str]]) -> list[tuple[int, int, float]]:
    """(left index, right index, similarity) of the best one-to-one sentence pairs."""
    df: dict[str, int] = {}
    for words in left + right:
        for word in words:
            df[word] = df.get(word, 0) + 1
    total = len(left) + len(right) + 1
    idf = {w: math.log(total / n) + 1.0 for w, n in df.items()}
    # Words in more than a few per cent of all sentences pair nothing on their own: leaving them
    # out of the index keeps long articles from being compared sentence by sentence.
    common = max(COMMON_MIN, COMMON_SHARE * total)
    index: dict[str, list[int]] = {}
    for j, words in enumerate(right):
        for word in words:
            if df[word] <= common:
                index.setdefault(word, []).append(j)
    weight = lambda words: sum(idf[w] for w in words)  # noqa: E731
    right_weights = [weight(words) for words in right]
    scored = []
    for i, words in enumerate(left):
        if not words:
            continue
        left_weight = weight(words)
        for j in {j for word in words for j in index.get(word, ())}:
            shared = weight(words & right[j])
            score = 2 * shared / (left_weight + right_weights[j])  # weighted Dice
            if score >= MIN_SIMILARITY:
                scored.append((score, i, j))
    scored.sort(key=lambda item: (-item[0], item[1], item[2]))
    used_left, used_right, result = set(), set(), []
    for score, i, j in scored:
        if i not in used_left and j not in used_right:
            used_left.add(i)
            used_right.add(j)
            result.append((i, j, score))
    return result


def _tokens(text: str, offset: int) -> list[tuple[str, int, int]]:
    return [(m.group(), offset + m.start(), offset + m.end()) for m in _TOKEN.finditer(text)]


def _pair(left: str, right: str, left_span, right_span, score: float) -> Pair:
    a = _tokens(left[left_span[0]:left_span[1]], left_span[0])
    b = _tokens(right[right_span[0]:right_span[1]], right_span[0])
    matcher = difflib.SequenceMatcher(None, [t[0].casefold() for t in a], [t[0].casefold() for t in b],
                                      autojunk=False)
    differences, same = [], []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            same += [((a[i][1], a[i][2]), (b[j][1], b[j][2])) for i, j in zip(range(i1, i2), range(j1, j2))]
            continue
        left_run = (a[i1][1], a[i2 - 1][2]) if i2 > i1 else None
        right_run = (b[j1][1], b[j2 - 1][2]) if j2 > j1 else None
        kinds = _kinds(a[i1:i2], i1 == 0) | _kinds(b[j1:j2], j1 == 0)
        differences.append(Difference(left_run, right_run, left[slice(*left_run)] if left_run else "",
                                      right[slice(*right_run)] if right_run else "", frozenset(kinds),
                                      _kinded_words(a[i1:i2], i1 == 0), _kinded_words(b[j1:j2], j1 == 0)))
    return Pair(left_span, right_span, score, tuple(differences), tuple(same))


def _kinds(tokens, at_start: bool) -> set[str]:
    return {kind for kind in (_kind(text, at_start and n == 0) for n, (text, _, _) in enumerate(tokens)) if kind}


def _kind(text: str, sentence_start: bool) -> str | None:
    """"date", "number" or "name" for one word (a capitalised first word of a sentence is no name), or None."""
    lower = text.casefold()
    if lower in _MONTHS or re.fullmatch(r"\d{4}-\d{2}(-\d{2})?|\d{1,2}/\d{1,2}/\d{2,4}", text):
        return "date"
    if any(c.isdigit() for c in text) or lower in _NUMBER_WORDS:
        return "number"
    if text[0].isupper() and not (sentence_start and text[1:].islower()):
        return "name"
    return None


def _kinded_words(tokens, at_start: bool) -> tuple[tuple[int, int, str], ...]:
    """The names, numbers and dates among a run's words, a number beside a month counted as part of
    the date, and neighbours of one kind joined into one span."""
    kinds = [_kind(text, at_start and n == 0) for n, (text, _, _) in enumerate(tokens)]
    for n, kind in enumerate(kinds):
        if kind == "number" and tokens[n][0].isdigit() and any(
                0 <= m < len(kinds) and tokens[m][0].casefold() in _MONTHS for m in (n - 2, n - 1, n + 1, n + 2)):
            kinds[n] = "date"
    spans: list[tuple[int, int, str]] = []
    for n, ((_, start, end), kind) in enumerate(zip(tokens, kinds)):
        if kind is None:
            continue
        if spans and n > 0 and kinds[n - 1] == kind:  # the word before is of this kind: one span
            spans[-1] = (spans[-1][0], end, kind)
        else:
            spans.append((start, end, kind))
    return tuple(spans)


def counterpart(comparison: Comparison, side: str, start: int, end: int) -> tuple[int, int] | None:
    """The range on the other side matching [start, end) on side ("left" or "right"), or None.

    The words of the range that the aligned sentence shares give the range; when it shares none,
    the whole aligned sentence.
    """
    mine, other = (0, 1) if side == "left" else (1, 0)
    for pair in comparison.pairs:
        spans = (pair.left, pair.right)
        here, there = spans[mine], spans[other]
        if here is None or there is None or not (here[0] < end and start < here[1]):
            continue
        shared = [words[other] for words in pair.same if start <= words[mine][0] and words[mine][1] <= end]
        if shared:
            return shared[0][0], shared[-1][1]
        return there
    return None
