"""Home timelines in the benchmark: built for the readers before the feed rows, the fan-out
lag under the mix, and the storage they take (bench/README.md, docs/feed.md).

Runs in the bench process under the posts settings (``bench.baseline.setup_posts``), with the
posts service's own functions, while the bench's services and fan-out worker run.
"""

import statistics
import time
import uuid
from collections.abc import Iterable
from typing import Any

from pymongo.errors import PyMongoError

from posts import fanout, timelines
from posts.clients import FollowersUnavailable, followers_client
from posts.db import database
from posts.documents import FANOUT_DUE, now_ms, posts_collection
from posts.following_cache import COLLECTION as FOLLOWING_CACHE
from posts.following_cache import Part
from posts.queries import EPOCH

Stats = dict[str, Any]


def prime(readers: Iterable[str]) -> Stats:
    """Build the stored timeline of every reader who has none ready: what the worker does
    after a reader's first feed read, done up front so the rows measure readers who read
    their feed regularly. Timelines persist in the bench database (idle ones expire after
    FEED_ACTIVE_DAYS), so later runs build only the missing ones."""
    started = time.perf_counter()
    client = followers_client()
    built = entries = failed = 0
    for raw in dict.fromkeys(readers):
        user = uuid.UUID(raw)
        owner = timelines.owner_get(user)
        if owner is not None and owner.state == timelines.READY:
            continue
        # Asked for without ``due``, so the running worker does not build it a second time.
        timelines.owners().update_one(
            {"_id": user}, {"$set": {"state": timelines.NEW, "read_at": now_ms()}}, upsert=True
        )
        for attempt in range(5):  # the followers service may time out on a busy box
            try:
                entries += fanout.rebuild(user, client)
                built += 1
                break
            except FollowersUnavailable:
                failed += attempt == 4
                time.sleep(0.5)
    seconds = time.perf_counter() - started
    return {"built": built, "failed": failed, "entries": entries, "seconds": round(seconds, 1)}


def back_after_an_hour(readers: Iterable[str]) -> Stats:
    """How many of these readers come back after an hour or more (the gap since the last run
    that read their feed): each one's first read rewrites ``read_at`` and asks for a trim
    (posts.timelines.owner_touch), and their exclusions, older than their hour, are fetched
    again behind the read (posts.following_cache). A run made an hour after the previous one
    measures that crowd, not the steady state (bench/README.md)."""
    ids = [uuid.UUID(r) for r in dict.fromkeys(readers)]
    cutoff = now_ms() - timelines.TOUCH_EVERY
    return {
        "readers": len(ids),
        "read_over_an_hour_ago": timelines.owners().count_documents(
            {"_id": {"$in": ids}, "read_at": {"$lt": cutoff}}
        ),
        "exclusions_over_an_hour_old": database()[FOLLOWING_CACHE].count_documents(
            {"_id": {"$in": [str(i) for i in ids]}, Part.EXCLUDED.stamp: {"$lt": cutoff}}
        ),
    }


def drain(max_seconds: float = 120.0) -> float:
    """Wait until no post is pending fan-out; how long that took."""
    started = time.perf_counter()
    while posts_collection().find_one({FANOUT_DUE: {"$gte": EPOCH}}, {"_id": 1}) is not None:
        if time.perf_counter() - started > max_seconds:
            break
        time.sleep(0.2)
    return round(time.perf_counter() - started, 1)


def lag(authors: Iterable[str], since: Any) -> Stats:
    """Fan-out lag of the posts these authors made since ``since``: from ``created_at`` to
    ``fanned_at`` (the last timeline written), p50/p99 in ms. One bounded query per author
    on the timeline index."""
    samples: list[float] = []
    pending = 0
    for raw in dict.fromkeys(authors):
        found = posts_collection().find(
            {"author_id": uuid.UUID(raw), "created_at": {"$gte": since}},
            {"created_at": 1, fanout.FANNED_AT: 1, FANOUT_DUE: 1, "parent_post_id": 1},
        )
        for row in found:
            if row.get("parent_post_id") is not None:
                continue
            if row.get(fanout.FANNED_AT) is None:
                pending += 1
                continue
            samples.append((row[fanout.FANNED_AT] - row["created_at"]).total_seconds() * 1000)
    if not samples:
        return {"posts": 0, "pending": pending}
    cut = statistics.quantiles(samples, n=100, method="inclusive") if len(samples) > 1 else []
    return {
        "posts": len(samples),
        "pending": pending,
        "p50_ms": round(cut[49] if cut else samples[0], 1),
        "p99_ms": round(cut[98] if cut else samples[0], 1),
        "max_ms": round(max(samples), 1),
    }


def storage() -> Stats:
    """Bytes the stored timelines take per active reader (documents and indexes), from the
    server's collStats; entries per reader."""
    database = timelines.entries().database
    found: Stats = {}
    total = 0
    # A server without collStats, or one too busy to answer in time (after the notifications
    # row, say): say so, measure nothing (a lost storage figure must not lose the run's results).
    try:
        readers = timelines.owners().count_documents({"state": timelines.READY})
        entries = timelines.entries().estimated_document_count()
        found.update(readers=readers, entries=entries)
        for name in (timelines.ENTRIES, timelines.OWNERS):
            stats = database.command("collStats", name)
            size = int(stats.get("size", 0)) + int(stats.get("totalIndexSize", 0))
            found[f"{name}_bytes"] = size
            total += size
    except PyMongoError as exc:
        found["collstats_error"] = f"{type(exc).__name__}: {exc}"[:200]
        return found
    found["bytes_per_reader"] = round(total / readers) if readers else None
    found["entries_per_reader"] = round(entries / readers, 1) if readers else None
    return found
