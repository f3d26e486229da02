"""Request validation and the response shapes the OpenAPI schema documents.

Responses are built as plain dicts from followers.types (orjson renders them); the output
serializers here exist so ``@extend_schema`` can describe those dicts exactly.
"""

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from hornet.openapi import ALICE, BOB, CAROL, example
from hornet.serializers import (
    StrictBooleanField,
    StrictFieldsSerializer,
    StrictIntegerField,
    StrictUUIDField,
)

MUTE_MIN_SECONDS = 60
MUTE_MAX_SECONDS = 365 * 24 * 3600


@extend_schema_serializer(examples=[example("Follow bob", {"receiver_id": BOB}, request=True)])
class FollowIn(StrictFieldsSerializer):
    """Unknown fields are refused with a 400 naming them (as posts does)."""

    receiver_id = StrictUUIDField(help_text="The user to follow (Keycloak subject).")


@extend_schema_serializer(
    examples=[
        example(
            "alice follows bob",
            {
                "id": "0f0e0d0c-0b0a-4908-8706-050403020100",
                "sender_id": ALICE,
                "receiver_id": BOB,
                "created_at": "2026-11-30T09:15:00.123Z",
            },
        )
    ]
)
class FollowOut(serializers.Serializer):
    id = serializers.UUIDField(help_text="The follow's id (use it to delete the follow).")
    sender_id = serializers.UUIDField(help_text="Who follows.")
    receiver_id = serializers.UUIDField(help_text="Who is followed.")
    created_at = serializers.DateTimeField(help_text="RFC 3339, UTC, millisecond precision.")


@extend_schema_serializer(
    examples=[
        example(
            "alice asked to follow locked bob",
            {
                "id": "0f0e0d0c-0b0a-4908-8706-050403020100",
                "sender_id": ALICE,
                "receiver_id": BOB,
                "created_at": "2026-11-30T09:15:00.123Z",
                "status": "requested",
            },
            status=202,
        )
    ]
)
class FollowRequestOut(FollowOut):
    status = serializers.ChoiceField(
        ["requested"], help_text="Always `requested`: the user is locked and must accept."
    )


@extend_schema_serializer(examples=[example("A count", {"count": 42})])
class CountOut(serializers.Serializer):
    count = serializers.IntegerField(min_value=0)


@extend_schema_serializer(examples=[example("carol", {"user_id": CAROL, "username": "carol"})])
class UserRefOut(serializers.Serializer):
    user_id = serializers.UUIDField()
    username = serializers.CharField(allow_null=True, help_text="Null until the user is seen.")


@extend_schema_serializer(
    examples=[
        example(
            "bob, seen by alice",
            {
                "user_id": BOB,
                "username": "bob",
                "followers_count": 12,
                "following_count": 30,
                "following": True,
                "followed_by": False,
            },
        )
    ]
)
class RelationshipOut(serializers.Serializer):
    user_id = serializers.UUIDField()
    username = serializers.CharField(allow_null=True)
    followers_count = serializers.IntegerField(min_value=0)
    following_count = serializers.IntegerField(min_value=0)
    following = serializers.BooleanField(help_text="The caller follows this user.")
    followed_by = serializers.BooleanField(help_text="This user follows the caller.")


@extend_schema_serializer(
    examples=[
        example(
            "carol, followed by bob",
            {
                "user_id": CAROL,
                "username": "carol",
                "mutual_count": 1,
                "mutuals": [{"user_id": BOB, "username": "bob"}],
            },
        )
    ]
)
class SuggestionOut(serializers.Serializer):
    user_id = serializers.UUIDField()
    username = serializers.CharField(allow_null=True)
    mutual_count = serializers.IntegerField(
        min_value=0, help_text="How many people you follow follow this user (0: cold start)."
    )
    mutuals = UserRefOut(many=True, help_text="Up to 3 of those people.")


@extend_schema_serializer(
    examples=[example("Mute for a day", {"duration_seconds": 86400}, request=True)]
)
class MuteIn(StrictFieldsSerializer):
    duration_seconds = StrictIntegerField(
        required=False,
        allow_null=True,
        min_value=MUTE_MIN_SECONDS,
        max_value=MUTE_MAX_SECONDS,
        help_text="How long the mute lasts, 60 s to 365 days; omitted or null: until unmuted.",
    )


@extend_schema_serializer(
    examples=[
        example(
            "carol, blocked",
            {"user_id": CAROL, "username": "carol", "created_at": "2026-11-30T09:15:00.123Z"},
        )
    ]
)
class BlockOut(serializers.Serializer):
    user_id = serializers.UUIDField(help_text="The blocked (or muted) user.")
    username = serializers.CharField(allow_null=True, help_text="Null until the user is seen.")
    created_at = serializers.DateTimeField(help_text="Since when (RFC 3339, UTC).")


@extend_schema_serializer(
    examples=[
        example(
            "carol, muted for a day",
            {
                "user_id": CAROL,
                "username": "carol",
                "created_at": "2026-11-30T09:15:00.123Z",
                "expires_at": "2026-12-01T09:15:00.123Z",
            },
        )
    ]
)
class MuteOut(BlockOut):
    expires_at = serializers.DateTimeField(
        allow_null=True, help_text="When the mute ends; null: until unmuted."
    )


@extend_schema_serializer(
    examples=[
        example(
            "alice's",
            {
                "blocked": [CAROL],
                "blocked_by": [],
                "muted": [BOB],
                "next_mute_expiry": "2026-12-01T09:15:00.123Z",
            },
        )
    ]
)
class ExcludedIdsOut(serializers.Serializer):
    blocked = serializers.ListField(
        child=serializers.UUIDField(), help_text="Users this user blocks (at most 5000)."
    )
    blocked_by = serializers.ListField(
        child=serializers.UUIDField(), help_text="Users who block this user (at most 5000)."
    )
    muted = serializers.ListField(
        child=serializers.UUIDField(),
        help_text="Users this user mutes now, expired mutes left out (at most 5000).",
    )
    next_mute_expiry = serializers.DateTimeField(
        allow_null=True,
        help_text="When the soonest of these mutes ends (null: none ends by itself): the "
        "lists hold until then unless the user blocks, mutes or is blocked again.",
    )


@extend_schema_serializer(
    examples=[
        example(
            "alice asks",
            {"user_id": ALICE, "username": "alice", "created_at": "2026-11-30T09:15:00.123Z"},
        )
    ]
)
class RequestOut(BlockOut):
    """A follow request received: who asks, and since when."""


@extend_schema_serializer(examples=[example("Lock my account", {"locked": True}, request=True)])
class PrivacyIn(StrictFieldsSerializer):
    locked = StrictBooleanField(
        required=False, help_text="Follows of you become requests you accept or reject."
    )
    hide_network = StrictBooleanField(
        required=False, help_text="Only you see whom you follow and who follows you."
    )


@extend_schema_serializer(
    examples=[
        example(
            "bob's settings",
            {"user_id": BOB, "username": "bob", "locked": True, "hide_network": False},
        )
    ]
)
class PrivacyOut(serializers.Serializer):
    user_id = serializers.UUIDField()
    username = serializers.CharField(allow_null=True)
    locked = serializers.BooleanField()
    hide_network = serializers.BooleanField()
