"""Request validation and the response shapes the OpenAPI schema documents.

Responses are built as plain dicts from followers.types (orjson renders them); the output
serializers here exist so ``@extend_schema`` can describe those dicts exactly.
"""

from rest_framework import serializers

from hornet.serializers import StrictFieldsSerializer, StrictIntegerField, StrictUUIDField

MUTE_MIN_SECONDS = 60
MUTE_MAX_SECONDS = 365 * 24 * 3600


class FollowIn(StrictFieldsSerializer):
    """Unknown fields are refused with a 400 naming them (as posts does)."""

    receiver_id = StrictUUIDField(help_text="The user to follow (Keycloak subject).")


class FollowOut(serializers.Serializer):
    id = serializers.UUIDField(help_text="The follow's id (use it to delete the follow).")
    sender_id = serializers.UUIDField(help_text="Who follows.")
    receiver_id = serializers.UUIDField(help_text="Who is followed.")
    created_at = serializers.DateTimeField(help_text="RFC 3339, UTC, millisecond precision.")


class CountOut(serializers.Serializer):
    count = serializers.IntegerField(min_value=0)


class UserRefOut(serializers.Serializer):
    user_id = serializers.UUIDField()
    username = serializers.CharField(allow_null=True, help_text="Null until the user is seen.")


class RelationshipOut(serializers.Serializer):
    user_id = serializers.UUIDField()
    username = serializers.CharField(allow_null=True)
    followers_count = serializers.IntegerField(min_value=0)
    following_count = serializers.IntegerField(min_value=0)
    following = serializers.BooleanField(help_text="The caller follows this user.")
    followed_by = serializers.BooleanField(help_text="This user follows the caller.")


class SuggestionOut(serializers.Serializer):
    user_id = serializers.UUIDField()
    username = serializers.CharField(allow_null=True)
    mutual_count = serializers.IntegerField(
        min_value=0, help_text="How many people you follow follow this user (0: cold start)."
    )
    mutuals = UserRefOut(many=True, help_text="Up to 3 of those people.")


class MuteIn(StrictFieldsSerializer):
    duration_seconds = StrictIntegerField(
        required=False,
        allow_null=True,
        min_value=MUTE_MIN_SECONDS,
        max_value=MUTE_MAX_SECONDS,
        help_text="How long the mute lasts, 60 s to 365 days; omitted or null: until unmuted.",
    )


class BlockOut(serializers.Serializer):
    user_id = serializers.UUIDField(help_text="The blocked (or muted) user.")
    username = serializers.CharField(allow_null=True, help_text="Null until the user is seen.")
    created_at = serializers.DateTimeField(help_text="Since when (RFC 3339, UTC).")


class MuteOut(BlockOut):
    expires_at = serializers.DateTimeField(
        allow_null=True, help_text="When the mute ends; null: until unmuted."
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
