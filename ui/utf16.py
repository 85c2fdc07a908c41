"""The one place that converts between code points (the stored offsets) and Qt's UTF-16 positions."""

import re
from bisect import bisect_left, bisect_right

_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


class OffsetMap:
    """Converts offsets in one text; O(log n) per call, built once per article."""

    def __init__(self, text: str):
        # Code-point indices of characters outside the BMP: each takes two UTF-16 units.
        self._astral = [m.start() for m in _ASTRAL.finditer(text)] if not text.isascii() else []
        # Their UTF-16 positions: the i-th astral character is shifted right by i units.
        self._astral_u16 = [cp + i for i, cp in enumerate(self._astral)]
        self.length = len(text)

    def to_utf16(self, cp: int) -> int:
        """The UTF-16 position of code point offset cp."""
        return cp + bisect_left(self._astral, cp)

    def to_code_point(self, u16: int) -> int:
        """The code point offset at UTF-16 position u16 (the middle of a pair rounds down)."""
        before = bisect_left(self._astral_u16, u16)
        # A position inside a surrogate pair (u16 == astral_u16 + 1) belongs to that character.
        if before and self._astral_u16[before - 1] + 1 == u16:
            return self._astral[before - 1]
        return u16 - before

    def to_code_point_end(self, u16: int) -> int:
        """Like to_code_point, but the middle of a pair rounds up: for range ends."""
        inside = bisect_right(self._astral_u16, u16 - 1)
        if inside and self._astral_u16[inside - 1] + 1 == u16:
            return self._astral[inside - 1] + 1
        return self.to_code_point(u16)
