"""Print the server's plan for each query the posts service runs, and whether it uses an index.

The queries are built by the same functions as the API's (``posts.queries`` filters with the
time windows of ``posts.windows``). On MongoDB and SecantusDB the winning plan shows IXSCAN
(or an _id fast path) per query, with the keys and documents examined where the server
reports them (SecantusDB reports the plan and counts MongoDB would have; its own storage reads
the whole matching index range: bench/README.md). FerretDB's SQLite backend answers with
SQLite's ``EXPLAIN QUERY PLAN`` lines and pushdown flags instead. ``--require-index`` exits
non-zero if any query scans the whole collection.
"""

import datetime as dt
import json
import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from pymongo.collection import Collection

from posts import list_entries, marks, tags, timelines
from posts.authors import stats_collection
from posts.db import command_deadline
from posts.documents import FANOUT_DUE, now_ms, posts_collection
from posts.following_cache import COLLECTION as FOLLOWING_CACHE
from posts.list_entries import COLLECTION as ENTRIES
from posts.list_entries import ORDER, entry_id, list_key
from posts.marks import BOOKMARKS, LIKES
from posts.notifications import reads as notification_reads
from posts.notifications import store as notifications
from posts.queries import ASC, DESC, TimeKey, after_filter, lists_query, planned
from posts.safety import Hide
from posts.threads import subtree_filter
from posts.windows import with_times

# Stages that mean "an index (or the _id index) found the documents".
_INDEX_STAGES = {"IXSCAN", "IDHACK", "EXPRESS_IXSCAN", "EXPRESS_IDHACK", "COUNT_SCAN"}

Query = tuple[str, str, dict[str, Any], list[tuple[str, int]] | None]
TL = timelines.ORDER


