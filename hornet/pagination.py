"""Cursor pagination shared by both services: JSON array bodies, RFC 8288 ``Link`` headers.

Lists are ordered by a unique key (for example ``(created_at, id)`` descending). The cursor
names the last item of the page; the next page starts strictly after it, so items inserted
meanwhile at the head never shift what follows (nothing skipped, nothing repeated). Cursors
are signed so a forged or truncated one is a clean 400, and carry no database syntax.
"""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.request import Request
from rest_framework.response import Response

from hornet.errors import ErrorCode, InvalidInput
from hornet.numbers import ascii_int

_SALT = "hornet.cursor"


@dataclass(frozen=True)
class PageParams:
    limit: int
    after: dict[str, Any] | None  # decoded cursor payload, None for the first page


def encode_cursor(payload: dict[str, Any]) -> str:
    return signing.dumps(payload, salt=_SALT, compress=False)


def decode_cursor(raw: str) -> dict[str, Any]:
    if len(raw) > 512:
        raise InvalidInput.for_field(
            "cursor", "Cursor is not valid.", code=ErrorCode.INVALID_CURSOR
        )
    try:
        value = signing.loads(raw, salt=_SALT)
    except (signing.BadSignature, ValueError, UnicodeError):
        raise InvalidInput.for_field(
            "cursor", "Cursor is not valid.", code=ErrorCode.INVALID_CURSOR
        ) from None
    if not isinstance(value, dict):
        raise InvalidInput.for_field(
            "cursor", "Cursor is not valid.", code=ErrorCode.INVALID_CURSOR
        )
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
    target = f"{path}?{query}" if query else path
    base = settings.HORNET_PUBLIC_BASE_URL
    return base + target if base else target


def page_response(
    request: Request,
    items: list[Any],
    next_cursor: dict[str, Any] | None,
    headers: dict[str, str] | None = None,
) -> Response:
    """A JSON array, with ``Link: <...>; rel="next"`` when there is a next page."""
    response = Response(items, headers=headers)
    if next_cursor is not None:
        query = request.query_params.copy()
        query["cursor"] = encode_cursor(next_cursor)
        response["Link"] = f'<{link_url(request.path, urlencode(query))}>; rel="next"'
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
