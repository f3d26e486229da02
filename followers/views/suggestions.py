"""Friend suggestions and dismissing one."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from followers import selectors, services
from followers.openapi import USER_ID, errors
from followers.serializers import SuggestionOut
from followers.views.base import GraphViewSet, callers_page
from hornet.authentication import caller
from hornet.ids import uuid_arg
from hornet.pagination import PAGE_PARAMETERS, paged

TAGS = ["suggestions"]


class SuggestionViewSet(GraphViewSet):
    @extend_schema(
        operation_id="suggestions_list",
        summary="Friend suggestions for the caller",
        description="Users followed by the people you follow, most mutual connections first "
        "(ties: more followers, then user id); never yourself, anyone you follow or anyone "
        "you dismissed. If that finds nobody: the most-followed users (mutual_count 0). "
        "By default each followee contributes at most 50 candidates and at most 200 "
        "followees are read, so very connected neighbourhoods stay fast.",
        parameters=PAGE_PARAMETERS,
        responses={200: paged(SuggestionOut, "Suggestions, best first."), **errors(400)},
        tags=TAGS,
    )
    def list(self, request: Request) -> Response:
        return callers_page(request, selectors.suggestions_for)

    @extend_schema(
        operation_id="suggestion_dismiss",
        summary="Dismiss a suggestion",
        description="The user no longer appears in the caller's suggestions. Idempotent.",
        parameters=[USER_ID],
        request=None,
        responses={204: OpenApiResponse(description="Dismissed."), **errors(400, 429)},
        tags=TAGS,
    )
    def dismiss(self, request: Request, user_id: str) -> Response:
        me = caller(request)
        services.suggestion_dismiss(
            user_id=me.user_id, dismissed_id=uuid_arg(user_id, "user_id"), username=me.username
        )
        return Response(status=204)
