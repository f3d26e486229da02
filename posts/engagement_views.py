"""HTTP for engagement: likes, bookmarks, a tag's timeline, the caller's mentions.

Like and bookmark are ``PUT`` (add) and ``DELETE`` (remove) on the post's sub-resource:
idempotent by method, so they take no Idempotency-Key; both answer the post as the caller now
sees it (``liked``, ``bookmarked``, ``likes_count``), the same on a repeat.
"""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from hornet.authentication import caller, forward
from hornet.ids import uuid_arg
from hornet.openapi import BOB, example
from hornet.pagination import PAGE_PARAMETERS, page_params, page_response, paged
from hornet.timestamps import rfc3339
from posts import bookmarks, likes, selectors, tags
from posts.marks import BOOKMARKS, LIKES, Marks
from posts.mentions import normalise_tag, valid_tag
from posts.openapi import POST_ID, PostsAutoSchema, errors
from posts.safety import exclusions_for, refuse_blocked
from posts.serializers import PostOut
from posts.viewer import post_out, posts_page


def hidden_users(request: Request) -> frozenset[UUID]:
    """Users whose likes, mentions and tagged posts the caller must not see: those the caller
    blocks or is blocked by (posts.safety; fail closed, 503, when none are known). The one
    place blocks apply to engagement; every list below leaves them out (likers here; tag and
    mention timelines by author in posts.tags)."""
    return exclusions_for(forward=forward(request)).hidden


@extend_schema_serializer(
    examples=[example("bob liked it", {"user_id": BOB, "liked_at": "2026-11-30T09:30:00.250Z"})]
)
class LikeOut(serializers.Serializer):
    """Who liked a post, and when."""

    user_id = serializers.UUIDField()
    liked_at = serializers.DateTimeField(help_text="RFC 3339, UTC, millisecond precision.")


def _mark(
    request: Request, id: str, change: Callable[..., bool], *, across_blocks: bool = True
) -> Response:
    """``change`` the caller's like or bookmark of the post; without ``across_blocks``, a
    block either way between the caller and the post's author is a 403 ``blocked``."""
    post_id = uuid_arg(id, "id")
    viewer = caller(request).user_id
    if not across_blocks:
        author = selectors.post_get(post_id=post_id)["author_id"]
        refuse_blocked(author, exclusions_for(forward=forward(request)))
    change(post_id=post_id, user_id=viewer)
    return Response(post_out(selectors.post_get(post_id=post_id), viewer))


def _mark_schema(
    operation_id: str, summary: str, description: str, tag: str, *, refused_blocked: bool = False
) -> Any:
    """The schema of a like or bookmark change: no body, the post back. Likes may answer 409:
    a concurrent like or unlike of the same post by the same caller outlasted the wait
    (posts.likes)."""
    statuses = (400, 404, 409, 429) if tag == "likes" else (400, 404, 429)
    if refused_blocked:  # 403 ``blocked`` across a block (``_mark``)
        statuses = (*statuses, 403)
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        description=description + " Answers the post as the caller now sees it.",
        parameters=[POST_ID],
        request=None,
        responses={200: PostOut, **errors(*statuses)},
        tags=[tag],
    )


