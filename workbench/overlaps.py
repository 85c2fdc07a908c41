"""Overlapping ranges by sorting and sweeping (never pairwise): highlight segments and clusters."""

from collections.abc import Iterable, Sequence


def segments(spans: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, tuple[str, ...]]]:
    """Cut spans (start, end, key) into disjoint pieces, each with the keys covering it, in order."""
    events: dict[int, list[tuple[int, str]]] = {}
    for start, end, key in spans:
        if start < end:
            events.setdefault(start, []).append((1, key))
            events.setdefault(end, []).append((-1, key))
    result: list[tuple[int, int, tuple[str, ...]]] = []
    active: dict[str, None] = {}  # insertion-ordered set: earlier-starting claims first
    points = sorted(events)
    for here, following in zip(points, points[1:] + [None]):
        for delta, key in sorted(events[here]):
            if delta < 0:
                active.pop(key, None)
            else:
                active[key] = None
        if following is not None and active:
            result.append((here, following, tuple(active)))
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
