"""The @mention / #tag grammar (posts.mentions; docs/engagement.md)."""

import pytest

from posts.mentions import MAX_NAMES, normalise_tag, parse, valid_tag


@pytest.mark.parametrize(
    ("content", "tags"),
    [
        ("#CS101 exam", ["cs101"]),
        ("Straße #Straße and #STRASSE", ["strasse"]),  # case folded: one tag
        ("#日本語 #हिन्दी #café", ["日本語", "हिन्दी", "café"]),  # letters with combining marks
        ("\uff03\uff23\uff33\uff11", ["cs1"]),  # fullwidth sign and letters: NFKC
        ("#snake_case, #end.", ["snake_case", "end"]),
        ("#2026 #1st", ["1st"]),  # only digits: not a tag
        ("a#b c##d #", []),  # after a word character or a sigil; empty
        ("(#x) [#y]", ["x", "y"]),
        ("#" + "a" * 101, []),  # too long
        ("#a #A #a", ["a"]),
    ],
)
def test_tags(content, tags):
    assert parse(content).tags == tags


@pytest.mark.parametrize(
    ("content", "mentions"),
    [
        ("hi @Bob!", ["bob"]),
        ("@first.last. @jean-luc- @x_y", ["first.last", "jean-luc", "x_y"]),
        ("mail bob@example.org", []),  # after a word character
        ("@@bob @ bob", []),
        ("@José @josé", ["josé"]),
        ("@\uff42\uff4f\uff42", ["bob"]),  # fullwidth
        ("@alice #alice", ["alice"]),
    ],
)
def test_mentions(content, mentions):
    assert parse(content).mentions == mentions


def test_empty_content_and_caps():
    assert parse(None).mentions == parse("").tags == []
    many = " ".join(f"#t{i} @u{i}" for i in range(MAX_NAMES + 5))
    parsed = parse(many)
    assert (len(parsed.tags), len(parsed.mentions)) == (MAX_NAMES, MAX_NAMES)


def test_a_looked_up_tag_is_normalised_like_a_stored_one():
    assert normalise_tag("\uff23\uff33101") == normalise_tag("cs101") == "cs101"
    assert valid_tag("cs101")
    assert not any(valid_tag(bad) for bad in ("101", "a-b", ""))