def queries() -> list[Query]:
    """(name, collection, filter, sort) exactly as the selectors and services build them."""
    a, b, c, p = (uuid.uuid4() for _ in range(4))
    now = now_ms()
    key = TimeKey(now, uuid.uuid4())
    lo, hi = now - dt.timedelta(hours=1), now + dt.timedelta(hours=1)
    newer = after_filter(key, descending=True)
    older = after_filter(key, descending=False)
    author = {"author_id": a}  # the timeline, and a feed page whose window meets one author
    authors = [{"author_id": x} for x in (a, b, c)]
    tag, mention = list_key("tags", "cs101"), list_key("mentions", a)
    window = {"$gte": lo, "$lt": now}
    return [
        ("timeline/feed first window", "posts", with_times(author, _ge(lo)), DESC),
        (
            "timeline/feed next page",
            "posts",
            planned(with_times({**author, **newer}, _ge(lo))),
            DESC,
        ),
        ("timeline/feed wider window", "posts", with_times(author, _range(lo, now)), DESC),
        ("feed window (3 authors)", "posts", lists_query(authors, _ge(lo)), DESC),
        (
            "feed next page (3 authors)",
            "posts",
            lists_query(authors, with_times(newer, _ge(lo))),
            DESC,
        ),
        ("replies first page", "posts", with_times({"parent_post_id": p}, _lt(hi)), ASC),
        (
            "replies first page, blocks and mutes left out",
            "posts",
            with_times({"parent_post_id": p, **Hide(frozenset({a, b})).query()}, _lt(hi)),
            ASC,
        ),
        (
            "shared originals by hidden authors",
            "posts",
            {"_id": {"$in": [a, b, c]}, "author_id": {"$in": [a, b]}},
            None,
        ),
        (
            "replies next page",
            "posts",
            planned(with_times({"parent_post_id": p, **older}, _lt(hi))),
            ASC,
        ),
        ("subtree (delete)", "posts", subtree_filter(p), None),
        ("ancestors (context)", "posts", {"_id": {"$in": [a, b, c]}}, None),
        (
            "children without a path (delete, legacy)",
            "posts",
            {"parent_post_id": {"$in": [p, a]}},
            None,
        ),
        ("shares of a post", "posts", {"original_post_id": p}, None),
        ("post by id", "posts", {"_id": p}, None),
        ("author statistics (feed)", "author_stats", {"_id": {"$in": [str(a), str(b)]}}, None),
        # Stored home timelines (docs/feed.md).
        ("home timeline page", timelines.ENTRIES, timelines.timeline_filter(a, None, None), TL),
        (
            "home timeline next page",
            timelines.ENTRIES,
            timelines.timeline_filter(a, key, lo),
            TL,
        ),
        (
            "home timeline page, blocks and mutes left out",
            timelines.ENTRIES,
            timelines.timeline_filter(a, None, None, {b, c}),
            TL,
        ),
        ("timeline entries of a followee", timelines.ENTRIES, {"o": a, "a": b}, None),
        (
            "recent blocks of an author (fan-out)",
            timelines.BLOCKS,
            {"u": a, "at": {"$gte": lo}},
            None,
        ),
        ("user's cached graph", FOLLOWING_CACHE, {"_id": str(a)}, None),
        ("pending fan-out (claim)", "posts", {FANOUT_DUE: {"$lte": now}}, [(FANOUT_DUE, 1)]),
        (
            "readers with a timeline (fan-out)",
            timelines.OWNERS,
            {"_id": {"$in": [a, b, c]}, "state": {"$in": [timelines.BUILDING, timelines.READY]}},
            None,
        ),
        ("timeline work due", timelines.OWNERS, {"due": {"$lte": now}}, [("due", 1)]),
        ("idle readers", timelines.OWNERS, {"read_at": {"$lt": lo}}, None),
        # Engagement (docs/engagement.md).
        # Tag and mention timelines: entries in time windows, then their posts by _id.
        ("tag timeline page", ENTRIES, tags.page_query(tag, None, {"$gte": lo}), ORDER),
        ("tag timeline next page", ENTRIES, tags.page_query(tag, key, {"$gte": lo}), ORDER),
        ("tag timeline wider window", ENTRIES, tags.page_query(tag, None, window), ORDER),
        (
            "tag timeline next page, blocks left out",
            ENTRIES,
            tags.page_query(tag, key, window, hidden={b, c}),
            ORDER,
        ),
        ("mentions next page", ENTRIES, tags.page_query(mention, key, {"$gte": lo}), ORDER),
        ("posts of a timeline page", "posts", {"_id": {"$in": [a, b, c]}}, None),
        ("entries of a deleted post", ENTRIES, {"_id": {"$in": [entry_id(tag, p)]}}, None),
        ("likes of a post", LIKES.collection_name, *marks.page_query({"p": p}, "u", key)),
        ("posts a user liked", LIKES.collection_name, *marks.page_query({"u": a}, "p", key)),
        ("bookmarks", BOOKMARKS.collection_name, *marks.page_query({"u": a}, "p", key)),
        (
            "viewer flags of a page",
            LIKES.collection_name,
            {"_id": {"$in": [marks.mark_id(p, a), marks.mark_id(b, a)]}},
            None,
        ),
        ("marks of deleted posts", LIKES.collection_name, {"p": {"$in": [p, a]}}, None),
        *_notification_queries(a, b, key),
    ]


def _notification_queries(a: uuid.UUID, b: uuid.UUID, key: TimeKey) -> list[Query]:
    """docs/notifications.md: the grouped page, a group's sample and count, the unread count,
    the expiry sweep and a block's delete."""
    name, order = notifications.ENTRIES, notification_reads.SORT
    reader = notification_reads.Reader(
        user_id=a, excluded=frozenset({b}), read_up_to=key.created_at
    )
    return [
        ("notifications page", name, notification_reads.list_query(reader, None, None), order),
        ("notifications next page", name, notification_reads.list_query(reader, key, None), order),
        (
            "notifications of some types",
            name,
            notification_reads.list_query(reader, key, [notifications.LIKE, notifications.SHARE]),
            order,
        ),
        ("notification group", name, notification_reads.group_query(reader, ["like:x"]), order),
        (
            "notification groups of a page",
            name,
            notification_reads.group_query(reader, ["like:x", "share:y"], key),
            order,
        ),
        ("unread notifications", name, notification_reads.unread_query(reader), None),
        ("expired notifications", name, {"t": {"$lt": notifications.cutoff()}}, None),
        ("notifications between two users (block)", name, {"r": a, "a": b}, None),
    ]


