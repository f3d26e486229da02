"""What every followers viewset shares: the caller seen in the graph, write throttling, and
the answer of a list of the caller's own."""

from collections.abc import Callable
from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.viewsets import ViewSet

from followers import services
from hornet.authentication import caller
from hornet.pagination import Page, page_params, page_response


class GraphViewSet(ViewSet):
    """Base of the followers viewsets.

    Writes are throttled per caller (hornet.throttling, the default throttle class). Every
    caller is upserted into the graph with the username from the identity headers, once per
    process per (id, username), except in the actions of ``caller_written_by``: their own
    write transaction upserts the caller and their username (followers.services), so a
    separate upsert before it would be a second write transaction for nothing (a follow by a
    caller this worker had not seen paid two commits).
    """

    caller_written_by: frozenset[str] = frozenset()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if self.action in self.caller_written_by:
            return
        me = caller(request)
        services.user_seen(user_id=me.user_id, username=me.username)


def callers_page(request: Request, page_of: Callable[..., Page[Any]]) -> Response:
    """A page of one of the caller's own lists (``page_of(user_id=, limit=, after=)``, items
    with ``as_dict``) as a JSON array with a ``Link`` header."""
    params = page_params(request)
    page = page_of(user_id=caller(request).user_id, limit=params.limit, after=params.after)
    return page_response(request, [item.as_dict() for item in page.items], page.next_cursor)


def created_or_found(item: Any, created: bool) -> Response:
    """An idempotent create's answer: the item (``as_dict``), 201 when this call made it, 200
    when it was already there."""
    return Response(item.as_dict(), status=201 if created else 200)
