"""Cursor pagination shared by both services: JSON array bodies, RFC 8288 ``Link`` headers.

Lists are ordered by a unique key (for example ``(created_at, id)`` descending). The cursor
names the last item of the page; the next page starts strictly after it, so items inserted
meanwhile at the head never shift what follows (nothing skipped, nothing repeated). Cursors
are signed so a forged or truncated one is a clean 400, and carry no database syntax.

One vocabulary for both services: selectors return a ``Page``; each list's key is a
``CursorKey`` (``payload()`` writes a cursor's payload, ``parse(payload)`` reads it back); every
unusable cursor is the same 400 (``invalid_cursor``); views answer with ``page_response``.
"""

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, Self, TypeVar
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core import signing
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.request import Request
from rest_framework.response import Response

from hornet.errors import ErrorCode, InvalidInput
from hornet.numbers import ascii_int

_SALT = "hornet.cursor"
INVALID_CURSOR_MESSAGE = "Cursor is not valid."

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list: its items, the cursor payload of the next page (None on the last
    page) and, for the lists that count them, the total number of items."""

    items: list[T]
    next_cursor: dict[str, Any] | None
    total: int | None = None


def invalid_cursor() -> InvalidInput:
    """The one answer to a cursor that cannot be used: forged, truncated or of another list."""
    return InvalidInput.for_field("cursor", INVALID_CURSOR_MESSAGE, code=ErrorCode.INVALID_CURSOR)


class CursorKey(ABC):
    """The position of an item in one ordered list: what that list's cursor payload holds."""

    @abstractmethod
    def payload(self) -> dict[str, Any]:
        """The (JSON) payload of a cursor pointing just after this item."""

    @classmethod
    @abstractmethod
    def decode(cls, payload: dict[str, Any]) -> Self:
        """The key a payload holds; ``ValueError``/``TypeError`` when it holds none."""

    @classmethod
    def parse(cls, payload: dict[str, Any] | None) -> Self | None:
        """The key of a decoded cursor, None for the first page; ``invalid_cursor`` for a
        payload of another list (signed, so never forged, but perhaps a posts cursor sent to a
        followers list)."""
        if payload is None:
            return None
        try:
            return cls.decode(payload)
        except (ValueError, TypeError, OverflowError, OSError):
            raise invalid_cursor() from None


@dataclass(frozen=True)
class PageParams:
    limit: int
    after: dict[str, Any] | None  # decoded cursor payload, None for the first page


def encode_cursor(payload: dict[str, Any]) -> str:
    return signing.dumps(payload, salt=_SALT, compress=False)


def decode_cursor(raw: str) -> dict[str, Any]:
    if len(raw) > 512:
        raise invalid_cursor()
    try:
        value = signing.loads(raw, salt=_SALT)
    except (signing.BadSignature, ValueError, UnicodeError):
        raise invalid_cursor() from None
    if not isinstance(value, dict):
        raise invalid_cursor()
    return value


def page_params(
    request: Request, *, default_limit: int | None = None, max_limit: int | None = None
) -> PageParams:
    """Read ``limit`` (default 20, 1..100) and ``cursor`` from the query string.

    ``default_limit``/``max_limit`` widen the bounds for internal routes that are meant to be
    read in one call (for example the followers service's ``following/ids``).
    """
    maximum = max_limit or settings.HORNET_PAGE_MAX
    raw_limit = request.query_params.get("limit")
    limit = default_limit or settings.HORNET_PAGE_DEFAULT
    if raw_limit is not None:
        try:
            limit = ascii_int(raw_limit)  # "²".isdigit() is true; int("²") is not
        except ValueError:
            raise InvalidInput.for_field(
                "limit", f"Must be an integer from 1 to {maximum}."
            ) from None
        if not 1 <= limit <= maximum:
            raise InvalidInput.for_field("limit", f"Must be an integer from 1 to {maximum}.")
    raw_cursor = request.query_params.get("cursor")
    after = decode_cursor(raw_cursor) if raw_cursor else None
    return PageParams(limit=limit, after=after)


def link_url(path: str, query: str) -> str:
    """The target of a ``Link`` header: ``PUBLIC_BASE_URL`` + path when it is configured, else
    the path alone (a relative reference, resolved by the client against the URL it asked).

    Never built from the request's ``Host``: a client (or anything between it and us) chooses
    that header, and echoing it would hand out links to any host (issue 13 item 9).
    """
    path = quote(path, safe="/:@!$&'()*+,;=~")  # a Unicode tag in the path: header is ASCII
    target = f"{path}?{query}" if query else path
    base = settings.HORNET_PUBLIC_BASE_URL
    return base + target if base else target


def page_response(
    request: Request,
    body: Any,
    next_cursor: dict[str, Any] | None,
    headers: dict[str, str] | None = None,
    *,
    path: str | None = None,
    query: Mapping[str, Any] | None = None,
) -> Response:
    """``body`` (a page's JSON array, usually), with ``Link: <...>; rel="next"`` when there is
    a next page. The link repeats the request's path and query with the next cursor; ``path``
    and ``query`` point it at another route instead (a thread's first replies link to the
    replies list)."""
    response = Response(body, headers=headers)
    if next_cursor is not None:
        params = dict((request.query_params if path is None else query or {}).items())
        params["cursor"] = encode_cursor(next_cursor)
        target = link_url(path or request.path, urlencode(params))
        response["Link"] = f'<{target}>; rel="next"'
    return response


PAGE_PARAMETERS = [
    OpenApiParameter(
        "limit",
        {"type": "integer", "minimum": 1, "maximum": 100},
        OpenApiParameter.QUERY,
        description="Page size, 1 to 100 (default 20).",
    ),
    OpenApiParameter(
        "cursor",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        description='Opaque cursor from the previous page\'s `Link: rel="next"` header.',
    ),
]


def paged(serializer: Any, description: str) -> OpenApiResponse:
    """OpenAPI response for a page: an array, with the Link header documented."""
    return OpenApiResponse(
        serializer(many=True),
        description=description + ' Paged: see the `Link` header (rel="next").',
    )
