"""HTTP for notifications: the grouped list, the unread count, the read marker and the policy
(the followers service's "follow requested" signal is with the other signals, posts.feed_views).
Parse, call, render."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hornet.authentication import caller, forward
from hornet.errors import InvalidInput
from hornet.pagination import PAGE_PARAMETERS, page_params, page_response, paged
from hornet.serializers import valid_body
from hornet.timestamps import rfc3339
from posts.notifications import reads
from posts.notifications.serializers import (
    MarkerOut,
    NotificationGroupOut,
    PolicyIn,
    ReadIn,
    UnreadOut,
    group_json,
)
from posts.notifications.store import TYPES, UserSettings, policy_set, settings_get
from posts.openapi import PostsAutoSchema, errors

UNREAD_DEFAULT, UNREAD_MAX = 100, 1000
TAGS = ["notifications"]


class NotificationsAPIView(APIView):
    """Base of the notification views: posts' schema rules (PostsAutoSchema)."""

    schema = PostsAutoSchema()


def _policy(found: UserSettings) -> Response:
    return Response({"only_from_following": found.only_from_following})


def _types(request: Request) -> list[str] | None:
    # Every item must be a type: an empty one (``types=``, ``types=like,``) is refused, as
    # the schema's enum says, not read as "no filter".
    raw = [t for v in request.query_params.getlist("types") for t in v.split(",")]
    wrong = sorted(set(raw) - set(TYPES))
    if wrong:
        raise InvalidInput.for_field("types", f"Unknown types {wrong}; one of {list(TYPES)}.")
    return sorted(set(raw)) or None


class NotificationsView(NotificationsAPIView):
    @extend_schema(
        operation_id="notifications_list",
        summary="Your notifications, grouped, newest first",
        description="Likes and shares of one post are one group, as are the follows of one "
        "day (`notifications_count`, the latest actors in `sample_account_ids`); replies, "
        "mentions, follow requests and accepted requests are one each. Nothing from users you "
        "block, are blocked by or mute; with the policy `only_from_following`, replies, "
        "mentions, likes and shares only from people you follow. Kept 90 days. A group is "
        "listed once, where its newest notification falls (docs/notifications.md).",
        parameters=[
            OpenApiParameter(
                "types",
                {"type": "array", "items": {"type": "string", "enum": list(TYPES)}},
                OpenApiParameter.QUERY,
                description="Only these types (repeat the parameter or separate by commas).",
                explode=True,
            ),
            *PAGE_PARAMETERS,
        ],
        responses={200: paged(NotificationGroupOut, "Notification groups."), **errors(400)},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        params, types = page_params(request), _types(request)
        reader = reads.reader_for(forward(request))
        page = reads.groups_page(reader, limit=params.limit, after=params.after, types=types)
        return page_response(request, [group_json(g) for g in page.items], page.next_cursor)


class UnreadCountView(NotificationsAPIView):
    @extend_schema(
        operation_id="notifications_unread_count",
        summary="How many notifications are unread",
        description="Notifications (not groups) after your read marker, counted up to `limit` "
        f"(default {UNREAD_DEFAULT}, at most {UNREAD_MAX}), with the same filters as the list.",
        parameters=[
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": UNREAD_MAX},
                OpenApiParameter.QUERY,
                description="The count's cap.",
            )
        ],
        responses={200: UnreadOut, **errors(400)},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        cap = page_params(request, default_limit=UNREAD_DEFAULT, max_limit=UNREAD_MAX).limit
        reader = reads.reader_for(forward(request))
        count = reads.unread_count(reader, cap=cap)
        return Response({"count": count, "read_up_to": rfc3339(reader.read_up_to)})


class ReadMarkerView(NotificationsAPIView):
    @extend_schema(
        operation_id="notifications_read",
        summary="Mark notifications read",
        description="Everything up to `up_to`, or up to the notification `id` (for example a "
        "group's `most_recent_notification_id`), is read. The marker only moves forward: an "
        "older one changes nothing. An `id` that is not one of yours: 404.",
        request=ReadIn,
        responses={200: MarkerOut, **errors(400, 404)},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        body = valid_body(ReadIn, request)
        marker = reads.read_up_to(
            user_id=caller(request).user_id, up_to=body.get("up_to"), entry_id=body.get("id")
        )
        return Response({"read_up_to": rfc3339(marker)})


class PolicyView(NotificationsAPIView):
    @extend_schema(
        operation_id="notifications_policy",
        summary="Your notification policy",
        responses={200: PolicyIn, **errors()},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        return _policy(settings_get(caller(request).user_id))

    @extend_schema(
        operation_id="notifications_policy_set",
        summary="Set your notification policy",
        description="`only_from_following`: leave out replies, mentions, likes and shares by "
        "accounts you do not follow (follows and follow requests always come through). "
        "Applied when reading, so switching it off shows them again.",
        request=PolicyIn,
        responses={200: PolicyIn, **errors(400, 429)},
        tags=TAGS,
    )
    def put(self, request: Request) -> Response:
        body = valid_body(PolicyIn, request)
        return _policy(policy_set(caller(request).user_id, **body))