class EngagementViewSet(viewsets.ViewSet):
    """Likes and bookmarks of posts, tag and mention timelines."""

    schema = PostsAutoSchema()

    @_mark_schema(
        "posts_like",
        "Like a post",
        "Idempotent: liking again changes nothing (`likes_count` counts each user once). "
        "A block either way between you and the author: 403 `blocked`.",
        "likes",
        refused_blocked=True,
    )
    def like(self, request: Request, id: str) -> Response:
        return _mark(request, id, likes.like_add_notified, across_blocks=False)

    @_mark_schema(
        "posts_unlike",
        "Remove your like",
        "Idempotent: unliking a post you do not like changes nothing.",
        "likes",
    )
    def unlike(self, request: Request, id: str) -> Response:
        return _mark(request, id, likes.like_remove)

    @extend_schema(
        operation_id="posts_likes",
        summary="Who liked a post, newest like first",
        parameters=[POST_ID, *PAGE_PARAMETERS],
        responses={200: paged(LikeOut, "Likes of the post."), **errors(400, 404)},
        tags=["likes"],
    )
    def likes(self, request: Request, id: str) -> Response:
        post_id = uuid_arg(id, "id")
        params = page_params(request)
        selectors.post_get(post_id=post_id)
        page = LIKES.post_page(
            post_id, limit=params.limit, after=params.after, hidden=hidden_users(request)
        )
        body = [{"user_id": str(r["u"]), "liked_at": rfc3339(r["t"])} for r in page.items]
        return page_response(request, body, page.next_cursor)

    @extend_schema(
        operation_id="posts_liked",
        summary="The posts you liked, most recently liked first",
        parameters=PAGE_PARAMETERS,
        responses={200: paged(PostOut, "Posts the caller likes."), **errors(400)},
        tags=["likes"],
    )
    def liked(self, request: Request) -> Response:
        return _marked_posts(request, LIKES)

    @_mark_schema(
        "posts_bookmark",
        "Bookmark a post (private)",
        "Idempotent. Bookmarks are seen only by their owner.",
        "bookmarks",
    )
    def bookmark(self, request: Request, id: str) -> Response:
        return _mark(request, id, bookmarks.bookmark_add)

    @_mark_schema("posts_unbookmark", "Remove your bookmark", "Idempotent.", "bookmarks")
    def unbookmark(self, request: Request, id: str) -> Response:
        return _mark(request, id, bookmarks.bookmark_remove)

    @extend_schema(
        operation_id="posts_bookmarks",
        summary="Your bookmarks, most recently bookmarked first",
        parameters=PAGE_PARAMETERS,
        responses={200: paged(PostOut, "The caller's bookmarked posts."), **errors(400)},
        tags=["bookmarks"],
    )
    def bookmarks(self, request: Request) -> Response:
        return _marked_posts(request, BOOKMARKS)

    @extend_schema(
        operation_id="posts_by_tag",
        summary="A hashtag's posts, newest first",
        description="The tag is matched as stored: normalised (NFKC, case folded), so "
        "`CS101`, `cs101` and their fullwidth forms name the same tag; a leading `#` (sent "
        "as `%23`) is ignored. A string no post can carry as a tag (docs/engagement.md) has "
        "no posts: `[]`.",
        parameters=[
            OpenApiParameter(
                "tag", OpenApiTypes.STR, OpenApiParameter.PATH, description="The tag."
            ),
            *PAGE_PARAMETERS,
        ],
        responses={200: paged(PostOut, "Posts with the tag; [] if none."), **errors(400)},
        tags=["tags"],
    )
    def tag(self, request: Request, tag: str) -> Response:
        name = normalise_tag(tag.removeprefix("#"))
        params = page_params(request)
        if not valid_tag(name):  # not a tag the parser stores: no post has it
            return page_response(request, [], None)
        hidden = hidden_users(request)
        page = tags.tag_page(tag=name, limit=params.limit, after=params.after, hidden=hidden)
        return posts_page(request, page)

    @extend_schema(
        operation_id="posts_mentions",
        summary="Posts mentioning you, newest first",
        parameters=PAGE_PARAMETERS,
        responses={200: paged(PostOut, "Posts that mention the caller."), **errors(400)},
        tags=["tags"],
    )
    def mentions(self, request: Request) -> Response:
        params = page_params(request)
        page = tags.mentions_page(
            user_id=caller(request).user_id,
            limit=params.limit,
            after=params.after,
            hidden=hidden_users(request),
        )
        return posts_page(request, page)


def _marked_posts(request: Request, kind: Marks) -> Response:
    params = page_params(request)
    page = kind.posts_page(caller(request).user_id, limit=params.limit, after=params.after)
    return posts_page(request, page)
