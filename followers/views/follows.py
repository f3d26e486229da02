"""Follow, unfollow (by follow id or by user id)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from followers import services
from followers.openapi import FOLLOW_ID, USER_ID, errors
from followers.serializers import FollowIn, FollowOut, FollowRequestOut
from followers.types import FollowRequest
from followers.views.base import GraphViewSet, created_or_found
from hornet import idempotency
from hornet.authentication import forward
from hornet.ids import uuid_arg
from hornet.serializers import valid_body

TAGS = ["follows"]


class FollowViewSet(GraphViewSet):
    caller_written_by = frozenset({"create"})  # follow_create upserts the caller, named

    @extend_schema(
        operation_id="follow_create",
        summary="Follow a user",
        description="Idempotent: following someone you already follow returns that follow "
        "with 200. A locked user is not followed but asked: 202 with the request (`status: "
        "requested`; asking again answers the same). Following yourself is a 400; a block "
        "between the two users, either way, is a 403 `blocked`. Safe to retry with an "
        "`Idempotency-Key`.",
        parameters=[idempotency.IDEMPOTENCY_PARAMETER],
        request=FollowIn,
        responses={
            201: OpenApiResponse(FollowOut, description="Now following."),
            200: OpenApiResponse(FollowOut, description="Already following: the existing follow."),
            202: OpenApiResponse(
                FollowRequestOut, description="The user is locked: a follow request, pending."
            ),
            **errors(400, 403, 409, 422, 429),
        },
        tags=TAGS,
    )
    @idempotency.idempotent
    def create(self, request: Request) -> Response:
        body = valid_body(FollowIn, request)
        follow, created = services.follow_create(
            caller=forward(request),
            receiver_id=body["receiver_id"],
            follow_id=idempotency.seed(request),
        )
        if isinstance(follow, FollowRequest):
            return Response(follow.as_dict(), status=202)
        return created_or_found(follow, created)

    @extend_schema(
        operation_id="follow_delete",
        summary="Remove a follow by its id",
        description="Only the follower may remove a follow.",
        parameters=[FOLLOW_ID],
        request=None,
        responses={204: OpenApiResponse(description="Removed."), **errors(400, 403, 404, 429)},
        tags=TAGS,
    )
    def destroy(self, request: Request, follow_id: str) -> Response:
        services.follow_remove(follow_id=uuid_arg(follow_id, "follow_id"), caller=forward(request))
        return Response(status=204)

    @extend_schema(
        operation_id="follow_delete_by_user",
        summary="Unfollow a user",
        description="Idempotent: 204 whether or not the caller followed the user. Also "
        "withdraws a pending request to follow a locked user.",
        parameters=[USER_ID],
        request=None,
        responses={
            204: OpenApiResponse(description="Not following (any more)."),
            **errors(400, 429),
        },
        tags=TAGS,
    )
    def unfollow(self, request: Request, user_id: str) -> Response:
        services.follow_remove_by_user(
            caller=forward(request), receiver_id=uuid_arg(user_id, "user_id")
        )
        return Response(status=204)
