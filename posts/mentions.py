"""The one parser of ``@mentions`` and ``#hashtags`` in post content (docs/engagement.md).

Grammar (on the content after NFKC normalisation, so the fullwidth
U+FF03 and U+FF20 count as ``#`` and ``@``):

- a *word character* is a Unicode letter or combining mark (categories L*, M*), a decimal
  digit (Nd) or ``_``;
- a sigil (``#`` or ``@``) starts a tag or a mention only at the start of the text or after a
  character that is neither a word character nor a sigil: ``a#b``, ``bob@example.org`` and
  ``##x`` hold none;
- ``#tag``: the longest run of word characters after ``#``; 1 to 100 of them, not all digits
  (``#2026`` is not a tag, ``#CS101`` and ``#日本語`` are). Stored normalised: NFKC, then case
  folded (``#Straße`` and ``#STRASSE`` are the tag ``strasse``);
- ``@username``: the longest run of word characters after ``@``, where a ``.`` or ``-`` between
  two word characters belongs to it (``@first.last``, ``@jean-luc``; a trailing ``.`` ends the
  sentence, not the name); 1 to 100 characters, compared lowercased with the usernames the
  followers service knows (Keycloak's are lowercase). Unknown names stay plain text.

Each list keeps the first occurrence of each name, in order, at most ``MAX_NAMES``.
"""

import unicodedata
from dataclasses import dataclass

MAX_NAMES = 50  # per post and kind (the followers service resolves up to 50 names a call)
MAX_LENGTH = 100
_SIGILS = "#@"
_JOINERS = ".-"  # inside a username only


def is_word(char: str) -> bool:
    category = unicodedata.category(char)
    return char == "_" or category[0] in "LM" or category == "Nd"


@dataclass(frozen=True)
class Parsed:
    mentions: list[str]  # usernames, lowercased, as written otherwise
    tags: list[str]  # normalised tags


def normalise_tag(name: str) -> str:
    """A tag as stored and looked up: NFKC, case folded, NFKC again (folding may denormalise)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())


def valid_tag(name: str) -> bool:
    """Whether ``name`` (normalised, without ``#``) is a tag the parser could have produced."""
    return (
        1 <= len(name) <= MAX_LENGTH
        and all(is_word(c) for c in name)
        and not all(unicodedata.category(c) == "Nd" for c in name)
        and is_word(name[0])
    )


def _run(text: str, start: int, sigil: str) -> int:
    """End of the name that starts at ``start`` (after the sigil)."""
    end = start
    while end < len(text):
        char = text[end]
        joined = (
            sigil == "@"
            and char in _JOINERS
            and end > start
            and end + 1 < len(text)
            and is_word(text[end + 1])
        )
        if not (is_word(char) or joined):
            break
        end += 1
    return end


def parse(content: str | None) -> Parsed:
    """The mentions and tags of ``content`` (module docstring)."""
    text = unicodedata.normalize("NFKC", content or "")
    found: dict[str, dict[str, None]] = {"@": {}, "#": {}}
    i = 0
    while i < len(text):
        sigil = text[i]
        before = text[i - 1] if i else ""
        if sigil not in _SIGILS or (before and (is_word(before) or before in _SIGILS)):
            i += 1
            continue
        end = _run(text, i + 1, sigil)
        name = text[i + 1 : end]
        if sigil == "#":
            name = normalise_tag(name)
            if valid_tag(name):
                found["#"].setdefault(name)
        elif 1 <= len(name) <= MAX_LENGTH:
            found["@"].setdefault(name.lower())
        i = max(end, i + 1)
    return Parsed(mentions=list(found["@"])[:MAX_NAMES], tags=list(found["#"])[:MAX_NAMES])
