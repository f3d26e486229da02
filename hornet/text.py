"""Text that shows nothing: whitespace, controls, format characters and the fillers that render
as blank. A post made only of these (say, zero-width spaces) is empty, and refused as such.

One table serves both the check (``is_invisible``) and the OpenAPI pattern posts declare
(``VISIBLE_CHAR``), so the schema and the server never disagree. It is spelt out rather than
computed from ``unicodedata`` at import (a scan of 1.1 million code points per worker);
``tests/hornet/test_text.py`` checks it against the Unicode database of the running Python.
"""

import re

# Every Cc, Zs, Zl, Zp and str.isspace() character; every Cf except the prepended concatenation
# marks, which render (U+0600-0605, U+06DD, U+070F, U+0890-0891, U+08E2, U+110BD, U+110CD);
# and the blank-looking fillers: combining grapheme joiner, Khmer inherent vowels, Mongolian and
# other variation selectors, Hangul fillers, the blank braille pattern.
_RANGES = (
    (0x00, 0x20), (0x7F, 0xA0), (0xAD, 0xAD), (0x34F, 0x34F), (0x61C, 0x61C),
    (0x115F, 0x1160), (0x1680, 0x1680), (0x17B4, 0x17B5), (0x180B, 0x180F),
    (0x2000, 0x200F), (0x2028, 0x202F), (0x205F, 0x2064), (0x2066, 0x206F), (0x2800, 0x2800),
    (0x3000, 0x3000), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0),
    (0xFFF9, 0xFFFB),
    (0x13430, 0x13438), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001), (0xE0020, 0xE007F), (0xE0100, 0xE01EF),
)  # fmt: skip


def _escaped(code: int) -> str:
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _class(ranges: tuple[tuple[int, int], ...]) -> str:
    return "".join(_escaped(a) if a == b else f"{_escaped(a)}-{_escaped(b)}" for a, b in ranges)


INVISIBLE_RANGES = _class(_RANGES)  # the inside of a regex character class
_INVISIBLE = re.compile(f"[{INVISIBLE_RANGES}]*")
# One character that shows, for OpenAPI patterns: Basic Multilingual Plane escapes only (an
# ECMA-262 pattern without the "u" flag would split the astral ones into surrogate halves).
VISIBLE_CHAR = "[^" + _class(tuple(r for r in _RANGES if r[1] <= 0xFFFF)) + "]"


def is_invisible(text: str) -> bool:
    """True when ``text`` is empty or shows nothing at all."""
    return _INVISIBLE.fullmatch(text) is not None
