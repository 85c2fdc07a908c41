"""Re-anchoring claims after the edits real corrections make: placed right, placed wrong, orphaned, time.

Articles: the seed articles and generated news text (bench/corpus.py). Each gets seeded edits of
the kinds corrections make (inserted and deleted paragraphs, changed words and numbers, moved
sentences, white-space changes), made on a list of characters that remembers where each came
from, so the true place of every claim in the new text is known: the largest group of its
characters that stayed together, when it holds at least half of them. A claim without one
should be an orphan. Claims are marked as reviewers mark them: whole words, inside a paragraph.

Every claim is re-anchored as `workbench import --new-version-of` does it
(anchoring.version_targets and place_in_version). A placement is right when it covers at least half
of the true place and takes in almost no text that stood elsewhere in the old version (a word that
replaced one of the claim's is fine); anything else placed is wrong. The curve prints right, wrong
and orphaned at each candidate minimum score, over several seeds; the time is for 1,000 claims on a
100,000-character article, next to a raw baseline (str.find of every quote) in the same process.

    python bench/bench_anchoring.py [--quick]
"""

import argparse
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Result, median_time, print_table, run_times, timed, verdicts  # noqa: E402
from bench.corpus import article_text, sentence  # noqa: E402
from workbench.anchoring import APPROXIMATE, MIN_SCORE, Anchorer, place_in_version, version_targets  # noqa: E402
from workbench.paths import seed_files  # noqa: E402
from workbench.text import normalise_body  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("insert paragraph", "delete paragraph", "change word", "change number", "move sentence",
         "white space")
WORDS = ["officials", "reportedly", "sharply", "Brussels", "the committee", "several", "denied",
         "Wednesday", "analysts", "the ministry", "confirmed", "around"]
THRESHOLDS = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


class Tracked:
    """Text as characters, each with the offset it had in the original text (None: new)."""

    def __init__(self, text: str):
        self.chars = list(text)
        self.origin: list[int | None] = list(range(len(text)))

    def text(self) -> str:
        return "".join(self.chars)

    def replace(self, start: int, end: int, new: str, origin: list[int | None] | None = None) -> None:
        self.chars[start:end] = list(new)
        self.origin[start:end] = origin if origin is not None else [None] * len(new)

    def normalise(self) -> None:
        """Drop what normalise_body would: white space before a line break, blank lines at the ends."""
        keep = [i for i, ch in enumerate(self.chars)
                if not (ch in " \t" and self._only_space_until_break(i))]
        self.chars = [self.chars[i] for i in keep]
        self.origin = [self.origin[i] for i in keep]
        while self.chars and self.chars[0] == "\n":
            del self.chars[0], self.origin[0]
        while self.chars and self.chars[-1] == "\n":
            del self.chars[-1], self.origin[-1]

    def _only_space_until_break(self, i: int) -> bool:
        while i < len(self.chars) and self.chars[i] in " \t":
            i += 1
        return i == len(self.chars) or self.chars[i] == "\n"


def _paragraph_bounds(text: str) -> list[tuple[int, int]]:
    bounds, at = [], 0
    for line in text.split("\n"):
        bounds.append((at, at + len(line)))
        at += len(line) + 1
    return bounds


def edit(rng: random.Random, tracked: Tracked, kind: str) -> None:
    """Apply one edit of kind at a random place."""
    text = tracked.text()
    paragraphs = [b for b in _paragraph_bounds(text) if b[1] > b[0]]
    if kind == "insert paragraph":
        start, _ = rng.choice(paragraphs)
        tracked.replace(start, start, " ".join(sentence(rng) for _ in range(rng.randint(1, 4))) + "\n")
    elif kind == "delete paragraph" and len(paragraphs) > 2:
        start, end = rng.choice(paragraphs)
        tracked.replace(start, min(len(text), end + 1), "")
    elif kind == "change word":
        words = [m for m in re.finditer(r"[^\W\d_]{4,}", text)]
        if words:
            m = rng.choice(words)
            tracked.replace(m.start(), m.end(), rng.choice(WORDS))
    elif kind == "change number":
        numbers = list(re.finditer(r"\d+", text))
        if numbers:
            m = rng.choice(numbers)
            tracked.replace(m.start(), m.end(), str(int(m.group()) + rng.randint(1, 500)))
    elif kind == "move sentence":
        ends = [m.end() for m in re.finditer(r"[.!?] ", text)]
        if len(ends) > 3:
            i = rng.randrange(len(ends) - 1)
            start, end = ends[i], ends[i + 1]
            chars, origin = tracked.chars[start:end], tracked.origin[start:end]
            tracked.replace(start, end, "")
            at = rng.choice([e for e in ends if e < start] + [e - (end - start) for e in ends if e > end] or [0])
            tracked.replace(at, at, "".join(chars), origin)
    elif kind == "white space":
        spaces = [m.start() for m in re.finditer(" ", text)]
        breaks = [m.start() for m in re.finditer("\n", text)]
        choice = rng.randrange(3)
        if choice == 0 and spaces:
            at = rng.choice(spaces)
            tracked.replace(at, at + 1, "  ", [tracked.origin[at], None])
        elif choice == 1 and spaces:
            at = rng.choice(spaces)
            tracked.replace(at, at + 1, "\n", [tracked.origin[at]])
        elif breaks:
            at = rng.choice(breaks)
            tracked.replace(at, at + 1, "\n\n", [tracked.origin[at], None])


