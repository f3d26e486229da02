"""Mentions and hashtags on posts: what a post stores (from posts.mentions' parser) and the
two timelines they give, a tag's posts and the posts mentioning a user.

Mentioned usernames become user ids through a ``Resolver``: the API's asks the followers
service (one call per post, the caller's headers forwarded); if that service cannot answer,
the post is still written and its mentions stay plain text (``mentions`` then lacks them:
nothing is retried later). Stored fields: ``tags`` (normalised) and ``mentions`` (user ids),
each only when not empty, each with a multikey index ``(field, created_at desc, _id desc)``.

Both timelines are newest first and page with the timelines' cursor rules (posts.queries): one
bounded index range per page, from the cursor. Unlike the author timelines they are not read in
windows (posts.windows needs per-list statistics that tags do not have yet), so on SecantusDB a
page of a very large tag reads its range from the cursor to the end.
"""

import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any
from uuid import UUID

from hornet.headers import Forward
from hornet.pagination import Page
from posts.clients import FollowersUnavailable, followers_client
from posts.db import query_ms
from posts.documents import ANCESTORS, posts_collection
from posts.mentions import parse
from posts.queries import DESC, TimeKey, after_filter, planned
from posts.selectors import Row, page_of

log = logging.getLogger(__name__)

# usernames -> {username: user id} for those that exist (the others are left out)
Resolver = Callable[[Sequence[str]], Mapping[str, UUID]]


def no_resolution(usernames: Sequence[str]) -> Mapping[str, UUID]:
    return {}


def followers_resolver(forward: Forward) -> Resolver:
    """Resolve through the followers service as the caller; nothing when it is unavailable."""

    def resolve(usernames: Sequence[str]) -> Mapping[str, UUID]:
        if not usernames:
            return {}
        try:
            return followers_client().user_ids(forward, list(usernames))
        except FollowersUnavailable:
            log.warning("mentions left unresolved: the followers service is unavailable")
            return {}

    return resolve


def engagement_fields(content: str | None, resolve: Resolver) -> dict[str, list[Any]]:
    """``{"mentions": [user ids], "tags": [...]}`` of this content (empty lists included)."""
    parsed = parse(content)
    found = resolve(parsed.mentions) if parsed.mentions else {}
    ids = [found[name] for name in parsed.mentions if name in found]
    return {"mentions": list(dict.fromkeys(ids)), "tags": parsed.tags}


def stored_change(fields: Mapping[str, list[Any]]) -> dict[str, dict[str, Any]]:
    """The ``$set``/``$unset`` an edit applies: empty lists are not stored."""
    change: dict[str, dict[str, Any]] = {"$set": {}, "$unset": {}}
    for name, value in fields.items():
        if value:
            change["$set"][name] = value
        else:
            change["$unset"][name] = ""
    return {op: values for op, values in change.items() if values}


def blocked_filter(hidden: Collection[UUID]) -> dict[str, Any]:
    """Leave out posts by these authors (engagement_views.hidden_users: where blocks apply)."""
    return {"author_id": {"$nin": list(hidden)}} if hidden else {}


def _page(
    owner: dict[str, Any], limit: int, after: dict[str, Any] | None, hidden: Collection[UUID]
) -> Page[Row]:
    query = page_query(owner, TimeKey.parse(after), hidden)
    rows = posts_collection().find(
        query, {ANCESTORS: 0}, sort=DESC, limit=limit + 1, max_time_ms=query_ms()
    )
    return page_of(list(rows), limit)


def page_query(
    owner: dict[str, Any], key: TimeKey | None, hidden: Collection[UUID] = ()
) -> dict[str, Any]:
    """The filter of a tag or mention page after ``key`` (sorted ``DESC``; also ``manage.py
    explain_queries``)."""
    return planned({**owner, **after_filter(key, True), **blocked_filter(hidden)})


def tag_page(
    *, tag: str, limit: int, after: dict[str, Any] | None = None, hidden: Collection[UUID] = ()
) -> Page[Row]:
    """Posts carrying the (normalised) tag, newest first."""
    return _page({"tags": tag}, limit, after, hidden)


def mentions_page(
    *,
    user_id: UUID,
    limit: int,
    after: dict[str, Any] | None = None,
    hidden: Collection[UUID] = (),
) -> Page[Row]:
    """Posts mentioning the user, newest first."""
    return _page({"mentions": user_id}, limit, after, hidden)
