"""The caller's privacy settings and the follow requests they receive (docs/safety.md)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from followers import selectors, services
from followers.openapi import USER_ID, errors
from followers.serializers import FollowOut, PrivacyIn, PrivacyOut, RequestOut
from followers.views.base import GraphViewSet, callers_page, created_or_found
from hornet import idempotency
from hornet.authentication import caller, forward
from hornet.ids import uuid_arg
from hornet.pagination import PAGE_PARAMETERS, paged
from hornet.serializers import valid_body

TAGS = ["privacy"]


class MeViewSet(GraphViewSet):
    @extend_schema(
        operation_id="me_retrieve",
        summary="The caller's privacy settings",
        responses={200: PrivacyOut, **errors()},
        tags=TAGS,
    )
    def retrieve(self, request: Request) -> Response:
        return Response(selectors.privacy_of(user_id=caller(request).user_id).as_dict())

    @extend_schema(
        operation_id="me_update",
        summary="Change the caller's privacy settings",
        description="Partial: only the fields given change. `locked`: follows of the caller "
        "become follow requests (existing followers stay; unlocking accepts no pending "
        "request). `hide_network`: others get 403 `network_hidden` for the caller's followers, "
        "following and mutual lists (counts stay public) and the caller's follows are never "
        "named in anyone's suggestions or mutual list.",
        request=PrivacyIn,
        responses={200: PrivacyOut, **errors(400, 429)},
        tags=TAGS,
    )
    def partial_update(self, request: Request) -> Response:
        body = valid_body(PrivacyIn, request)
        settings = services.privacy_update(caller=forward(request), **body)
        return Response(settings.as_dict())


class RequestViewSet(GraphViewSet):
    @extend_schema(
        operation_id="requests_list",
        summary="Follow requests the caller has received",
        parameters=PAGE_PARAMETERS,
        responses={200: paged(RequestOut, "Pending requests, newest first."), **errors(400)},
        tags=TAGS,
    )
    def list(self, request: Request) -> Response:
        return callers_page(request, selectors.requests_page)

    @extend_schema(
        operation_id="request_accept",
        summary="Accept a follow request",
        description="The requester now follows the caller (201, the follow). Idempotent: when "
        "they already follow the caller, 200 with that follow; no request and no follow: 404. "
        "Safe to retry with an `Idempotency-Key`.",
        parameters=[USER_ID, idempotency.IDEMPOTENCY_PARAMETER],
        request=None,
        responses={
            201: OpenApiResponse(FollowOut, description="Accepted: the new follow."),
            200: OpenApiResponse(FollowOut, description="Already following: the follow."),
            **errors(400, 404, 409, 422, 429),
        },
        tags=TAGS,
    )
    @idempotency.idempotent
    def accept(self, request: Request, user_id: str) -> Response:
        follow, created = services.request_accept(
            caller=forward(request),
            requester_id=uuid_arg(user_id, "user_id"),
            follow_id=idempotency.seed(request),
        )
        return created_or_found(follow, created)

    @extend_schema(
        operation_id="request_reject",
        summary="Reject a follow request",
        description="Idempotent: 204 whether or not a request was pending. The requester is "
        "not told. Safe to retry with an `Idempotency-Key`.",
        parameters=[USER_ID, idempotency.IDEMPOTENCY_PARAMETER],
        request=None,
        responses={
            204: OpenApiResponse(description="No request (any more)."),
            **errors(400, 409, 422, 429),
        },
        tags=TAGS,
    )
    @idempotency.idempotent
    def reject(self, request: Request, user_id: str) -> Response:
        services.request_reject(caller=forward(request), requester_id=uuid_arg(user_id, "user_id"))
        return Response(status=204)
