"""The sweep over overlapping ranges agrees with a brute-force check."""

from hypothesis import given, strategies as st

from workbench.overlaps import clusters, linked_groups, overlapping_pairs, segments

SPANS = st.lists(st.tuples(st.integers(0, 40), st.integers(1, 15)), max_size=25).map(
    lambda items: [(s, s + n, f"k{i}") for i, (s, n) in enumerate(items)])


@given(SPANS)
def test_segments_cover_exactly_the_keys_at_each_point(spans):
    pieces = segments(spans)
    for start, end, keys in pieces:
        for point in (start, end - 1):
            expected = {k for s, e, k in spans if s <= point < e}
            assert set(keys) == expected
    covered = {p for s, e, _ in spans for p in range(s, e)}
    assert covered == {p for s, e, _ in pieces for p in range(s, e)}


@given(SPANS)
def test_overlapping_pairs_match_brute_force(spans):
    brute = {frozenset((a[2], b[2])) for i, a in enumerate(spans) for b in spans[i + 1:]
             if a[0] < b[1] and b[0] < a[1]}
    assert {frozenset(p) for p in overlapping_pairs(spans)} == brute


@given(SPANS)
def test_clusters_partition_the_keys(spans):
    groups = clusters(spans)
    assert sorted(k for _, _, keys in groups for k in keys) == sorted(k for _, _, k in spans)
    for (_, e1, _), (s2, _, _) in zip(groups, groups[1:]):
        assert e1 <= s2


OWNED = st.lists(st.tuples(st.integers(0, 40), st.integers(0, 15), st.sampled_from("ABC")), max_size=30).map(
    lambda items: [(s, s + n, owner) for s, n, owner in items])


@given(OWNED)
def test_linked_groups_match_brute_force(spans):
    parent = list(range(len(spans)))

    def root(i):
        while parent[i] != i:
            i = parent[i]
        return i

    for i, a in enumerate(spans):
        for j, b in enumerate(spans[:i]):
            if a[2] != b[2] and a[0] < b[1] and b[0] < a[1] and a[0] < a[1] and b[0] < b[1]:
                parent[root(i)] = root(j)
    brute = {frozenset(k for k in range(len(spans)) if root(k) == r) for r in {root(k) for k in range(len(spans))}}
    assert {frozenset(g) for g in linked_groups(spans)} == brute


def test_linked_groups_of_many_nested_spans_stay_linear():
    # 10,000 spans all overlapping, two owners: a pairwise method would list 50 million pairs.
    spans = [(i, 20_000 - i, "AB"[i % 2]) for i in range(10_000)]
    assert [sorted(g) for g in linked_groups(spans)] == [list(range(10_000))]
