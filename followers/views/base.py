"""What every followers viewset shares: the caller seen in the graph, write throttling."""

from typing import Any

from rest_framework.request import Request
from rest_framework.viewsets import ViewSet

from followers import services
from hornet.authentication import caller


class GraphViewSet(ViewSet):
    """Base of the followers viewsets.

    Writes are throttled per caller (hornet.throttling, the default throttle class). Every
    caller is upserted into the graph with the username from the identity headers, once per
    process per (id, username); the write routes also do it inside their own transaction.
    """

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        me = caller(request)
        services.user_seen(user_id=me.user_id, username=me.username)
