"""hornet.text: the invisible-character table matches the Unicode database (issue 13 item 10)."""

import re
import sys
import unicodedata

import pytest

from hornet.text import INVISIBLE_RANGES, VISIBLE_CHAR, is_invisible

PREPENDED_MARKS = {*range(0x600, 0x606), 0x6DD, 0x70F, 0x890, 0x891, 0x8E2, 0x110BD, 0x110CD}
INVISIBLE = re.compile(f"[{INVISIBLE_RANGES}]")


def test_the_table_covers_every_control_space_and_format_character():
    missing = []
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        category = unicodedata.category(char)
        expected = category in ("Cc", "Zs", "Zl", "Zp") or char.isspace()
        expected = expected or (category == "Cf" and code not in PREPENDED_MARKS)
        if expected and not INVISIBLE.match(char):
            missing.append(hex(code))
    assert missing == []


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\u200b",
        "\u200b\u200c\u200d\u2060\ufeff",
        "\u3164",
        "\u2800",
        " \u00a0\t\n",
        "\u202e\u2066",
        "\U000e0041",
        "\u034f\ufe0f",
    ],
)
def test_invisible_text(text):
    assert is_invisible(text)
    if all(ord(c) <= 0xFFFF for c in text):  # the OpenAPI pattern covers the BMP
        assert not re.search(VISIBLE_CHAR, text)


@pytest.mark.parametrize("text", ["a", "\u200ba", "李", "😀", "\u0600", ".", "\u0301a"])
def test_visible_text(text):
    assert not is_invisible(text)
    assert re.search(VISIBLE_CHAR, text)
