"""Overlapping ranges by sorting and sweeping (never pairwise): highlight segments and clusters."""

from collections.abc import Iterable, Sequence


def segments(spans: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, tuple[str, ...]]]:
    """Cut spans (start, end, key) into disjoint pieces, each with the keys covering it, in order.

    Keys are listed in the order their spans started (ties by key), so the last one is on top.
    """
    # At one point, ends (-1) come before starts (+1); one tuple sort does all the ordering.
    events = sorted([e for start, end, key in spans if start < end
                     for e in ((start, 1, key), (end, -1, key))])
    result: list[tuple[int, int, tuple[str, ...]]] = []
    active: dict[str, None] = {}  # an insertion-ordered set
    count = len(events)
    i = 0
    while i < count:
        here = events[i][0]
        while i < count and events[i][0] == here:
            _, delta, key = events[i]
            if delta < 0:
                active.pop(key, None)
            else:
                active[key] = None
            i += 1
        if i < count and active:
            result.append((here, events[i][0], tuple(active)))
    return result


def clusters(spans: Sequence[tuple[int, int, str]]) -> list[tuple[int, int, list[str]]]:
    """Group spans into maximal runs of overlapping ranges: (start, end, keys)."""
    result: list[tuple[int, int, list[str]]] = []
    for start, end, key in sorted(spans):
        if result and start < result[-1][1]:
            s, e, keys = result[-1]
            result[-1] = (s, max(e, end), keys + [key])
        else:
            result.append((start, end, [key]))
    return result


def overlapping_pairs(spans: Sequence[tuple[int, int, str]]) -> list[tuple[str, str]]:
    """Every pair of keys whose ranges overlap, found with a sweep over spans sorted by start."""
    pairs: list[tuple[str, str]] = []
    open_spans: list[tuple[int, str]] = []  # (end, key) of spans that may still overlap
    for start, end, key in sorted(spans):
        open_spans = [(e, k) for e, k in open_spans if e > start]
        pairs.extend((k, key) for _, k in open_spans)
        open_spans.append((end, key))
    return pairs


def linked_groups(spans: Sequence[tuple[int, int, object]]) -> list[list[int]]:
    """Indexes of spans (start, end, owner) grouped where spans of different owners overlap, in chains.

    Spans of one owner overlapping each other are not linked directly, only through another
    owner's span. Every span is in exactly one group (alone if it overlaps nobody else's). One
    sort and a sweep: O(n log n) time and O(n) memory, never a list of pairs. The sweep keeps,
    per owner, the spans still open; when a span of another owner arrives, it is linked to the
    open ones, which are then one group and kept as their longest-lasting member alone.
    """
    starts = [span[0] for span in spans]
    ends = [span[1] for span in spans]
    owners = [span[2] for span in spans]
    parent = list(range(len(spans)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = i = parent[parent[i]]
        return i

    open_by_owner: dict[object, list[int]] = {}
    for i in sorted(range(len(spans)), key=starts.__getitem__):
        start, owner = starts[i], owners[i]
        if start >= ends[i]:
            continue
        if len(open_by_owner) > 1 or owner not in open_by_owner:
            top = None
            for other, items in list(open_by_owner.items()):
                if other == owner:
                    continue
                keep, longest = -1, start
                for j in items:
                    if ends[j] > start:
                        if top is None:
                            top = root(i)
                        parent[root(j)] = top
                        if ends[j] > longest:
                            keep, longest = j, ends[j]
                if keep < 0:
                    del open_by_owner[other]
                else:
                    open_by_owner[other] = [keep]
        open_by_owner.setdefault(owner, []).append(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(spans)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())
