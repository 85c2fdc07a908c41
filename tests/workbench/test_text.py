"""The offset rule: normalisation, quote selectors and word snapping in code points."""

import re

import pytest
from hypothesis import given, strategies as st

from workbench.errors import ImportRefused
from workbench.text import CONTEXT, _unmatched, collapse_white_space, normalise_body, quote_at, snap_to_words

PIECES = list("ab cé\n\r\t") + ["😀", "👩‍👩‍👧", "e\u0301", "שלום", "مرحبا", "\u200f", "\ufeff"]
TRICKY = st.lists(st.sampled_from(PIECES)).map("".join)


@given(TRICKY)
def test_normalise_is_idempotent_and_clean(text):
    try:
        once = normalise_body(text)
    except ImportRefused:
        assert not text.replace("\ufeff", "").strip()
        return
    assert normalise_body(once) == once
    assert "\r" not in once and not once.startswith("\ufeff")


def test_normalise_refuses_nul_and_blank():
    with pytest.raises(ImportRefused, match="NUL"):
        normalise_body("a\x00b", source="x.txt")
    with pytest.raises(ImportRefused, match="no text"):
        normalise_body(" \r\n\t ", source="x.txt")


def test_normalise_line_endings_and_bom():
    assert normalise_body("\ufeffone\r\ntwo\rthree  \n") == "one\ntwo\nthree"


@given(st.data(), st.text(min_size=1))
def test_quote_selector_matches_slice(data, body):
    start = data.draw(st.integers(0, len(body) - 1))
    end = data.draw(st.integers(start + 1, len(body)))
    quote = quote_at(body, start, end)
    assert quote.exact == body[start:end]
    assert body[:start].endswith(quote.prefix) and len(quote.prefix) == min(start, CONTEXT)
    assert body[end:].startswith(quote.suffix) and len(quote.suffix) <= CONTEXT


SPACED = st.lists(st.sampled_from(["a", "bé", " ", "  ", "\n", "\n\n", "\t", "\u00a0", "😀", "\u2028"]))


@given(SPACED.map("".join))
def test_collapsed_white_space_maps_back_to_the_original(text):
    collapsed = collapse_white_space(text)
    assert collapsed.text == re.sub(r"\s+", lambda m: "\n" if "\n" in m.group() else " ", text)
    for index, ch in enumerate(collapsed.text):
        start = collapsed.to_original(index)
        if ch in " \n":
            end = collapsed.to_original_end(index + 1)
            assert text[start:end].isspace() and (start == 0 or not text[start - 1].isspace())
            assert end == len(text) or not text[end].isspace()
        else:
            assert text[start] == ch and collapsed.to_original_end(index + 1) == start + 1
        assert collapsed.from_original(start) == index


@pytest.mark.parametrize("body, sel, expected", [
    ("Nato is weighing up strikes", (2, 9), "Nato is weighing"),
    ("Four Russian fighter jets", (6, 14), "Russian fighter"),
    ("  spaced words  ", (0, 16), "spaced words"),
    ("emoji 😀 then text", (8, 11), "then"),
    ("Nato’s Military", (1, 3), "Nato’s"),
    ("a, b", (1, 2), ","),
    # brackets and quotes come out balanced: the partner just outside joins, or a stray one goes
    ("the North Atlantic Treaty Association (NATO) said", (4, 42), "North Atlantic Treaty Association (NATO)"),
    ("he said “Being proactive is fine,” he stated.", (8, 34), "“Being proactive is fine,”"),
    ("he said “Being proactive is fine,” he stated.", (9, 34), "“Being proactive is fine,”"),
    ("he said “Being proactive is fine,” he stated.", (9, 33), "Being proactive is fine,"),
    ("(see the annex) and more", (1, 15), "(see the annex)"),
    ("x “Being proactive,”” he", (2, 21), "“Being proactive,”"),
    ("Nato’s plan (draft) stands", (0, 19), "Nato’s plan (draft)"),
    ("quoted \"word\" here", (8, 13), "\"word\""),
])
def test_snap_to_words(body, sel, expected):
    start, end = snap_to_words(body, *sel)
    assert body[start:end] == expected


@given(st.data(), TRICKY.filter(bool))
def test_snap_never_leaves_the_text_and_contains_selection_core(data, body):
    a = data.draw(st.integers(0, len(body)))
    b = data.draw(st.integers(0, len(body)))
    start, end = snap_to_words(body, a, b)
    assert 0 <= start <= end <= len(body)
    if start < end:
        assert not body[start].isspace() and not body[end - 1].isspace()


@given(st.data(), st.text(alphabet="ab ()“”‘’\"«»[]", min_size=1, max_size=40))
def test_snapping_never_adds_an_unpaired_bracket_or_quote(data, body):
    a = data.draw(st.integers(0, len(body)))
    b = data.draw(st.integers(0, len(body)))
    start, end = snap_to_words(body, a, b)
    assert 0 <= start <= end <= len(body)
    whole_openers, whole_closers = _unmatched(body)
    if not whole_openers and not whole_closers and start < end:
        # in a text whose marks all pair up, a snapped claim never starts or ends inside a pair's edge mark alone
        openers, closers = _unmatched(body[start:end])
        assert not (openers and openers[0] == 0) and not (closers and closers[-1] == end - start - 1)
