"""One user: relationship view, follower and following lists, counts, ids, mutual follows."""

from collections.abc import Callable

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from followers import selectors
from followers.openapi import USER_ID, errors
from followers.serializers import CountOut, FollowOut, RelationshipOut, UserRefOut
from followers.types import Follow
from followers.views.base import GraphViewSet
from hornet.authentication import caller
from hornet.ids import uuid_arg
from hornet.pagination import PAGE_PARAMETERS, Page, page_params, page_response, paged

TAGS = ["users"]
LIST_PARAMETERS = [USER_ID, *PAGE_PARAMETERS]
IDS_PARAMETERS = [
    USER_ID,
    OpenApiParameter(
        "limit",
        {"type": "integer", "minimum": 1, "maximum": 5000},
        OpenApiParameter.QUERY,
        description="Page size, 1 to 5000 (default 5000): one call returns every id for "
        "almost every user.",
    ),
    *[p for p in PAGE_PARAMETERS if p.name == "cursor"],
]
TOTAL_HEADER = OpenApiParameter(
    "X-Total-Count",
    OpenApiTypes.INT,
    OpenApiParameter.HEADER,
    response=[200],
    description="How many mutual follows there are in all (for 'followed by A, B and 3 others').",
)
FOLLOWERS_TOTAL_HEADER = OpenApiParameter(
    "X-Total-Count",
    OpenApiTypes.INT,
    OpenApiParameter.HEADER,
    response=[200],
    description="How many follow the user (first page only).",
)
VISIBILITY = (
    "A block between the caller and the user, either way, is a 403 `blocked`; a user who hides "
    "their network answers others 403 `network_hidden` (the counts stay public). Users the "
    "caller blocks or is blocked by are left out of the list."
)
IDS_SCHEMA = {"type": "array", "items": {"type": "string", "format": "uuid"}}


def _ids_response(request: Request, page_of: Callable[..., Page[str]], user_id: str) -> Response:
    """A page of user ids (either direction), up to 5000 a page."""
    params = page_params(
        request,
        default_limit=settings.FOLLOWERS_IDS_PAGE_DEFAULT,
        max_limit=settings.FOLLOWERS_IDS_PAGE_MAX,
    )
    page = page_of(user_id=uuid_arg(user_id, "user_id"), limit=params.limit, after=params.after)
    return page_response(request, page.items, page.next_cursor)


def _follows_response(
    request: Request, page_of: Callable[..., Page[Follow]], user_id: str
) -> Response:
    """A page of follows (either direction) as the v1 JSON array with a ``Link`` header, as
    the caller may see it (followers.selectors.visibility)."""
    wanted = uuid_arg(user_id, "user_id")
    params = page_params(request)
    hidden = selectors.network_view(caller_id=caller(request).user_id, user_id=wanted)
    page = page_of(user_id=wanted, limit=params.limit, after=params.after, hidden=hidden)
    return page_response(request, [f.as_dict() for f in page.items], page.next_cursor)