def edited(rng: random.Random, text: str, count: int) -> tuple[str, list[int | None]]:
    """text after count random edits, and for each new character its old offset (None: new)."""
    tracked = Tracked(text)
    for _ in range(count):
        edit(rng, tracked, rng.choice(KINDS))
    tracked.normalise()
    new = tracked.text()
    assert normalise_body(new) == new, "edits must keep the text normalised"
    return new, tracked.origin


def true_place(start: int, end: int, new_of: dict[int, int]) -> tuple[int, int] | None:
    """Where the characters of old [start, end) are in the new text: the largest group of them that
    stayed together (in order, at most 16 new characters between two), if it holds at least half."""
    groups: list[list[int]] = []
    for old in range(start, end):
        if old not in new_of:
            continue
        at = new_of[old]
        if groups and 0 < at - groups[-1][-1] <= 17:
            groups[-1].append(at)
        else:
            groups.append([at])
    best = max(groups, key=len, default=[])
    if len(best) * 2 < end - start:
        return None
    return best[0], best[-1] + 1


def claim_ranges(rng: random.Random, text: str, count: int) -> list[tuple[int, int]]:
    """count claims as a reviewer marks them: whole words, 8 to 160 characters, inside one paragraph."""
    words = [m.span() for m in re.finditer(r"\S+", text)]
    ranges = set()
    for _ in range(count * 3):
        if len(ranges) >= count:
            break
        i = rng.randrange(len(words))
        start, end = words[i]
        limit = rng.randint(8, 160)
        for j in range(i + 1, len(words)):
            if "\n" in text[start:words[j][1]] or words[j][1] - start > limit:
                break
            end = words[j][1]
        if end - start >= 3:
            ranges.add((start, end))
    return sorted(ranges)


@dataclass
class Case:
    """One claim: whether it had a place in the new text, and what the anchorer did with it."""

    had_place: bool
    right: bool  # placed where it belongs (meaningful when placed)
    placed: bool
    method: str
    score: float


def is_right(start: int, end: int, truth: tuple[int, int] | None, claim: tuple[int, int],
             origin: list[int | None], same_words: bool) -> bool:
    """A placement is right when it covers at least half of the claim's true place and takes in no
    more than a tenth (plus one character) of other text, text that stood elsewhere in the old
    version, unless the words it covers are exactly the claim's (a sentence moved next to the claim
    that begins with the very words the claim ended with). Text new in the new version (a changed
    word) may be taken in."""
    if truth is None:
        return False
    covered = max(0, min(end, truth[1]) - max(start, truth[0]))
    foreign = sum(1 for i in range(start, end)
                  if not truth[0] <= i < truth[1] and origin[i] is not None
                  and not claim[0] <= origin[i] < claim[1])
    return covered * 2 >= truth[1] - truth[0] and (same_words or foreign <= 0.1 * (end - start) + 1)


