"""The article on screen as plain Python: its text, claims in reading order, evidence counts, disagreements.

One copy of what the window shows. Views (the reader, the claim list) adapt its events and
read its rows; they keep no copy of their own. A change to a few claims costs O(log n) to find
them, re-evaluates disagreements only in the cluster of claims overlapping them, and says which
range of the text to repaint.
"""

from bisect import bisect_left
from collections import Counter

from workbench import order
from workbench.articles import empty_counts
from workbench.disagreements import Disagreement, find_disagreements
from workbench.work_left import empty_work, reasons
from workbench.workspace.events import EmitterGroup

RESET_ABOVE = 200  # more changed claims than this at once: rebuild and reset instead of stepping


class OpenArticle:
    """An article's body and its live claims, as filtered ("only mine") and sorted in reading order.

    Events (each with the data named):
    reset (None): everything changed; inserting/inserted (index), removing/removed (index),
    changed (index): one row of `rows`; repaint ((lo, hi)): the code-point range whose highlights
    changed; counts (dict): claims by verdict; evidence ((claim id, count)); disagreements
    ({claim id: Disagreement or None}).
    """

    def __init__(self, article: dict, claims: list[dict], *, evidence_counts: dict[str, int],
                 reviewer_id: str, names: dict[str, str], numbers: dict[str, int] | None = None, number_floor: int = 0,
                 only_mine: bool = False, opinions: dict[str, dict[str, str]] | None = None):
        self.article = article
        self.id: str = article["id"]
        self.body: str = article["body"]
        self.reviewer_id = reviewer_id
        self.names = names
        self.only_mine = only_mine
        self.all: dict[str, dict] = {c["id"]: c for c in claims}  # every live claim, shown or not
        self.evidence_counts: dict[str, int] = dict(evidence_counts)
        # disagreements.opinions: claim id -> reviewer id -> verdict given since its last settlement
        self.opinions: dict[str, dict[str, str]] = dict(opinions or {})
        # evidence.evidence_stamps as last looked at for others' changes (None: not yet)
        self.evidence_stamps: dict[str, tuple[int, str]] | None = None
        # claims.claim_numbers: stable numbers in the order claims were made (deleted ones keep theirs)
        self.numbers: dict[str, int] = dict(numbers) if numbers is not None else {
            c["id"]: n for n, c in enumerate(sorted(claims, key=lambda c: (c["created_at"], c["id"])), 1)}
        self.number_floor = number_floor  # claims.numbering: new claims of a new version number after it
        self.events = EmitterGroup("reset", "inserting", "inserted", "removing", "removed", "changed",
                                   "repaint", "counts", "evidence", "disagreements")
        self.rows: list[dict] = []
        self._keys: list[tuple] = []
        self._longest = 0
        self._reviewers: Counter = Counter()
        self.counts: dict[str, int] = empty_counts()
        self.disagreements: dict[str, Disagreement] = {}
        self._rebuild()

    # -- what is shown ---------------------------------------------------------------------

    def shown(self, claim: dict) -> bool:
        """Whether a claim is on screen: everyone's, or only the reviewer's own."""
        return not self.only_mine or claim["created_by"] == self.reviewer_id

    def set_only_mine(self, only_mine: bool) -> None:
        """Show only the reviewer's own claims, or everyone's."""
        if only_mine != self.only_mine:
            self.only_mine = only_mine
            self._rebuild()
            self.events.reset.emit(None)

    def _rebuild(self) -> None:
        keyed = sorted((order.claim_key(c), c) for c in self.all.values() if self.shown(c))
        self._keys = [key for key, _ in keyed]
        self.rows = [row for _, row in keyed]
        self._longest = max((r["end"] - r["start"] for r in self.rows), default=0)
        self._reviewers = Counter(r["created_by"] for r in self.rows)
        self.counts = empty_counts()
        for claim in self.all.values():
            self.counts[claim["verdict"]] += 1
        self.disagreements = {}
        self._find_disagreements(self.rows)
        self._work: dict[str, tuple[str, ...]] = {}
        self._work_total = empty_work()
        self._recount(list(self.all))

    # -- looking things up -------------------------------------------------------------------

    def row_of(self, claim_id: str | None) -> int | None:
        """The index in `rows` of a shown claim, by binary search; None if not shown."""
        claim = self.all.get(claim_id) if claim_id else None
        if claim is None:
            return None
        index = bisect_left(self._keys, order.claim_key(claim))
        return index if index < len(self.rows) and self.rows[index]["id"] == claim_id else None

    def claim(self, claim_id: str | None) -> dict | None:
        """A shown claim's row, or None."""
        return self.rows[index] if (index := self.row_of(claim_id)) is not None else None

    def spans_touching(self, lo: int, hi: int) -> list[dict]:
        """Shown claims overlapping the code-point range [lo, hi), in reading order."""
        first = bisect_left(self._keys, (lo - self._longest,))
        last = bisect_left(self._keys, (hi,))
        return [row for row in self.rows[first:last] if row["end"] > lo]

    def claims_at(self, position: int) -> list[str]:
        """Ids of the shown claims covering a code-point position, innermost (shortest) first."""
        hits = self.spans_touching(position, position + 1)
        return [c["id"] for c in sorted(hits, key=lambda c: (c["end"] - c["start"], c["start"]))]

    def neighbour(self, claim_id: str | None, step: int, accept=None, position: int = 0) -> str | None:
        """The next (step +1) or previous (-1) shown claim that accept(row) allows.

        From claim_id when it is shown, else from a caret position (code points): the first
        claim starting at or after it, or the last one starting before it.
        """
        index = self.row_of(claim_id)
        if index is None:
            index = bisect_left(self._keys, (position,)) - (1 if step > 0 else 0)
        index += step
        while 0 <= index < len(self.rows):
            if accept is None or accept(self.rows[index]):
                return self.rows[index]["id"]
            index += step
        return None

    def evidence_count(self, claim_id: str) -> int:
        """Live evidence items of a claim, as last told."""
        return self.evidence_counts.get(claim_id, 0)

    def work_counts(self) -> dict[str, int]:
        """Claims needing work by reason (work_left.REASONS), kept up to date as claims change: no query."""
        return dict(self._work_total)

    def _recount(self, claim_ids) -> None:
        """Bring the work tally up to date for these claims (their row, evidence or disagreement moved)."""
        for claim_id in claim_ids:
            for reason in self._work.pop(claim_id, ()):
                self._work_total[reason] -= 1
            claim = self.all.get(claim_id)
            if claim is None:
                continue
            found = reasons(claim["verdict"], bool((claim["rationale"] or "").strip()),
                            self.evidence_count(claim_id), claim_id in self.disagreements)
            if found:
                self._work[claim_id] = found
                for reason in found:
                    self._work_total[reason] += 1

    def reviewer_count(self) -> int:
        """How many reviewers' claims are on screen."""
        return len(+self._reviewers)

    # -- changes ------------------------------------------------------------------------------

    def number(self, claim_id: str) -> int | None:
        """A claim's stable number (claims.claim_numbers), or None if unknown."""
        return self.numbers.get(claim_id)

    def apply(self, changed: dict[str, dict | None], purged=frozenset(),
              opinions: dict[str, dict[str, str]] | None = None) -> None:
        """New rows for some claims (None: gone), as a ClaimsChanged event carries them, and new
        opinions for some (from HistoryChanged events): one pass, one repaint.

        Ids in purged are gone for good (a creation undone): their numbers are given back.
        """
        for claim_id in purged:
            self.numbers.pop(claim_id, None)
        for claim_id, row in changed.items():
            if row is not None and claim_id not in self.numbers:
                self.numbers[claim_id] = max(self.number_floor, max(self.numbers.values(), default=0)) + 1
        counts_before = dict(self.counts)
        lo, hi = len(self.body), 0
        for claim_id, row in changed.items():
            old = self.all.get(claim_id)
            for version in (old, row):
                if version is not None:
                    lo, hi = min(lo, version["start"]), max(hi, version["end"])
            if old is not None:
                self.counts[old["verdict"]] -= 1
            if row is not None:
                self.counts[row["verdict"]] += 1
        if len(changed) > RESET_ABOVE:
            for claim_id, row in changed.items():
                self._store_row(claim_id, row)
            self._take_opinions(opinions or {})
            self._rebuild()
            self.events.reset.emit(None)
            return
        for claim_id, row in changed.items():
            self._step(claim_id, row)
        self._recount(changed)
        judged = self._take_opinions(opinions or {})
        for claim_id in judged:
            lo, hi = min(lo, self.all[claim_id]["start"]), max(hi, self.all[claim_id]["end"])
        if lo < hi:
            self._refresh_disagreements(lo, hi, set(changed) | judged)
            self.events.repaint.emit((lo, hi))
        if self.counts != counts_before:
            self.events.counts.emit(dict(self.counts))

    def _take_opinions(self, opinions: dict[str, dict[str, str]]) -> set[str]:
        """Keep new opinions (disagreements.opinions); the live claims whose opinions moved."""
        moved = set()
        for claim_id, given in opinions.items():
            if self.opinions.get(claim_id, {}) == given:
                continue
            if given:
                self.opinions[claim_id] = dict(given)
            else:
                self.opinions.pop(claim_id, None)
            if claim_id in self.all:
                moved.add(claim_id)
        return moved

    def _store_row(self, claim_id: str, row: dict | None) -> None:
        if row is None:
            self.all.pop(claim_id, None)
        else:
            self.all[claim_id] = row

    def _step(self, claim_id: str, row: dict | None) -> None:
        """Apply one claim's new row to `rows`, emitting the list events a view adapts."""
        index = self.row_of(claim_id)
        show = row is not None and self.shown(row)
        if index is not None and show and order.claim_key(row) == self._keys[index]:
            self._reviewers[self.rows[index]["created_by"]] -= 1
            self._reviewers[row["created_by"]] += 1
            self.rows[index] = row
            self._store_row(claim_id, row)
            self.events.changed.emit(index)
            return
        if index is not None:
            self.events.removing.emit(index)
            self._reviewers[self.rows[index]["created_by"]] -= 1
            del self.rows[index], self._keys[index]
            self.events.removed.emit(index)
        self._store_row(claim_id, row)
        if show:
            key = order.claim_key(row)
            index = bisect_left(self._keys, key)
            self.events.inserting.emit(index)
            self.rows.insert(index, row)
            self._keys.insert(index, key)
            self._reviewers[row["created_by"]] += 1
            self._longest = max(self._longest, row["end"] - row["start"])
            self.events.inserted.emit(index)

    def set_evidence_count(self, claim_id: str, count: int) -> None:
        """A claim's live evidence count changed (from an EvidenceChanged event)."""
        if self.evidence_counts.get(claim_id, 0) != count:
            self.evidence_counts[claim_id] = count
            self._recount((claim_id,))
            self.events.evidence.emit((claim_id, count))

    # -- disagreements --------------------------------------------------------------------

    def _refresh_disagreements(self, lo: int, hi: int, changed: set[str]) -> None:
        """Re-find disagreements among the claims overlapping [lo, hi), grown to whole clusters."""
        while True:  # grow the range until no shown claim crosses its edges
            touching = self.spans_touching(lo, hi)
            grown_lo = min([lo, *(c["start"] for c in touching)])
            grown_hi = max([hi, *(c["end"] for c in touching)])
            if (grown_lo, grown_hi) == (lo, hi):
                break
            lo, hi = grown_lo, grown_hi
        region = {c["id"] for c in touching} | changed
        # every claim of a group that touches the region (each member maps to its whole group)
        stale = {cid for member in region if member in self.disagreements
                 for cid in self.disagreements[member].claim_ids}
        before = {cid: self.disagreements.pop(cid) for cid in stale}
        self._find_disagreements(touching)
        after = {cid: self.disagreements.get(cid) for cid in stale | region}
        moved = {cid: d for cid, d in after.items() if before.get(cid) != d}
        self._recount(moved)
        if moved:
            self.events.disagreements.emit(moved)

    def _find_disagreements(self, rows: list[dict]) -> None:
        for found in find_disagreements(rows, self.names, self.opinions):
            for claim_id in found.claim_ids:
                self.disagreements[claim_id] = found
