"""The UTF-16 helper agrees with Qt's own counting for any text."""

from hypothesis import given, strategies as st
from PySide6.QtGui import QTextDocument

from ui.utf16 import OffsetMap

TEXT = st.lists(st.sampled_from(["a", "é", "😀", "𝔘", "\n", "ש", "e\u0301", "👩‍👧"])).map("".join)


@given(TEXT)
def test_round_trip_and_agreement_with_qt(text):
    offsets = OffsetMap(text)
    assert offsets.to_utf16(len(text)) == len(text.encode("utf-16-le")) // 2
    for cp in range(len(text) + 1):
        u16 = offsets.to_utf16(cp)
        assert u16 == len(text[:cp].encode("utf-16-le")) // 2
        assert offsets.to_code_point(u16) == cp
        assert offsets.to_code_point_end(u16) == cp


@given(TEXT.filter(lambda t: "😀" in t))
def test_middle_of_a_pair_rounds_to_the_character(text):
    offsets = OffsetMap(text)
    cp = text.index("😀")
    inside = offsets.to_utf16(cp) + 1
    assert offsets.to_code_point(inside) == cp
    assert offsets.to_code_point_end(inside) == cp + 1


def test_qt_document_positions_match(qapp):
    text = "a😀b𝔘c"
    document = QTextDocument(text)
    offsets = OffsetMap(text)
    assert document.characterCount() - 1 == offsets.to_utf16(len(text))
    cursor = document.find("c")
    assert offsets.to_code_point(cursor.selectionStart()) == text.index("c")
