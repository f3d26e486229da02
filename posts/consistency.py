"""Find and repair drift in the posts collection (``manage.py check_consistency``).

What can drift, and why it still can: counters are moved by intents (posts.intents), which a
crash can leave open; a delete whose process dies midway can leave replies under a deleted
post; and anything written by hand or by an older version is unchecked. This compares each
post's ``replies_count``/``shares_count`` with the real number of replies and shares, lists
replies whose parent is gone (orphans), and with ``repair``:

1. settles intents older than ``stale_seconds`` (posts.intents.settle_stale);
2. recounts each drifting counter with a compare-and-set that applies only if the counter is
   unchanged since it was read and the post has no open intent, so a concurrent reply or
   delete is never overwritten (the next run sees it);
3. deletes orphan replies and everything under them;
4. gives replies stored without an ancestor path their path (posts.threads; reported, but not
   drift: such replies are read correctly, one query per ancestor);
5. widens the posting statistics of authors whose posts lie outside them (posts.authors: a
   post written by an older version during a rolling update, or by hand); such posts would be
   missing from their timelines and feeds.

Likes count the same way: ``likes_count`` is compared with the ``likes`` documents of the post,
stale like locks are settled (posts.likes.settle_lock) and drift recounted as above; likes and
bookmarks whose post is gone (a reply liked while its thread was deleted) are orphans too,
deleted by ``repair``.

Tags and mentions: every list a post carries needs its entry in ``list_entries`` at the post's
time (posts.list_entries), or the post is missing from that tag's or user's timeline (a post
restored from elsewhere, a crash between an edit and the cleanup of its entries leaves the
harmless other kind: an entry of no list, dropped when read). Missing or mistimed entries are
reported (``unlisted``) and written by ``repair``; stray ones reported and deleted.

Cost: one pass over the collection and one over ``list_entries`` (its entries' ids held in
memory: about 100 bytes per entry), plus two grouping aggregations; a maintenance job, not a
request path.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from posts import intents, likes, list_entries, threads
from posts.authors import Spans, stored_stats
from posts.documents import PENDING, posts_collection
from posts.marks import KINDS, LIKES, Marks
from posts.services import delete_subtree

COUNTERS = (("replies_count", "parent_post_id"), ("shares_count", "original_post_id"))
_NO_INTENT = {"$or": [{PENDING: {"$exists": False}}, {PENDING: {}}]}


@dataclass
class Drift:
    post_id: UUID
    counter: str
    stored: int
    real: int


@dataclass
class Report:
    scanned: int = 0
    drift: list[Drift] = field(default_factory=list)
    orphans: list[UUID] = field(default_factory=list)
    stale_intents: int = 0
    settled: int = 0
    recounted: int = 0
    orphans_deleted: int = 0
    pathless: int = 0  # replies without ancestor_ids: correct, but read the slow way
    paths_backfilled: int = 0
    uncovered_authors: list[UUID] = field(default_factory=list)  # posts outside their stats
    stats_widened: int = 0
    orphan_marks: int = 0  # likes and bookmarks of deleted posts
    orphan_marks_deleted: int = 0
    unlisted: int = 0  # posts missing an entry of their tags and mentions (or at another time)
    stray_entries: int = 0  # entries whose post is gone or no longer carries that list
    entries_written: int = 0
    entries_deleted: int = 0

    @property
    def clean(self) -> bool:
        return not (
            self.drift
            or self.orphans
            or self.stale_intents
            or self.uncovered_authors
            or self.orphan_marks
            or self.unlisted
            or self.stray_entries
        )


def _real_counts(reference: str) -> Counter[UUID]:
    pipeline: list[dict[str, Any]] = [
        {"$match": {reference: {"$ne": None}}},
        {"$group": {"_id": f"${reference}", "n": {"$sum": 1}}},
    ]
    return Counter({row["_id"]: row["n"] for row in posts_collection().aggregate(pipeline)})


def _marks_by_post(kind: Marks) -> Counter[UUID]:
    pipeline: list[dict[str, Any]] = [{"$group": {"_id": "$p", "n": {"$sum": 1}}}]
    return Counter({row["_id"]: row["n"] for row in kind.collection().aggregate(pipeline)})


def _stale_intents(doc: dict[str, Any], older_than: datetime) -> int:
    pending = doc.get(PENDING) or {}
    return sum(
        1 for v in pending.values() if isinstance(v, dict) and v.get("at") and v["at"] < older_than
    )


def check_consistency(*, repair: bool = False, stale_seconds: float = 120.0) -> Report:
    """Report drift; with ``repair`` also fix it (see the module docstring)."""
    posts = posts_collection()
    report = Report()
    older_than = datetime.now(UTC) - timedelta(seconds=stale_seconds)
    real = {counter: _real_counts(ref) for counter, ref in COUNTERS}
    marked = {kind: _marks_by_post(kind) for kind in KINDS}
    real[likes.COUNTER] = marked[LIKES]
    projection = {
        "replies_count": 1,
        "shares_count": 1,
        likes.COUNTER: 1,
        "parent_post_id": 1,
        "author_id": 1,
        "created_at": 1,
        PENDING: 1,
        **dict.fromkeys(list_entries.LISTS, 1),
    }
    spans: Spans[UUID] = Spans()
    audit = list_entries.Audit()
    ids: set[UUID] = set()
    replies: list[tuple[UUID, UUID]] = []
    for doc in posts.find({}, projection):
        report.scanned += 1
        ids.add(doc["_id"])
        if doc.get("author_id") is not None and doc.get("created_at") is not None:
            spans.add(doc["author_id"], doc["created_at"])
        if doc.get("parent_post_id") is not None:
            replies.append((doc["_id"], doc["parent_post_id"]))
        audit.add(doc)
        stale = _stale_intents(doc, older_than)
        report.stale_intents += stale
        if stale and repair:
            report.settled += intents.settle_stale(doc, older_than=older_than)
            report.settled += likes.settle_stale_locks(doc, older_than=older_than)
            doc = posts.find_one({"_id": doc["_id"]}, projection) or doc
        for counter in real:
            stored, actual = int(doc.get(counter) or 0), real[counter].get(doc["_id"], 0)
            if stored != actual and not doc.get(PENDING):
                report.drift.append(Drift(doc["_id"], counter, stored, actual))
    report.orphans = [reply for reply, parent in replies if parent not in ids]
    gone = {kind: [p for p in marked[kind] if p not in ids] for kind in KINDS}
    report.orphan_marks = sum(marked[kind][p] for kind in KINDS for p in gone[kind])
    report.pathless = threads.count_pathless()
    report.uncovered_authors = spans.uncovered(stored_stats())
    unlisted, stray = audit.compare()
    report.unlisted, report.stray_entries = len(unlisted), len(stray)
    if repair:
        report.entries_written, report.entries_deleted = list_entries.repair(
            unlisted, stray, older_than
        )
        report.stats_widened = spans.write(report.uncovered_authors)
        if report.pathless:
            report.paths_backfilled = threads.backfill_paths()
        for drift in report.drift:
            report.recounted += _recount(drift)
        for orphan in report.orphans:
            report.orphans_deleted += _delete_orphan(orphan)
        report.orphan_marks_deleted = sum(
            kind.delete_for_posts([p for p in gone[kind] if not _exists(p)]) for kind in KINDS
        )
    return report


def _recount(drift: Drift) -> int:
    """Compare-and-set the counter to a fresh count; 0 if anything moved meanwhile."""
    posts = posts_collection()
    if drift.counter == likes.COUNTER:
        actual = LIKES.collection().count_documents({"p": drift.post_id})
    else:
        actual = posts.count_documents({dict(COUNTERS)[drift.counter]: drift.post_id})
    query = {"_id": drift.post_id, drift.counter: drift.stored, **_NO_INTENT}
    return posts.update_one(query, {"$set": {drift.counter: actual}}).matched_count


def _delete_orphan(post_id: UUID) -> int:
    posts = posts_collection()
    row = posts.find_one({"_id": post_id}, {"parent_post_id": 1})
    if row is None or posts.count_documents({"_id": row["parent_post_id"]}, limit=1):
        return 0  # gone already, or its parent exists after all
    return delete_subtree(post_id)


def _exists(post_id: UUID) -> bool:
    return posts_collection().count_documents({"_id": post_id}, limit=1) == 1
