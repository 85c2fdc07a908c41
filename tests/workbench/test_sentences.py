"""Sentence spans: exact offsets, abbreviations, quotes, line breaks."""

from hypothesis import given
from hypothesis import strategies as st

from workbench.sentences import numbers, sentence_spans


def texts(text):
    return [text[s:e] for s, e in sentence_spans(text)]


def test_sentences_end_at_stops_and_line_breaks_but_not_at_abbreviations():
    text = ("Mr. Smith met Dr. Jones at 5 p.m. on Monday. “It went well,” he said! Did it?\n"
            "A headline without a stop\nThe U.S. agreed, e.g. on trade. J. R. Doe left…  Then 3.5 percent.")
    assert texts(text) == [
        "Mr. Smith met Dr. Jones at 5 p.m. on Monday.", "“It went well,” he said!", "Did it?",
        "A headline without a stop", "The U.S. agreed, e.g. on trade.", "J. R. Doe left…", "Then 3.5 percent."]


@given(st.text(alphabet=st.sampled_from("ab. !?\n“”A9 é"), max_size=60))
def test_spans_are_ordered_trimmed_and_cover_every_non_space_character(text):
    spans = sentence_spans(text)
    covered = set()
    last = 0
    for start, end in spans:
        assert last <= start < end and not text[start].isspace() and not text[end - 1].isspace()
        covered.update(range(start, end))
        last = end
    assert {i for i, c in enumerate(text) if not c.isspace()} <= covered


def test_numbers_are_read_without_thousands_separators():
    assert numbers("3,000 jets, 4.5 percent, 1,5 litres and 12") == {"3000", "4.5", "1,5", "12"}
