"""Internal: user ids by username, for the posts service's ``@mention`` resolution."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from followers.openapi import errors
from followers.selectors.usernames import MAX_USERNAMES, user_ids_by_username
from followers.views.base import GraphViewSet
from hornet.errors import InvalidInput
from hornet.openapi import ALICE, BOB

USERNAME_MAX_LENGTH = 100


def _usernames(request: Request) -> list[str]:
    names = request.query_params.getlist("username")
    if not 1 <= len(names) <= MAX_USERNAMES:
        raise InvalidInput.for_field("username", f"Give 1 to {MAX_USERNAMES} usernames.")
    if any(not 1 <= len(name) <= USERNAME_MAX_LENGTH for name in names):
        raise InvalidInput.for_field(
            "username", f"Each username has 1 to {USERNAME_MAX_LENGTH} characters."
        )
    return names


class UsernameViewSet(GraphViewSet):
    @extend_schema(
        operation_id="users_ids_by_username",
        summary="Internal: the user ids of up to 50 usernames",
        description="Answers `{username: user_id}` for the usernames the graph knows; unknown "
        "ones are left out. The posts service resolves `@mentions` with it.",
        parameters=[
            OpenApiParameter(
                "username",
                {
                    "type": "array",
                    "items": {"type": "string", "minLength": 1, "maxLength": USERNAME_MAX_LENGTH},
                    "minItems": 1,
                    "maxItems": MAX_USERNAMES,
                },
                OpenApiParameter.QUERY,
                required=True,
                explode=True,
                description=f"A username; repeat the parameter for more (1 to {MAX_USERNAMES}).",
            )
        ],
        responses={
            200: OpenApiResponse(
                {
                    "type": "object",
                    "additionalProperties": {"type": "string", "format": "uuid"},
                    "example": {"alice": ALICE, "bob": BOB},
                },
                description="User id by username.",
            ),
            **errors(400),
        },
        tags=["internal"],
    )
    def ids(self, request: Request) -> Response:
        found = user_ids_by_username(usernames=_usernames(request))
        return Response({name: str(user_id) for name, user_id in found.items()})
