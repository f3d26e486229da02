"""Post JSON for one caller: ``post_json`` plus the caller's ``liked`` and ``bookmarked``.

Every view that answers with posts builds them here, a whole page at a time: one ``$in``
query per kind of mark for the page (posts.marks), never one per post
(tests/posts/test_viewer_flags.py counts the queries).
"""

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from rest_framework.request import Request
from rest_framework.response import Response

from hornet.authentication import caller
from hornet.pagination import Page, page_response
from posts.marks import BOOKMARKS, LIKES
from posts.serializers import post_json


def posts_out(rows: Sequence[Mapping[str, Any]], viewer: UUID) -> list[dict[str, Any]]:
    """These stored posts as API JSON for ``viewer``, in the same order."""
    ids = [row["_id"] for row in rows]
    liked = LIKES.marked(viewer, ids)
    bookmarked = BOOKMARKS.marked(viewer, ids)
    return [
        {**post_json(row), "liked": row["_id"] in liked, "bookmarked": row["_id"] in bookmarked}
        for row in rows
    ]


def post_out(row: Mapping[str, Any], viewer: UUID) -> dict[str, Any]:
    """One post as API JSON for ``viewer``."""
    return posts_out([row], viewer)[0]


def posts_page(
    request: Request, page: Page[Any], headers: dict[str, str] | None = None
) -> Response:
    """A page of stored posts as the caller sees them: the JSON array and its ``Link``."""
    items = posts_out(page.items, caller(request).user_id)
    return page_response(request, items, page.next_cursor, headers=headers)
