"""Mentions and hashtags on posts: what a post stores (from posts.mentions' parser) and the
two timelines they give, a tag's posts and the posts mentioning a user.

Mentioned usernames become user ids through a ``Resolver``: the API's asks the followers
service (one call per post, the caller's headers forwarded); if that service cannot answer,
the post is still written and its mentions stay plain text (``mentions`` then lacks them:
nothing is retried later). Stored fields: ``tags`` (normalised) and ``mentions`` (user ids),
each only when not empty and not indexed; every tag and mention also has its entry in
``list_entries`` (posts.list_entries: one document per list and post, a non-multikey index).

Both timelines are newest first and page with the timelines' cursor rules (posts.queries: the
cursor is the post's ``(created_at, _id)``, the entry's ``(t, p)``). A page reads the list's
entries in time windows as the author timelines read posts (posts.windows: SecantusDB reads a
whole matching index range, so a page of a tag with 20,000 posts would otherwise read all of
them; on the posts' multikey ``tags`` index even a bounded window read far more than itself),
then the page's posts in one ``_id $in`` query, in entry order. The post is the truth: an entry
whose post is gone, no longer carries the list or has another time is left out, and the walk
goes on for what is missing (at most ``ROUNDS`` walks; then a short page whose cursor is the
last entry read). Blocked authors are left out in the entries' query (``a``), so a page of a
tag is the same rows, flags and cursor as when it read the posts (tests/posts/test_tags.py,
tests/posts/test_list_entries.py).

The windows are sized from per-list statistics kept as the authors' are (posts.authors, same
invariant): one document per tag (``tag:<tag>``) and per mentioned user (``mention:<id>``) in
``list_stats``, counted *before* the post that carries them is written (``list_stats_touch`` in
post_create and post_edit; the seed in bulk; ``ensure_schema`` fills an empty collection from the
posts). A tag or user without statistics has no posts (and costs no entries or posts query).
"""

import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any
from uuid import UUID

from pymongo import UpdateOne
from pymongo.collection import Collection as MongoCollection

from hornet.headers import Forward
from hornet.pagination import Page
from posts.authors import Spans, stats_of, stats_update
from posts.clients import FollowersUnavailable, followers_client
from posts.db import database, query_ms
from posts.documents import posts_collection
from posts.list_entries import LISTS, ORDER, entries, keys_of, list_key, tagged_posts
from posts.mentions import parse
from posts.queries import TimeKey, after_filter, none_of, planned
from posts.selectors import Row, page_of, posts_by_ids
from posts.windows import Bound, Stream, newest_first, with_times

log = logging.getLogger(__name__)

ROUNDS = 4  # walks of a list's entries for one page at most (dropped entries: _page)
_ENTRY_FIELDS = {"_id": 0, "t": 1, "p": 1}

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
    """Leave out the entries of posts by these authors (engagement_views.hidden_users: where
    blocks apply), on the entries' author ``a`` (``posts.queries.none_of``)."""
    return none_of("a", hidden)


LIST_STATS = "list_stats"


def list_stats_collection() -> MongoCollection:
    return database()[LIST_STATS]


def list_stats_touch(fields: Mapping[str, list[Any]], at: Any) -> None:
    """Count a post at ``at`` in the lists of its tags and mentions; call before writing it."""
    if keys := keys_of(fields):
        list_stats_collection().bulk_write([stats_update(k, at, at) for k in keys], ordered=False)


def list_stats_updates(docs: list[dict[str, Any]]) -> list[UpdateOne]:
    """The statistics of these post documents' lists, as bulk updates (the seed's batches)."""
    spans: Spans[str] = Spans()
    for doc in docs:
        for key in keys_of(doc):
            spans.add(key, doc["created_at"])
    return [stats_update(k, v.first, v.last, v.posts) for k, v in spans.by_author.items()]


