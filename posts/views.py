"""HTTP for posts: parse, call a service or selector, render. No rules live here."""

from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from hornet import idempotency
from hornet.authentication import caller, forward
from hornet.ids import uuid_arg
from hornet.pagination import PAGE_PARAMETERS, Page, page_params, page_response, paged
from hornet.serializers import valid_body
from posts import selectors, services
from posts.openapi import POST_ID, PostsAutoSchema, errors, uuid_path
from posts.safety import exclusions_for
from posts.serializers import PostContextOut, PostCreateIn, PostEditIn, PostOut
from posts.tags import followers_resolver
from posts.threads import MAX_THREAD_DEPTH
from posts.viewer import post_out, posts_out, posts_page


class PostViewSet(viewsets.ViewSet):
    """Posts, replies and shares (v1 routes plus edit and thread context)."""

    schema = PostsAutoSchema()

    @extend_schema(
        operation_id="posts_create",
        summary="Create a post, a reply or a share",
        description="A reply sets `parent_post_id` (replies to replies are allowed, up to "
        f"{MAX_THREAD_DEPTH} levels: deeper is a 400 `thread_too_deep` naming "
        "`parent_post_id`); a share "
        "sets `original_post_id` and may omit `content`. Replying to or sharing a post whose "
        "author blocks the caller, or whom the caller blocks, is a 403 `blocked`. Unknown "
        "fields are refused (400). Safe to retry with an `Idempotency-Key`.",
        parameters=[idempotency.IDEMPOTENCY_PARAMETER],
        request=PostCreateIn,
        responses={201: PostOut, **errors(400, 403, 404, 409, 422, 429)},
    )
    @idempotency.idempotent
    def create(self, request: Request) -> Response:
        body = valid_body(PostCreateIn, request)
        refers = body.get("parent_post_id") or body.get("original_post_id")
        post = services.post_create(
            author_id=caller(request).user_id,
            post_id=idempotency.seed(request),
            resolve=followers_resolver(forward(request)),
            excluding=exclusions_for(forward=forward(request)) if refers else None,
            **body,
        )
        body = post_out(post.to_mongo(), caller(request).user_id)
        return Response(body, status.HTTP_201_CREATED, headers={"Location": f"/posts/{post.id}"})

    @extend_schema(
        operation_id="posts_retrieve",
        summary="Get a post",
        description="Any authenticated caller may read any post, except the posts (and shares "
        "of the posts) of a user they block or who blocks them: 404 as if absent.",
        parameters=[POST_ID],
        responses={200: PostOut, **errors(400, 404)},
    )
    def retrieve(self, request: Request, id: str) -> Response:
        post_id = uuid_arg(id, "id")
        excluding = exclusions_for(forward=forward(request))
        row = selectors.post_seen(post_id=post_id, excluding=excluding)
        return Response(post_out(row, caller(request).user_id))

    @extend_schema(
        operation_id="posts_edit",
        summary="Edit your post's content",
        description="Author only. Sets `edited_at`; shares keep pointing at the post.",
        parameters=[POST_ID],
        request=PostEditIn,
        responses={200: PostOut, **errors(400, 403, 404, 429)},
    )
    def partial_update(self, request: Request, id: str) -> Response:
        post_id = uuid_arg(id, "id")
        content = valid_body(PostEditIn, request)["content"]
        row = services.post_edit(
            post_id=post_id,
            actor_id=caller(request).user_id,
            content=content,
            resolve=followers_resolver(forward(request)),
        )
        return Response(post_out(row, caller(request).user_id))

    @extend_schema(
        operation_id="posts_delete",
        summary="Delete your post and all replies under it",
        description="Author only. Fixes the parent's `replies_count` and the original's "
        "`shares_count`. Shares of the post are kept (their original then answers 404).",
        parameters=[POST_ID],
        request=None,
        responses={204: OpenApiResponse(description="Deleted."), **errors(400, 403, 404, 429)},
    )
    def destroy(self, request: Request, id: str) -> Response:
        services.post_delete(post_id=uuid_arg(id, "id"), actor_id=caller(request).user_id)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        operation_id="posts_by_author",
        summary="A user's posts, newest first",
        description="Posts, replies and shares by the user. An unknown user has none: `[]`; "
        "nor has a user the caller blocks or is blocked by. Shares of their posts are left "
        "out of every timeline.",
        parameters=[uuid_path("author_id", "The author's user id."), *PAGE_PARAMETERS],
        responses={200: paged(PostOut, "The user's posts; [] if none."), **errors(400)},
    )
    def author(self, request: Request, author_id: str) -> Response:
        user_id = uuid_arg(author_id, "author_id")
        return _visible_page(request, selectors.posts_by_author_page, author_id=user_id)

    @extend_schema(
        operation_id="posts_replies",
        summary="Direct replies to a post, oldest first",
        description="Replies arriving while you page appear on later pages, never twice. "
        "Replies by users the caller blocks, is blocked by or mutes are left out; the post of "
        "a user the caller blocks or is blocked by answers 404.",
        parameters=[POST_ID, *PAGE_PARAMETERS],
        responses={200: paged(PostOut, "Replies."), **errors(400, 404)},
    )
    def replies(self, request: Request, id: str) -> Response:
        return _visible_page(request, selectors.replies_page, post_id=uuid_arg(id, "id"))

    @extend_schema(
        operation_id="posts_context",
        summary="A post's thread: ancestors to the root and the first replies",
        description="`limit` sizes the replies; when there are more, the `Link` header "
        '(rel="next") points at the next page of `/posts/{id}/replies`. What blocks and mutes '
        "hide is left out as in `GET /posts/{id}` and its replies.",
        parameters=[POST_ID, PAGE_PARAMETERS[0]],
        responses={200: PostContextOut, **errors(400, 404)},
    )
    def context(self, request: Request, id: str) -> Response:
        post_id = uuid_arg(id, "id")
        limit = page_params(request).limit
        excluding = exclusions_for(forward=forward(request))
        thread = selectors.post_context(post_id=post_id, limit=limit, excluding=excluding)
        rows = [*thread.ancestors, thread.post, *thread.replies.items]
        out = posts_out(rows, caller(request).user_id)  # one page of flags for the thread
        up = len(thread.ancestors)
        body = {"ancestors": out[:up], "post": out[up], "replies": out[up + 1 :]}
        replies = f"/posts/{post_id}/replies"
        return page_response(
            request, body, thread.replies.next_cursor, path=replies, query={"limit": limit}
        )


def _visible_page(request: Request, page_of: Callable[..., Page[Any]], **owner: Any) -> Response:
    """A page of one list of posts (``page_of(**owner, limit=, after=, excluding=)``) without
    what the caller's blocks and mutes hide."""
    params = page_params(request)
    excluding = exclusions_for(forward=forward(request))
    page = page_of(**owner, limit=params.limit, after=params.after, excluding=excluding)
    return posts_page(request, page)
