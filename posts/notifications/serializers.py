"""Request and response shapes of the notification routes (with their OpenAPI examples)."""

from typing import Any

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from hornet.openapi import ALICE, BOB, CAROL, example
from hornet.serializers import StrictBooleanField, StrictFieldsSerializer, StrictUUIDField
from hornet.timestamps import rfc3339
from posts.notifications.store import TYPES

POST = "9f0e1d2c-3b4a-4596-8877-665544332211"
GROUP_EXAMPLE = {
    "group_key": "like:9f0e1d2c3b4a45968877665544332211",
    "type": "like",
    "notifications_count": 13,
    "sample_account_ids": [BOB, CAROL],
    "most_recent_notification_id": "0c5e6f2a-8d1b-5e3c-9a7f-2b4c6d8e0f1a",
    "latest_notification_at": "2026-11-30T09:30:00.250Z",
    "post_id": POST,
    "unread": True,
}


@extend_schema_serializer(
    component_name="NotificationGroup",
    examples=[example("bob, carol and 11 others liked your post", GROUP_EXAMPLE)],
)
class NotificationGroupOut(serializers.Serializer):
    """One group: likes or shares of one post, the follows of one day, or one notification."""

    group_key = serializers.CharField(help_text="Stable id of the group.")
    type = serializers.ChoiceField(choices=TYPES)
    notifications_count = serializers.IntegerField(
        min_value=1, help_text="Notifications in the group (exact up to 10000)."
    )
    sample_account_ids = serializers.ListField(
        child=serializers.UUIDField(), help_text="The latest actors, newest first (at most 8)."
    )
    most_recent_notification_id = serializers.UUIDField(
        help_text="The newest notification's id (a read marker may name it)."
    )
    latest_notification_at = serializers.DateTimeField(help_text="RFC 3339, UTC, ms.")
    post_id = serializers.UUIDField(
        allow_null=True,
        help_text="The post: the one liked or shared, the reply, the mentioning post; null "
        "for follows and requests.",
    )
    unread = serializers.BooleanField(help_text="Newer than the caller's read marker.")


def group_json(group: dict[str, Any]) -> dict[str, Any]:
    post = group["post_id"]
    return {
        **group,
        "sample_account_ids": [str(a) for a in group["sample_account_ids"]],
        "most_recent_notification_id": str(group["most_recent_notification_id"]),
        "latest_notification_at": rfc3339(group["latest_notification_at"]),
        "post_id": None if post is None else str(post),
    }


@extend_schema_serializer(
    component_name="NotificationsRead",
    examples=[
        example("Up to a time", {"up_to": "2026-11-30T09:30:00.250Z"}, request=True),
        example(
            "Up to a notification",
            {"id": GROUP_EXAMPLE["most_recent_notification_id"]},
            request=True,
        ),
    ],
)
class ReadIn(StrictFieldsSerializer):
    """Exactly one of ``up_to`` (a time) and ``id`` (a notification's id)."""

    up_to = serializers.DateTimeField(required=False)
    id = StrictUUIDField(required=False)

    openapi_rules = {"oneOf": [{"required": ["up_to"]}, {"required": ["id"]}]}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("up_to" in attrs) == ("id" in attrs):
            message = "Give exactly one of up_to and id."
            raise serializers.ValidationError({"up_to": [message], "id": [message]})
        return attrs


@extend_schema_serializer(
    component_name="NotificationsMarker",
    examples=[example("Read up to", {"read_up_to": "2026-11-30T09:30:00.250Z"})],
)
class MarkerOut(serializers.Serializer):
    read_up_to = serializers.DateTimeField(allow_null=True, help_text="RFC 3339, UTC, ms.")


@extend_schema_serializer(
    component_name="NotificationsUnread",
    examples=[example("Three unread", {"count": 3, "read_up_to": "2026-11-30T09:30:00.250Z"})],
)
class UnreadOut(serializers.Serializer):
    count = serializers.IntegerField(min_value=0, help_text="Capped at `limit`.")
    read_up_to = serializers.DateTimeField(allow_null=True)


@extend_schema_serializer(
    component_name="NotificationsPolicy",
    examples=[
        example("Only from people I follow", {"only_from_following": True}, request=True),
        example("Only from people I follow", {"only_from_following": True}),
    ],
)
class PolicyIn(StrictFieldsSerializer):
    """Drop replies, mentions, likes and shares by accounts the caller does not follow."""

    only_from_following = StrictBooleanField()


@extend_schema_serializer(
    component_name="FollowRequested",
    examples=[example("alice asked", {"followee_id": BOB, "request_id": ALICE}, request=True)],
)
class FollowRequestedIn(StrictFieldsSerializer):
    """The followers service's signal: the caller asked ``followee_id`` (locked) to follow."""

    followee_id = StrictUUIDField()
    request_id = StrictUUIDField(help_text="The request's id (retries repeat it).")


@extend_schema_serializer(
    component_name="FollowMade",
    examples=[
        example(
            "alice followed bob",
            {"followee_id": BOB, "follow_id": "7d7c0c1e-4f4b-4a52-9a1e-2f3c5b6d7e80"},
            request=True,
        )
    ],
)
class FollowMadeIn(StrictFieldsSerializer):
    """The followers service's resend of a new follow's notification: the caller now follows
    ``followee_id`` (or, with ``follower_id``, the caller accepted that user's request)."""

    followee_id = StrictUUIDField()
    follow_id = StrictUUIDField(help_text="The follow's id (resends repeat it).")
    follower_id = StrictUUIDField(
        required=False, help_text="The requester whose follow the caller accepted."
    )