def list_stats_backfill() -> int:
    """Statistics for tags and mentions written before they existed (``ensure_schema``): when
    there are none but some post has tags or mentions, one pass over those posts."""
    if list_stats_collection().find_one({}, {"_id": 1}) is not None:
        return 0
    found = posts_collection().find(tagged_posts(), {"created_at": 1, **dict.fromkeys(LISTS, 1)})
    updates = list_stats_updates(list(found))
    for start in range(0, len(updates), 1000):
        list_stats_collection().bulk_write(updates[start : start + 1000], ordered=False)
    return len(updates)


def _stream(key: str, hidden: Collection[UUID]) -> Stream | None:
    doc = list_stats_collection().find_one({"_id": key}, max_time_ms=query_ms())
    if doc is None:
        return None
    return Stream.of({"k": key, **blocked_filter(hidden)}, stats_of(doc))


def _find_entries(filters: list[dict[str, Any]], window: dict[str, Any], limit: int) -> list[Row]:
    """The window reader of ``posts.windows`` over one list's entries: ``(t, p)`` only."""
    (owner,) = filters
    found = entries().find(
        planned({**owner, **window}), _ENTRY_FIELDS, sort=ORDER, limit=limit, max_time_ms=query_ms()
    )
    return list(found)


def _after(key: TimeKey) -> Bound:
    """Strictly after ``key`` in a list's entries (the posts' cursor, on ``(t, p)``)."""
    return Bound(at=key.created_at, filter=after_filter(key, True, time="t", tie="p"))


def _entry_key(entry: Row) -> TimeKey:
    return TimeKey(created_at=entry["t"], id=entry["p"])


def _shown(entries: list[Row], field: str, value: Any) -> list[Row]:
    """The posts of these entries, in entry order, leaving out an entry whose post is gone,
    no longer carries ``value`` in ``field`` or has another time (a crash between writes, an
    edit: posts.list_entries). One query by ``_id`` for the batch."""
    if not entries:
        return []
    found = posts_by_ids([entry["p"] for entry in entries])
    rows = []
    for entry in entries:
        post = found.get(entry["p"])
        if (
            post is not None
            and value in (post.get(field) or ())
            and post["created_at"] == entry["t"]
        ):
            rows.append(post)
    return rows


def _page(
    field: str, value: Any, limit: int, after: dict[str, Any] | None, hidden: Collection[UUID]
) -> Page[Row]:
    """Entries in windows (``newest_first`` on ``t``), then their posts. When dropped entries
    leave the page short, the walk goes on after the last entry read, for what is missing, at
    most ``ROUNDS`` times; a page still short then ends at that entry (the cursor names it), so
    a page never reads more than ``ROUNDS`` walks however many entries are stale."""
    stream = _stream(list_key(field, value), hidden)
    if stream is None:
        return Page([], None)
    key = TimeKey.parse(after)
    bound = None if key is None else _after(key)
    shown: list[Row] = []
    for _ in range(ROUNDS):
        need = limit + 1 - len(shown)
        read = newest_first(_find_entries, [stream], need=need, bound=bound, time="t")
        shown.extend(_shown(read, field, value))
        if len(read) < need or len(shown) > limit:  # the list's end, or a page and one more
            return page_of(shown, limit)
        bound = _after(_entry_key(read[-1]))
    return Page(shown, _entry_key(read[-1]).payload())


def page_query(
    key: str,
    cursor: TimeKey | None,
    window: dict[str, Any] | None = None,
    hidden: Collection[UUID] = (),
) -> dict[str, Any]:
    """The filter of the list ``key``'s entries after ``cursor`` within ``window`` (bounds on
    ``t``), sorted ``ORDER``, as ``_find_entries`` sends it (``manage.py explain_queries``)."""
    tied = after_filter(cursor, True, time="t", tie="p")
    times = with_times(tied, {"t": window or {}}, time="t")
    return planned({"k": key, **blocked_filter(hidden), **times})


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
