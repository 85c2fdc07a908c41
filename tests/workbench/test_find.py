"""Finding words in an article: case and accents ignored, exact code-point ranges back."""

from hypothesis import given
from hypothesis import strategies as st

from workbench.find import find_all, first_match, folded, snippet_terms
from workbench.search import MARK_CLOSE, MARK_OPEN


def test_case_accents_and_spacing_are_ignored_and_ranges_are_exact():
    body = "Officials in GDAŃSK said\nthe Straße was closed; gdansk agreed. 😀 Gdańsk again."
    found = find_all(body, "gdansk")
    assert [body[s:e] for s, e in found] == ["GDAŃSK", "gdansk", "Gdańsk"]
    assert [body[s:e] for s, e in find_all(body, "strasse")] == ["Straße"]
    assert [body[s:e] for s, e in find_all(body, "said the")] == ["said\nthe"]
    assert find_all(body, "   ") == [] and find_all(body, "warsaw") == []


@given(st.text(alphabet="aAbßé̈ ﬁ😀\n", min_size=1, max_size=60), st.data())
def test_every_range_found_is_inside_the_text_and_folds_to_the_phrase(body, data):
    start = data.draw(st.integers(0, len(body) - 1))
    phrase = body[start:start + data.draw(st.integers(1, 8))]
    needle = " ".join(folded(phrase)[0].split())
    for s, e in find_all(body, phrase):
        assert 0 <= s < e <= len(body)
        assert " ".join(folded(body[s:e])[0].split()) == needle


def test_the_first_marked_word_of_a_snippet_is_found_in_the_article():
    snippet = f"…the {MARK_OPEN}minister{MARK_CLOSE} said {MARK_OPEN}jets{MARK_CLOSE} and {MARK_OPEN}minister{MARK_CLOSE}"
    assert snippet_terms(snippet) == ["minister", "jets"]
    body = "Jets flew. Later the Minister spoke."
    assert first_match(body, snippet_terms(snippet)) == (0, 4)
    assert first_match(body, ["tanks"]) is None