class UserViewSet(GraphViewSet):
    @extend_schema(
        operation_id="user_relationship",
        summary="A user as the caller sees them",
        description="Counts, and whether the caller follows the user and the user follows "
        "the caller. A user the service has never seen has zero counts (not a 404).",
        parameters=[USER_ID],
        responses={200: RelationshipOut, **errors(400)},
        tags=TAGS,
    )
    def retrieve(self, request: Request, user_id: str) -> Response:
        found = selectors.relationship(
            caller_id=caller(request).user_id, user_id=uuid_arg(user_id, "user_id")
        )
        return Response(found.as_dict())

    @extend_schema(
        operation_id="user_followers",
        summary="Who follows the user",
        description=VISIBILITY,
        parameters=LIST_PARAMETERS,
        responses={200: paged(FollowOut, "Follows received, newest first."), **errors(400, 403)},
        tags=TAGS,
    )
    def followers(self, request: Request, user_id: str) -> Response:
        return _follows_response(request, selectors.followers_page, user_id)

    @extend_schema(
        operation_id="user_following",
        summary="Whom the user follows",
        description=VISIBILITY,
        parameters=LIST_PARAMETERS,
        responses={200: paged(FollowOut, "Follows made, newest first."), **errors(400, 403)},
        tags=TAGS,
    )
    def following(self, request: Request, user_id: str) -> Response:
        return _follows_response(request, selectors.following_page, user_id)

    @extend_schema(
        operation_id="user_following_ids",
        summary="Ids of the users the user follows (internal: the posts service's feed)",
        description="A compact JSON array of user ids, newest follow first, paged like every "
        'list (`Link: rel="next"`) but up to 5000 per page. In production only the posts '
        "service may call it (mesh AuthorizationPolicy).",
        parameters=IDS_PARAMETERS,
        responses={
            200: OpenApiResponse(IDS_SCHEMA, description="Paged: see the `Link` header."),
            **errors(400),
        },
        tags=TAGS,
    )
    def following_ids(self, request: Request, user_id: str) -> Response:
        return _ids_response(request, selectors.following_ids_page, user_id)

    @extend_schema(
        operation_id="user_follower_ids",
        summary="Ids of the user's followers (internal: the posts service's fan-out worker)",
        description="A compact JSON array of user ids, newest follow first, paged like "
        "`following/ids`; `X-Total-Count` on the first page gives the number of followers "
        "(the worker skips fan-out for accounts above its threshold). In production only the "
        "fan-out workload may call it (mesh AuthorizationPolicy).",
        parameters=[*IDS_PARAMETERS, FOLLOWERS_TOTAL_HEADER],
        responses={
            200: OpenApiResponse(IDS_SCHEMA, description="Paged: see the `Link` header."),
            **errors(400),
        },
        tags=TAGS,
    )
    def follower_ids(self, request: Request, user_id: str) -> Response:
        response = _ids_response(request, selectors.follower_ids_page, user_id)
        if request.query_params.get("cursor") is None:
            counts = selectors.follow_counts(user_id=uuid_arg(user_id, "user_id"))
            response["X-Total-Count"] = str(counts.followers)
        return response

    @extend_schema(
        operation_id="user_followers_count",
        summary="How many follow the user",
        parameters=[USER_ID],
        responses={200: CountOut, **errors(400)},
        tags=TAGS,
    )
    def followers_count(self, request: Request, user_id: str) -> Response:
        counts = selectors.follow_counts(user_id=uuid_arg(user_id, "user_id"))
        return Response({"count": counts.followers})

    @extend_schema(
        operation_id="user_following_count",
        summary="How many the user follows",
        parameters=[USER_ID],
        responses={200: CountOut, **errors(400)},
        tags=TAGS,
    )
    def following_count(self, request: Request, user_id: str) -> Response:
        counts = selectors.follow_counts(user_id=uuid_arg(user_id, "user_id"))
        return Response({"count": counts.following})

    @extend_schema(
        operation_id="user_mutual",
        summary="People the caller follows who follow the user",
        description="Most recently followed by the caller first; `X-Total-Count` gives the "
        "number of them in all. People who hide their network are left out. " + VISIBILITY,
        parameters=[*LIST_PARAMETERS, TOTAL_HEADER],
        responses={200: paged(UserRefOut, "Mutual follows."), **errors(400, 403)},
        tags=TAGS,
    )
    def mutual(self, request: Request, user_id: str) -> Response:
        me, wanted = caller(request).user_id, uuid_arg(user_id, "user_id")
        params = page_params(request)
        selectors.network_view(caller_id=me, user_id=wanted)  # or its 403
        page = selectors.mutual_page(
            caller_id=me,
            user_id=wanted,
            limit=params.limit,
            after=params.after,
        )
        headers = {"X-Total-Count": str(page.total or 0)}
        return page_response(request, [u.as_dict() for u in page.items], page.next_cursor, headers)
