"""Comparing two articles: sentence alignment, differing words, and carrying a range across."""

from hypothesis import given
from hypothesis import strategies as st

from workbench.compare import compare, counterpart
from workbench.paths import seed_files
from workbench.sentences import sentence_spans

FIRST, SECOND = (seed.read_text(encoding="utf-8") for seed in seed_files())


def test_the_sample_articles_show_the_north_atlantic_treaty_association_against_the_first_wording():
    comparison = compare(FIRST, SECOND)
    [pair] = [p for p in comparison.pairs if p.right and "North Atlantic Treaty Association" in SECOND[slice(*p.right)]]
    assert pair.left is not None
    assert FIRST[slice(*pair.left)].startswith("Nato is weighing up whether to launch pre-emptive strikes")
    [difference] = [d for d in pair.differences if "North Atlantic Treaty Association" in d.right_text]
    assert {"name", "date", "number"} <= difference.kinds
    assert SECOND[slice(*difference.right)] == difference.right_text
    titles = comparison.pairs[0]
    assert FIRST[slice(*titles.left)].startswith("Nato considers") and SECOND[slice(*titles.right)].startswith("NATO Weighs")


def test_names_numbers_and_dates_are_spans_of_their_own_within_a_differing_run():
    comparison = compare(FIRST, SECOND)
    [difference] = [d for p in comparison.pairs for d in p.differences if "North Atlantic" in d.right_text]
    words = {SECOND[start:end]: kind for start, end, kind in difference.right_words}
    assert words == {"Belgium": "name", "November 21, 2024": "date", "North Atlantic Treaty Association": "name"}
    left = "Officials counted 4 jets."
    right = "Officials counted 40 jets on 3 March."
    [pair] = compare(left, right).pairs
    assert [(left[s:e], k) for s, e, k in pair.differences[0].left_words] == [("4", "number")]
    assert [(right[s:e], k) for d in pair.differences for s, e, k in d.right_words] == [("40", "number"),
                                                                                        ("3 March", "date")]


def test_every_sentence_appears_once_in_reading_order_on_both_sides():
    comparison = compare(FIRST, SECOND)
    lefts = [p.left for p in comparison.pairs if p.left]
    rights = [p.right for p in comparison.pairs if p.right]
    assert lefts == sentence_spans(FIRST)
    assert sorted(rights) == sentence_spans(SECOND)


def test_a_changed_number_name_and_date_are_flagged():
    left = "The minister said 4 jets crossed the border on 3 March. Nobody was hurt."
    right = "Nobody was hurt. The minister said 40 jets crossed the border on 5 April, according to Kallas."
    comparison = compare(left, right)
    [pair] = [p for p in comparison.pairs if p.left and p.right and "jets" in left[slice(*p.left)]]
    found = {(d.left_text, d.right_text): d.kinds for d in pair.differences}
    assert found[("4", "40")] == {"number"}
    assert found[("3 March", "5 April, according to Kallas")] == {"number", "date", "name"}
    hurt = [p for p in comparison.pairs if p.left and "hurt" in left[slice(*p.left)]]
    assert hurt[0].right is not None and hurt[0].differences == ()  # reordered, still paired, no change


def test_a_range_marked_on_one_side_is_carried_to_the_aligned_words():
    left = "Officials said 4 jets crossed the border near Gdańsk on Monday."
    right = "On Monday, 40 jets crossed the border near Gdańsk, officials said."
    comparison = compare(left, right)
    start = left.index("jets crossed")
    end = left.index(" on Monday")
    assert right[slice(*counterpart(comparison, "left", start, end))] == "jets crossed the border near Gdańsk"
    number = left.index("4 ")
    assert counterpart(comparison, "left", number, number + 1) == (0, len(right))  # nothing shared: the sentence
    assert counterpart(compare("Alpha beta.", "Gamma delta."), "left", 0, 5) is None


@given(st.text(alphabet=st.sampled_from("ab .\n9Zé"), max_size=80), st.text(alphabet=st.sampled_from("ab .\n9Zé"), max_size=80))
def test_spans_always_index_the_texts_given(left, right):
    for pair in compare(left, right).pairs:
        for difference in pair.differences:
            if difference.left:
                assert left[slice(*difference.left)] == difference.left_text
            if difference.right:
                assert right[slice(*difference.right)] == difference.right_text
            for side, words in (("left", difference.left_words), ("right", difference.right_words)):
                run = getattr(difference, side)
                assert all(run[0] <= start < end <= run[1] for start, end, _ in words)
