"""Input validation (DRF serializers) and output (a plain-dict builder plus its schema twin).

Unknown body fields are refused with a 400 naming them: a misspelt ``parent_post_id`` must
not silently create a top-level post. Fields the server sets (``id``, ``author_id``, the
counters, the timestamps) are unknown input too; the author is always the caller.
"""

from collections.abc import Mapping
from typing import Any

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from hornet.openapi import ALICE, BOB, example
from hornet.serializers import (
    StrictBooleanField,
    StrictCharField,
    StrictFieldsSerializer,
    StrictUUIDField,
)
from hornet.text import VISIBLE_CHAR
from hornet.timestamps import rfc3339
from posts.documents import CONTENT_MAX
from posts.safety import CHANGES

# One character that shows: not whitespace, not a zero-width or other invisible character
# (hornet.text, the table post_create checks content against).
_NOT_BLANK = VISIBLE_CHAR


def _content(**kwargs: Any) -> StrictCharField:
    return StrictCharField(
        allow_null=True,
        allow_blank=True,
        max_length=CONTENT_MAX,
        help_text="1 to 5000 characters after trimming; optional (null or empty) on a share.",
        **kwargs,
    )


# Ids and times of the documented examples.
POST_ID, REPLY_ID = "5e1f7a2c-8d3b-4c6e-9f10-2a4b6c8d0e12", "7c3d9e1f-2a4b-4c6d-8e0f-1a2b3c4d5e6f"
POST_EXAMPLE = {
    "id": POST_ID,
    "author_id": ALICE,
    "content": "Exam week: the library stays open until midnight. #exams",
    "parent_post_id": None,
    "original_post_id": None,
    "replies_count": 1,
    "shares_count": 0,
    "likes_count": 3,
    "mentions": [],
    "tags": ["exams"],
    "liked": True,
    "bookmarked": False,
    "created_at": "2026-11-30T09:15:00.123Z",
    "edited_at": None,
}
REPLY_EXAMPLE = {
    **POST_EXAMPLE,
    "id": REPLY_ID,
    "author_id": BOB,
    "content": "Thanks @alice! See you on the third floor.",
    "parent_post_id": POST_ID,
    "replies_count": 0,
    "likes_count": 0,
    "mentions": [ALICE],
    "tags": [],
    "liked": False,
    "created_at": "2026-11-30T09:20:41.007Z",
}


@extend_schema_serializer(
    component_name="PostCreate",
    examples=[
        example("A post", {"content": POST_EXAMPLE["content"]}, request=True),
        example(
            "A reply",
            {"content": REPLY_EXAMPLE["content"], "parent_post_id": POST_ID},
            request=True,
        ),
        example("A share", {"original_post_id": POST_ID}, request=True),
    ],
)
class PostCreateIn(StrictFieldsSerializer):
    """A post; with ``parent_post_id`` a reply, with ``original_post_id`` a share."""

    content = _content(required=False)
    parent_post_id = StrictUUIDField(
        required=False, allow_null=True, help_text="Makes the post a reply to this post."
    )
    original_post_id = StrictUUIDField(
        required=False, allow_null=True, help_text="Makes the post a share of this post."
    )

    # What post_create checks, in OpenAPI terms: text unless a share; not both references.
    openapi_rules = {
        "properties": {"content": {"pattern": r"^[^\x00]*$"}},  # DRF refuses NUL characters
        "anyOf": [
            {
                "required": ["original_post_id"],
                "properties": {"original_post_id": {"type": "string"}},
            },
            {
                "required": ["content"],
                "properties": {"content": {"type": "string", "pattern": _NOT_BLANK}},
            },
        ],
        "not": {
            "required": ["parent_post_id", "original_post_id"],
            "properties": {
                "parent_post_id": {"type": "string"},
                "original_post_id": {"type": "string"},
            },
        },
    }


@extend_schema_serializer(
    component_name="PostEdit",
    examples=[
        example(
            "New content",
            {"content": "Exam week: the library stays open until 2 am."},
            request=True,
        )
    ],
)
class PostEditIn(StrictFieldsSerializer):
    """New content for the caller's post (may be null or empty only on a share)."""

    content = _content(required=True)

    # Declared as text: null or blank content is accepted only when the post is a share,
    # which the request alone cannot show.
    openapi_rules = {
        "properties": {
            "content": {"nullable": False, "pattern": rf"^[^\x00]*{_NOT_BLANK}[^\x00]*$"}
        }
    }

    # PATCH carries the one editable field, so ``content`` stays required. DRF and the
    # schema generator flip ``partial`` on for PATCH; this keeps it off for both.
    @property
    def partial(self) -> bool:
        return False

    @partial.setter
    def partial(self, value: bool) -> None:
        pass


