"""Sentences of a text as code-point spans, and the words and numbers inside them.

A rule-based splitter: a sentence ends at . ! ? … (with closing quotes and brackets) followed by
white space and a capital, digit or opening quote, or at a line break; common abbreviations
("Mr.", "e.g.", "U.S.") and initials do not end one. One regular-expression pass, so a
million-character article splits in a fraction of a second, and the spans index the stored body
exactly (pysbd gives spans too, but takes seconds per megabyte and is no longer maintained).
"""

import re

_END = re.compile(r"""[.!?…]+["'”’»)\]]*(?=\s+["'“‘«(\[]?[\w])|\n+""")
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "gen", "col", "lt", "sgt", "capt", "gov", "sen",
    "rep", "rev", "hon", "pres", "vs", "etc", "e.g", "i.e", "cf", "no", "nos", "vol", "fig", "approx", "inc",
    "ltd", "co", "corp", "dept", "univ", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "u.s", "u.k", "u.n", "e.u", "a.m", "p.m",
}
WORD = re.compile(r"\w+(?:[-'’]\w+)*")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) of each sentence of text, white space trimmed, in order; none empty."""
    spans = []
    start = 0
    for end_mark in _END.finditer(text):
        stop = end_mark.end()
        if end_mark.group()[0] == "." and _abbreviation_before(text, end_mark.start()):
            continue
        _add(spans, text, start, stop)
        start = stop
    _add(spans, text, start, len(text))
    return spans


def _abbreviation_before(text: str, dot: int) -> bool:
    word_start = dot
    while word_start > 0 and (text[word_start - 1].isalnum() or text[word_start - 1] == "."):
        word_start -= 1
    word = text[word_start:dot].lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def _add(spans: list, text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def numbers(text: str) -> set[str]:
    """The numbers written in text, as written without thousands separators ("3,000" → "3000")."""
    return {n.replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+", n) else n for n in NUMBER.findall(text)}