def run_cases(rng: random.Random, text: str, claims: int, edits: int) -> tuple[list[Case], float]:
    """Edit text, re-anchor claims on it; the cases and the seconds the re-anchoring took."""
    ranges = claim_ranges(rng, text, min(claims, max(1, len(text) // 40)))
    new, origin = edited(rng, text, edits)
    new_of = {old: i for i, old in enumerate(origin) if old is not None}
    began = time.perf_counter()
    found = place_in_version(Anchorer(new), version_targets(text, new, ranges), measure=True)
    took = time.perf_counter() - began
    cases = []
    for (s, e), p in zip(ranges, found):
        truth = true_place(s, e, new_of)
        right = p.start is not None and is_right(p.start, p.end, truth, (s, e), origin,
                                                 new[p.start:p.end].split() == text[s:e].split())
        cases.append(Case(truth is not None, right, p.start is not None, p.method, p.score))
    return cases, took


def judge(cases: list[Case], threshold: float) -> tuple[int, int, int, int]:
    """right, wrong, orphaned (should have been placed), orphaned rightly (had no place)."""
    right = wrong = missed = rightly = 0
    for c in cases:
        if not c.placed or (c.method == APPROXIMATE and c.score < threshold):
            if c.had_place:
                missed += 1
            else:
                rightly += 1
        elif c.right:
            right += 1
        else:
            wrong += 1
    return right, wrong, missed, rightly


def corpus(rng: random.Random, quick: bool) -> list[str]:
    """The seed articles and generated news text of several lengths."""
    seeds = [normalise_body(p.read_text(encoding="utf-8")) for p in seed_files()]
    sizes = [5_000, 20_000] if quick else [5_000, 20_000, 50_000, 100_000]
    return seeds + [article_text(rng, size) for size in sizes]


def collect(quick: bool, seed: int) -> list[Case]:
    """Every claim of every article over several rounds of edits (light and heavy)."""
    rng = random.Random(seed)
    cases = []
    rounds = 2 if quick else 6
    for text in corpus(rng, quick):
        for round_ in range(rounds):
            edits = 1 + round_ * max(1, len(text) // 8_000)
            found, _ = run_cases(rng, text, 400, edits)
            cases.extend(found)
    return cases


def curve(cases: list[Case]) -> list[str]:
    """The threshold table: right, wrong, orphaned by minimum score."""
    lines = ["| minimum score | right | wrong | orphaned (had a place) | orphaned (had none) |",
             "|---|---|---|---|---|"]
    for threshold in THRESHOLDS:
        right, wrong, missed, rightly = judge(cases, threshold)
        mark = " (chosen)" if abs(threshold - MIN_SCORE) < 1e-9 else ""
        lines.append(f"| {threshold:.2f}{mark} | {right} | {wrong} | {missed} | {rightly} |")
    return lines


def timing(quick: bool) -> Result:
    """1,000 claims on a 100,000-character article re-anchored after edits, against str.find."""
    rng = random.Random(5)
    size, count = (20_000, 300) if quick else (100_000, 1_000)
    text = article_text(rng, size)
    ranges = claim_ranges(rng, text, count)
    new, _ = edited(rng, text, 12)

    def anchor():
        place_in_version(Anchorer(new), version_targets(text, new, ranges))

    def raw():
        for s, e in ranges:
            new.find(text[s:e])

    runs = 3 if quick else 5
    return timed(f"re-anchor claims on a new version (all {count})", f"{size:,} chars, {count:,} claims",
                 run_times(anchor, runs), median_time(raw, runs), target=None if quick else 1.0)


SEEDS = (12, 99, 7, 2024, 31)


def run(quick: bool = False) -> list[Result]:
    """The anchoring results for bench/run.py; prints the threshold curve on standard error."""
    cases = [c for seed in (SEEDS[:1] if quick else SEEDS) for c in collect(quick, seed)]
    right, wrong, missed, rightly = judge(cases, MIN_SCORE)
    print(f"# anchoring: {len(cases):,} claims over {1 if quick else len(SEEDS)} seeds; at the minimum score "
          f"{MIN_SCORE}: {right:,} right, {wrong} wrong, {missed} orphaned that had a place, "
          f"{rightly} orphaned that had none", file=sys.stderr)
    print("\n".join(curve(cases)), file=sys.stderr)
    approximate = [c for c in cases if c.placed and c.method == APPROXIMATE]
    wrong_scores = [c.score for c in approximate if not c.right]
    print(f"# approximate matches: {len(approximate)} (median score "
          f"{statistics.median(c.score for c in approximate):.2f}); the best-scoring wrong one: "
          f"{max(wrong_scores, default=0):.3f}", file=sys.stderr)
    return [timing(quick)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    results = run(parser.parse_args().quick)
    print_table(results)
    print("\n".join(verdicts(results)))


if __name__ == "__main__":
    main()
