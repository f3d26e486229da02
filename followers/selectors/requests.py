"""The follow requests a locked user has received, newest first.

Paged like the block list (followers.selectors.blocks), through the composite range index
``(receiver_id, created_at, id)`` on ``REQUESTED`` edges (followers.graph_schema).
"""

from typing import Any, LiteralString
from uuid import UUID

from followers.selectors.blocks import edge_page, edge_page_query, users_since_page
from followers.types import UserSince
from hornet.pagination import Page

REQUESTS_PAGE: LiteralString = edge_page_query("REQUESTED", "", incoming=True)


def requests_page(
    *, user_id: UUID, limit: int, after: dict[str, Any] | None = None
) -> Page[UserSince]:
    """Users asking to follow ``user_id``, most recent request first."""
    return users_since_page(edge_page(REQUESTS_PAGE, user_id, limit, after), limit)
