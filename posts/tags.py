"""Mentions and hashtags on posts: what a post stores (from posts.mentions' parser) and the
two timelines they give, a tag's posts and the posts mentioning a user.

Mentioned usernames become user ids through a ``Resolver``: the API's asks the followers
service (one call per post, the caller's headers forwarded); if that service cannot answer,
the post is still written and its mentions stay plain text (``mentions`` then lacks them:
nothing is retried later). Stored fields: ``tags`` (normalised) and ``mentions`` (user ids),
each only when not empty, each with a multikey index ``(field, created_at desc, _id desc)``.

Both timelines are newest first and page with the timelines' cursor rules (posts.queries), read
in time windows as the author timelines are (posts.windows: SecantusDB reads a whole matching
index range, so a page of a tag with 20,000 posts would otherwise read all of them). The windows
are sized from per-list statistics kept as the authors' are (posts.authors, same invariant): one
document per tag (``tag:<tag>``) and per mentioned user (``mention:<id>``) in ``list_stats``,
counted *before* the post that carries them is written (``list_stats_touch`` in post_create and
post_edit; the seed in bulk; ``ensure_schema`` fills an empty collection from the posts). A tag or
user without statistics has no posts.
"""

import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any
from uuid import UUID

from bson import Binary
from pymongo import UpdateOne
from pymongo.collection import Collection as MongoCollection

from hornet.headers import Forward
from hornet.pagination import Page
from posts.authors import Spans, stats_of, stats_update
from posts.clients import FollowersUnavailable, followers_client
from posts.db import database, query_ms
from posts.documents import posts_collection
from posts.mentions import parse
from posts.queries import DESC, TimeKey, after_filter, planned
from posts.selectors import Row, cursor_bound, finder, page_of
from posts.windows import Stream, newest_first

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


LIST_STATS = "list_stats"
LISTS = ("tags", "mentions")  # the post fields that make lists, keyed "tag:..." / "mention:..."


def list_stats_collection() -> MongoCollection:
    return database()[LIST_STATS]


def list_key(field: str, value: Any) -> str:
    assert field in LISTS
    return f"{field[:-1]}:{value}"


def _keys(doc: Mapping[str, Any]) -> list[str]:
    """The list keys of a post (a seed document's mentions are still BSON binaries)."""
    return [
        list_key(field, value.as_uuid() if isinstance(value, Binary) else value)
        for field in LISTS
        for value in doc.get(field) or []
    ]


def list_stats_touch(fields: Mapping[str, list[Any]], at: Any) -> None:
    """Count a post at ``at`` in the lists of its tags and mentions; call before writing it."""
    if keys := _keys(fields):
        list_stats_collection().bulk_write([stats_update(k, at, at) for k in keys], ordered=False)


def list_stats_updates(docs: list[dict[str, Any]]) -> list[UpdateOne]:
    """The statistics of these post documents' lists, as bulk updates (the seed's batches)."""
    spans: Spans[str] = Spans()
    for doc in docs:
        for key in _keys(doc):
            spans.add(key, doc["created_at"])
    return [stats_update(k, v.first, v.last, v.posts) for k, v in spans.by_author.items()]


def list_stats_backfill() -> int:
    """Statistics for tags and mentions written before they existed (``ensure_schema``): when
    there are none but some post has tags or mentions, one pass over those posts."""
    if list_stats_collection().find_one({}, {"_id": 1}) is not None:
        return 0
    query = {"$or": [{field: {"$exists": True}} for field in LISTS]}
    found = posts_collection().find(query, {"created_at": 1, **dict.fromkeys(LISTS, 1)})
    updates = list_stats_updates(list(found))
    for start in range(0, len(updates), 1000):
        list_stats_collection().bulk_write(updates[start : start + 1000], ordered=False)
    return len(updates)


def _stream(field: str, value: Any, hidden: Collection[UUID]) -> Stream | None:
    doc = list_stats_collection().find_one({"_id": list_key(field, value)}, max_time_ms=query_ms())
    if doc is None:
        return None
    return Stream.of({field: value, **blocked_filter(hidden)}, stats_of(doc))


def _page(
    field: str, value: Any, limit: int, after: dict[str, Any] | None, hidden: Collection[UUID]
) -> Page[Row]:
    stream = _stream(field, value, hidden)
    if stream is None:
        return Page([], None)
    bound = cursor_bound(after, descending=True)
    rows = newest_first(finder(DESC), [stream], need=limit + 1, bound=bound)
    return page_of(rows, limit)


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
    return _page("tags", tag, limit, after, hidden)


def mentions_page(
    *,
    user_id: UUID,
    limit: int,
    after: dict[str, Any] | None = None,
    hidden: Collection[UUID] = (),
) -> Page[Row]:
    """Posts mentioning the user, newest first."""
    return _page("mentions", user_id, limit, after, hidden)