def _ge(lo: dt.datetime) -> dict[str, Any]:
    return {"created_at": {"$gte": lo}}


def _lt(hi: dt.datetime) -> dict[str, Any]:
    return {"created_at": {"$lt": hi}}


def _range(lo: dt.datetime, hi: dt.datetime) -> dict[str, Any]:
    return {"created_at": {"$gte": lo, "$lt": hi}}


def _stages(plan: Any) -> set[str]:
    found: set[str] = set()
    stack = [plan]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("stage"), str):
                found.add(node["stage"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


_KINDS = (("FerretDB", "ferretdbVersion"), ("SecantusDB", "secantusVersion"))


def examined(explain: dict[str, Any]) -> str:
    """``keys/docs examined`` as the server reports them, or nothing."""
    stats = explain.get("executionStats")
    if not isinstance(stats, dict) or "totalKeysExamined" not in stats:
        return ""
    return (
        f"; keys examined {stats['totalKeysExamined']}, docs examined "
        f"{stats.get('totalDocsExamined')}, returned {stats.get('nReturned')}"
    )


def verdict(explain: dict[str, Any]) -> tuple[bool, str]:
    """(uses an index?, one-line summary) for a MongoDB or a FerretDB explain answer."""
    planner = explain.get("queryPlanner", {})
    if "winningPlan" in planner:  # MongoDB
        stages = _stages(planner["winningPlan"])
        summary = "stages: " + ", ".join(sorted(stages)) + examined(explain)
        return bool(stages & _INDEX_STAGES), summary
    lines = [str(line) for line in planner.get("Plan", [])]  # FerretDB + SQLite
    indexed = any(("USING INDEX" in s or "USING PRIMARY KEY" in s) for s in lines)
    flags = {k: explain.get(k) for k in ("filterPushdown", "sortPushdown", "limitPushdown")}
    return indexed, f"sqlite: {' | '.join(lines) or '-'}; {flags}"


class Command(BaseCommand):
    help = "Explain the posts queries on the configured server and report index use."

    def add_arguments(self, parser):
        parser.add_argument("--verbose-plans", action="store_true", help="print raw explain")
        parser.add_argument("--require-index", action="store_true", help="fail on a full scan")

    def handle(self, *args, **options):
        with command_deadline():
            posts = posts_collection()
            server = posts.database.command("buildInfo")
            kind = next((k for k, f in _KINDS if f in server), "MongoDB")
            self.stdout.write(f"server: {kind} {server.get('version')}")
            scans = []
            collections: dict[str, Collection] = {
                "posts": posts,
                "author_stats": stats_collection(),
                timelines.ENTRIES: timelines.entries(),
                timelines.OWNERS: timelines.owners(),
                **{kind.collection_name: kind.collection() for kind in marks.KINDS},
                timelines.BLOCKS: timelines.blocks(),
                FOLLOWING_CACHE: posts.database[FOLLOWING_CACHE],
                notifications.ENTRIES: notifications.entries(),
                ENTRIES: list_entries.entries(),
            }
            for name, collection, query, sort in queries():
                explain = collections[collection].find(query, sort=sort, limit=21).explain()
                indexed, summary = verdict(explain)
                self.stdout.write(f"{name}: {'INDEX' if indexed else 'FULL SCAN'} ({summary})")
                if options["verbose_plans"]:
                    plan = explain.get("queryPlanner")
                    self.stdout.write(json.dumps(plan, default=str, indent=2))
                if not indexed:
                    scans.append(name)
        if options["require_index"] and scans:
            raise CommandError(f"full collection scans: {', '.join(scans)}")
