"""Strict parsing of numbers (and UUIDs) that come from input: query parameters, headers,
path segments, cursors.

Python's own parsers are generous in ways no client means: ``str.isdigit()`` is true for
``²``, ``①`` and ``₂``, which ``int()`` then refuses (a 500 where a 400 was due); ``int()`` takes
``٣`` (Arabic-Indic three), fullwidth digits, ``+``, ``_`` and surrounding spaces;
``uuid.UUID`` inherits all of that. So every number or id read from a request goes through
here: ASCII digits only, bounded, or a ``ValueError`` that the caller turns into a 400 naming
its field.
"""

import re
import uuid
from typing import Any

INT64_MAX = 2**63 - 1  # what Neo4j and MongoDB store as an integer

_DIGITS = re.compile(r"[0-9]{1,18}")  # at most 18 digits: always below INT64_MAX
_HEX = "[0-9A-Fa-f]"
_UUID = re.compile(rf"(?:urn:uuid:)?(\{{)?{_HEX}{{8}}(?:-?{_HEX}{{4}}){{3}}-?{_HEX}{{12}}(?(1)\}})")


def ascii_int(raw: str) -> int:
    """A non-negative integer written with 1 to 18 ASCII digits; ``ValueError`` otherwise."""
    if not isinstance(raw, str) or not _DIGITS.fullmatch(raw):
        raise ValueError(f"not an integer: {raw!r}")
    return int(raw)


def ascii_uuid(raw: str) -> uuid.UUID:
    """A UUID in one of the usual ASCII spellings (any case, hyphens optional, braces or
    ``urn:uuid:``); ``ValueError`` for anything ``uuid.UUID`` would read only by accident."""
    if not isinstance(raw, str) or not _UUID.fullmatch(raw):
        raise ValueError(f"not a UUID: {raw!r}")
    return uuid.UUID(raw)


def stored_int(value: Any) -> int:
    """An integer from a decoded (signed) payload that a database can store: 0..2^63-1, not a
    bool. ``ValueError`` otherwise, so a signed cursor never reaches a driver as an overflow."""
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= INT64_MAX:
        raise ValueError(f"not a storable integer: {value!r}")
    return value