@extend_schema_serializer(
    component_name="FollowingChanged",
    examples=[example("Followed bob", {"followee_id": BOB, "following": True}, request=True)],
)
class FollowingChangedIn(StrictFieldsSerializer):
    """The followers service's signal: whom the caller followed or unfollowed (both optional:
    without them the caller's timeline is rebuilt). With ``follower_id`` the caller (a locked
    user) accepted that user's follow request: the change is the follower's, and
    ``followee_id`` must be the caller."""

    followee_id = StrictUUIDField(required=False)
    following = StrictBooleanField(required=False)
    follower_id = StrictUUIDField(
        required=False, help_text="The requester whose follow the caller accepted."
    )
    follow_id = StrictUUIDField(
        required=False,
        help_text="The new follow's id: with `following` true, the followee (or, with "
        "`follower_id`, the follower) is notified once per id (docs/notifications.md).",
    )

    # With follower_id, followee_id is required (and is the caller: a 403 otherwise).
    openapi_rules = {
        "anyOf": [{"not": {"required": ["follower_id"]}}, {"required": ["followee_id"]}]
    }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "follower_id" in attrs and "followee_id" not in attrs:
            raise serializers.ValidationError({"followee_id": ["Required with follower_id."]})
        return attrs


@extend_schema_serializer(
    component_name="RelationshipChanged",
    examples=[example("Blocked bob", {"user_id": BOB, "change": "block"}, request=True)],
)
class RelationshipChangedIn(StrictFieldsSerializer):
    """The followers service's signal: the caller blocked, unblocked, muted or unmuted
    ``user_id``."""

    user_id = StrictUUIDField(help_text="The other user.")
    change = serializers.ChoiceField(choices=list(CHANGES))


@extend_schema_serializer(
    component_name="Post",
    examples=[example("A post", POST_EXAMPLE)],
)
class PostOut(serializers.Serializer):
    """What ``post_json`` returns, declared for the OpenAPI schema (v1 field names)."""

    id = serializers.UUIDField()
    author_id = serializers.UUIDField()
    content = serializers.CharField(help_text="Empty only on a share without text.")
    parent_post_id = serializers.UUIDField(allow_null=True)
    original_post_id = serializers.UUIDField(
        allow_null=True, help_text="May name a deleted post: shares outlive their original."
    )
    replies_count = serializers.IntegerField(min_value=0)
    shares_count = serializers.IntegerField(min_value=0)
    likes_count = serializers.IntegerField(min_value=0)
    mentions = serializers.ListField(
        child=serializers.UUIDField(),
        help_text="Ids of the users the content mentions (`@username` resolved when written).",
    )
    tags = serializers.ListField(
        child=serializers.CharField(),
        help_text="The content's hashtags, normalised (NFKC, case-folded), without `#`.",
    )
    liked = serializers.BooleanField(help_text="Whether the caller likes this post.")
    bookmarked = serializers.BooleanField(help_text="Whether the caller bookmarked this post.")
    created_at = serializers.DateTimeField(help_text="RFC 3339, UTC, millisecond precision.")
    edited_at = serializers.DateTimeField(allow_null=True)


@extend_schema_serializer(
    component_name="PostContext",
    examples=[
        example(
            "A post with one reply",
            {"ancestors": [], "post": POST_EXAMPLE, "replies": [REPLY_EXAMPLE]},
        )
    ],
)
class PostContextOut(serializers.Serializer):
    """A post with its ancestors (root first) and its first replies (oldest first)."""

    ancestors = PostOut(many=True, help_text="From the root down to the parent.")
    post = PostOut()
    replies = PostOut(many=True, help_text="First page of direct replies, oldest first.")


def _id(value: Any) -> str | None:
    return None if value is None else str(value)


def post_json(row: Mapping[str, Any]) -> dict[str, Any]:
    """A stored post document (``_id``...) as API JSON; hot path, so no serializer machinery.
    The caller's ``liked``/``bookmarked`` are added by ``posts.viewer.posts_out``."""
    return {
        "id": str(row["_id"]),
        "author_id": str(row["author_id"]),
        "content": row.get("content") or "",
        "parent_post_id": _id(row.get("parent_post_id")),
        "original_post_id": _id(row.get("original_post_id")),
        "replies_count": row.get("replies_count", 0),
        "shares_count": row.get("shares_count", 0),
        "likes_count": row.get("likes_count", 0),
        "mentions": [str(user) for user in row.get("mentions") or ()],
        "tags": list(row.get("tags") or ()),
        "created_at": rfc3339(row["created_at"]),
        "edited_at": rfc3339(row.get("edited_at")),
    }
