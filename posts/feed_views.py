"""HTTP for the home feed and for the followers service's signals: "following changed",
"relationship changed" (blocks and mutes), "follow requested" and "follow made" (notifications)."""

from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hornet.authentication import caller, forward
from hornet.metrics import FEED_DEGRADED
from hornet.pagination import PAGE_PARAMETERS, page_params, paged
from hornet.serializers import valid_body
from posts import feed, signals
from posts.notifications.serializers import FollowMadeIn, FollowRequestedIn
from posts.openapi import errors
from posts.serializers import FollowingChangedIn, PostOut, RelationshipChangedIn
from posts.viewer import posts_page

DEGRADED_HEADER = "X-Feed-Degraded"


class FeedView(APIView):
    @extend_schema(
        operation_id="feed",
        summary="The caller's home feed",
        description="Posts and shares by the people the caller follows and by the caller, "
        "newest first; replies excluded; nothing by (or shared from) a user the caller blocks, "
        "is blocked by or mutes. When the followers service cannot be reached the "
        "feed still answers (the caller's own posts plus the last known following list, "
        "filtered by the last known blocks and mutes; only the caller's own posts when no "
        f"blocks are known) with the header `{DEGRADED_HEADER}: true`.",
        parameters=PAGE_PARAMETERS,
        responses={200: paged(PostOut, "Feed posts."), **errors(400)},
        tags=["feed"],
    )
    def get(self, request: Request) -> Response:
        params = page_params(request)
        result = feed.feed_page(forward=forward(request), limit=params.limit, after=params.after)
        headers = {DEGRADED_HEADER: "true"} if result.degraded else None
        if result.degraded:
            FEED_DEGRADED.inc()
        return posts_page(request, result.page, headers=headers)


def _signal_schema(
    operation_id: str,
    summary: str,
    description: str,
    request: type,
    refused: dict[int, str] | None = None,
) -> Any:
    """The schema of a followers → posts signal: an internal POST answered 204."""
    return extend_schema(
        operation_id=operation_id,
        summary=f"Internal: {summary}",
        description=f"{description} Only the followers service may call it in production (mesh "
        "AuthorizationPolicy).",
        request=request,
        responses={
            204: OpenApiResponse(description="Noted."),
            **errors(400, *(refused or {}), described=refused),
        },
        tags=["internal"],
    )


def _noted(
    request: Request,
    serializer: type[serializers.Serializer],
    signal: Callable[..., None],
    *,
    optional: bool = False,
) -> Response:
    """A followers → posts signal answered: its body read with ``serializer`` (400 naming the
    field), handed to ``signal`` (posts.signals) as the caller's, then 204."""
    body = valid_body(serializer, request, optional=optional)
    signal(caller_id=caller(request).user_id, **body)
    return Response(status=status.HTTP_204_NO_CONTENT)


class FollowingChangedView(APIView):
    @_signal_schema(
        "following_changed",
        "the caller's following list changed",
        "Called by the followers service after the caller follows or unfollows "
        "`followee_id` (`following` true or false), so the caller's next feed page reflects it "
        "at once: the cached following list is dropped and the stored timeline gets the "
        "followee's latest posts, or loses them. Without a body the timeline is rebuilt. With "
        "`follower_id` the caller (a locked user) accepted that user's follow request: the "
        "change applies to the follower's cache and timeline, and `followee_id` is required "
        "and must be the caller (else 403 `forbidden` naming `followee_id`: only the followee "
        "accepts a request). With `follow_id` and `following` true, the followee (or the "
        "follower whose request was accepted) gets a notification, once per id.",
        FollowingChangedIn,
        refused={403: "`follower_id` with a `followee_id` that is not the caller."},
    )
    def post(self, request: Request) -> Response:
        return _noted(request, FollowingChangedIn, signals.following_changed, optional=True)


class RelationshipChangedView(APIView):
    @_signal_schema(
        "relationship_changed",
        "the caller blocked, unblocked, muted or unmuted a user",
        "Called by the followers service after the change is stored. Both users' "
        "cached exclusions are dropped (each read asks afresh); on a `block` both users' "
        "cached following lists are dropped too and each user's stored home timeline loses "
        "the other's posts, and each user's notifications of the other's actions are deleted.",
        RelationshipChangedIn,
    )
    def post(self, request: Request) -> Response:
        return _noted(request, RelationshipChangedIn, signals.relationship_changed)


class FollowRequestedView(APIView):
    @_signal_schema(
        "follow_requested",
        "the caller asked a locked user to follow them",
        "Called by the followers service after it stores a follow request, so `followee_id` "
        "is notified, once per `request_id` (docs/notifications.md).",
        FollowRequestedIn,
    )
    def post(self, request: Request) -> Response:
        return _noted(request, FollowRequestedIn, signals.follow_requested)


class FollowMadeView(APIView):
    @_signal_schema(
        "follow_made",
        "a new follow's notification, sent again",
        "Called by the followers service when its `following-changed` signal of a new follow "
        "was not taken (posts unreachable or 5xx), a few times over some minutes: only the "
        "notification, once per `follow_id`; no cache or timeline changes. With `follower_id` "
        "the caller accepted that user's request, `followee_id` must be the caller (else 403 "
        "`forbidden` naming `followee_id`) and the follower is notified.",
        FollowMadeIn,
        refused={403: "`follower_id` with a `followee_id` that is not the caller."},
    )
    def post(self, request: Request) -> Response:
        return _noted(request, FollowMadeIn, signals.follow_made)
