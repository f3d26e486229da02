"""Blocks, mutes and the excluded ids the posts service reads (docs/safety.md)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from followers import selectors, services
from followers.openapi import USER_ID, errors
from followers.serializers import BlockOut, ExcludedIdsOut, MuteIn, MuteOut
from followers.views.base import GraphViewSet, callers_page, created_or_found
from hornet import idempotency
from hornet.authentication import caller, forward
from hornet.errors import Forbidden
from hornet.ids import uuid_arg
from hornet.pagination import PAGE_PARAMETERS, paged
from hornet.serializers import valid_body
from hornet.timestamps import rfc3339

TAGS = ["safety"]


class BlockViewSet(GraphViewSet):
    @extend_schema(
        operation_id="block_create",
        summary="Block a user",
        description="Removes the follows both ways and the pending follow requests both ways; "
        "from then on neither can follow or request the other (403 `blocked`) and neither "
        "appears in the other's suggestions and lists. Idempotent: blocking again returns the "
        "block with 200. Safe to retry with an `Idempotency-Key`.",
        parameters=[USER_ID, idempotency.IDEMPOTENCY_PARAMETER],
        request=None,
        responses={
            201: OpenApiResponse(BlockOut, description="Now blocked."),
            200: OpenApiResponse(BlockOut, description="Already blocked: the existing block."),
            **errors(400, 409, 422, 429),
        },
        tags=TAGS,
    )
    @idempotency.idempotent
    def create(self, request: Request, user_id: str) -> Response:
        block, created = services.block_create(
            caller=forward(request),
            user_id=uuid_arg(user_id, "user_id"),
            block_id=idempotency.seed(request),
        )
        return created_or_found(block, created)

    @extend_schema(
        operation_id="block_delete",
        summary="Unblock a user",
        description="Idempotent: 204 whether or not the caller blocked the user. Follows the "
        "block removed are not restored.",
        parameters=[USER_ID],
        request=None,
        responses={204: OpenApiResponse(description="Not blocked (any more)."), **errors(400, 429)},
        tags=TAGS,
    )
    def destroy(self, request: Request, user_id: str) -> Response:
        services.block_remove(caller=forward(request), user_id=uuid_arg(user_id, "user_id"))
        return Response(status=204)

    @extend_schema(
        operation_id="blocks_list",
        summary="Users the caller blocks",
        parameters=PAGE_PARAMETERS,
        responses={200: paged(BlockOut, "Blocks, newest first."), **errors(400)},
        tags=TAGS,
    )
    def list(self, request: Request) -> Response:
        return callers_page(request, selectors.blocks_page)


class MuteViewSet(GraphViewSet):
    @extend_schema(
        operation_id="mute_create",
        summary="Mute a user",
        description="Private: the muted user is not told and nothing else changes; the posts "
        "service hides their posts from the caller's feed and replies. `duration_seconds` "
        "(60 to 31536000) makes it expire; omitted or null: until unmuted. Muting an actively "
        "muted user again replaces the expiry (200); an expired mute counts as absent (201). "
        "Safe to retry with an `Idempotency-Key`.",
        parameters=[USER_ID, idempotency.IDEMPOTENCY_PARAMETER],
        request=MuteIn,
        responses={
            201: OpenApiResponse(MuteOut, description="Now muted."),
            200: OpenApiResponse(MuteOut, description="Already muted: the expiry replaced."),
            **errors(400, 409, 422, 429),
        },
        tags=TAGS,
    )
    @idempotency.idempotent
    def create(self, request: Request, user_id: str) -> Response:
        body = valid_body(MuteIn, request)
        mute, created = services.mute_create(
            caller=forward(request),
            user_id=uuid_arg(user_id, "user_id"),
            duration_seconds=body.get("duration_seconds"),
            mute_id=idempotency.seed(request),
        )
        return created_or_found(mute, created)

    @extend_schema(
        operation_id="mute_delete",
        summary="Unmute a user",
        description="Idempotent: 204 whether or not the caller muted the user.",
        parameters=[USER_ID],
        request=None,
        responses={204: OpenApiResponse(description="Not muted (any more)."), **errors(400, 429)},
        tags=TAGS,
    )
    def destroy(self, request: Request, user_id: str) -> Response:
        services.mute_remove(caller=forward(request), user_id=uuid_arg(user_id, "user_id"))
        return Response(status=204)

    @extend_schema(
        operation_id="mutes_list",
        summary="Users the caller mutes now",
        description="Expired mutes are left out.",
        parameters=PAGE_PARAMETERS,
        responses={200: paged(MuteOut, "Mutes, newest first."), **errors(400)},
        tags=TAGS,
    )
    def list(self, request: Request) -> Response:
        return callers_page(request, selectors.mutes_page)


class ExcludedIdsViewSet(GraphViewSet):
    @extend_schema(
        operation_id="user_excluded_ids",
        summary="Whose posts the user must not see (internal: the posts service)",
        description="Users the user blocks, users who block the user, users the user mutes "
        "now; each list at most 5000 ids. Only the user themself may ask (mutes are private): "
        "the posts service calls it with the caller's forwarded identity. In production only "
        "the posts service may call it (mesh AuthorizationPolicy).",
        parameters=[USER_ID],
        responses={200: ExcludedIdsOut, **errors(400, 403)},
        tags=TAGS,
    )
    def retrieve(self, request: Request, user_id: str) -> Response:
        wanted = uuid_arg(user_id, "user_id")
        if wanted != caller(request).user_id:
            raise Forbidden("Only the user themself may read their excluded ids.")
        found = selectors.excluded_ids(user_id=wanted)
        return Response({**found, "next_mute_expiry": rfc3339(found["next_mute_expiry"])})
