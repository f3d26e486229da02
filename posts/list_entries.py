"""The tag and mention timelines' storage: one small document per (list, post).

``list_entries`` holds ``{_id: "<list key> <post id hex>", k: list key, t: the post's
created_at, p: post id, a: author id}`` for every tag a post carries (``k = "tag:<tag>"``) and
every user it mentions (``"mention:<user id>"``: the keys of ``list_stats``, posts.tags), under
the unique index ``(k, t desc, p desc)``. Unlike the posts' own multikey ``tags``/``mentions``
fields, that index is not multikey: SecantusDB reads a two-sided time window of it (every
window after a list's first, every cursor page) as the window's entries, where the same window
on the multikey index read far more (bench/README.md; docs/engagement.md has the numbers).

Writing (posts.services) keeps one rule: an entry is written *before* the post joins its list
and deleted only *after* the post left it. So a crash can leave an entry whose post is gone,
was never written or no longer carries that list (posts.tags drops such entries when it reads
them: the post is the truth), never a post missing from a list it carries. The ``_id`` is the
(list, post) pair and every write replaces the whole entry, so a retried create writes one
entry per list, at the time of the post that was finally stored
(tests/posts/test_list_entries.py ``test_a_retried_create_writes_one_entry_per_list``).
``check_consistency`` reports (and with ``--repair`` fixes) missing, stale and stray entries.
"""

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from bson import Binary
from pymongo import DESCENDING, ReplaceOne
from pymongo.collection import Collection as MongoCollection
from pymongo.errors import BulkWriteError

from posts.db import database, duplicate_errors
from posts.documents import posts_collection

COLLECTION = "list_entries"
INDEX = "list_entries_by_time"
ORDER = [("t", DESCENDING), ("p", DESCENDING)]
LISTS = ("tags", "mentions")  # the post fields that make lists, keyed "tag:..." / "mention:..."
FIELDS = {"_id": 1, "author_id": 1, "created_at": 1, **dict.fromkeys(LISTS, 1)}  # to write one
_BATCH = 1000

Row = dict[str, Any]


def entries() -> MongoCollection:
    return database()[COLLECTION]


def ensure_indexes() -> list[str]:
    """The lists' index (``manage.py ensure_schema``); the ``_id`` is the unique pair."""
    entries().create_index([("k", 1), *ORDER], name=INDEX, unique=True)
    return [INDEX]


def list_key(field: str, value: Any) -> str:
    assert field in LISTS
    return f"{field[:-1]}:{value}"


def keys_of(doc: Mapping[str, Any]) -> list[str]:
    """The list keys of a post (a seed document's mentions are still BSON binaries)."""
    return [
        list_key(field, value.as_uuid() if isinstance(value, Binary) else value)
        for field in LISTS
        for value in doc.get(field) or []
    ]


def _hex(post_id: UUID | Binary) -> str:
    return post_id.hex if isinstance(post_id, UUID) else bytes(post_id).hex()


def entry_id(key: str, post_id: UUID | Binary) -> str:
    return f"{key} {_hex(post_id)}"


def documents(posts: Iterable[Mapping[str, Any]]) -> list[Row]:
    """The entries of these posts (raw documents: ``_id``, ``author_id``, ``created_at`` and
    their lists; also the seed's, with BSON binaries and dates)."""
    return [
        {
            "_id": entry_id(key, post["_id"]),
            "k": key,
            "t": post["created_at"],
            "p": post["_id"],
            "a": post["author_id"],
        }
        for post in posts
        for key in keys_of(post)
    ]


def put(posts: Iterable[Mapping[str, Any]]) -> int:
    """Write (or rewrite, at the post's time) the entries of these posts' lists."""
    writes = [ReplaceOne({"_id": e["_id"]}, e, upsert=True) for e in documents(posts)]
    for start in range(0, len(writes), _BATCH):
        entries().bulk_write(writes[start : start + _BATCH], ordered=False)
    return len(writes)


def insert(posts: Iterable[Mapping[str, Any]]) -> int:
    """Write the entries of posts that have none yet (the seed, the backfill) as plain inserts,
    far cheaper than ``put``'s upserts (1,000 upserts took over 5 s on FerretDB); an entry
    already there is left as it is. Returns how many were new."""
    docs = documents(posts)
    written = 0
    for start in range(0, len(docs), _BATCH):
        batch = docs[start : start + _BATCH]
        try:
            written += len(entries().insert_many(batch, ordered=False).inserted_ids)
        except BulkWriteError as exc:
            duplicate_errors(exc)
            written += exc.details.get("nInserted", 0)
    return written


def remove(post_id: UUID, keys: Iterable[str]) -> int:
    """Delete the post's entries in these lists (after it left them, or was deleted)."""
    ids = [entry_id(key, post_id) for key in keys]
    return entries().delete_many({"_id": {"$in": ids}}).deleted_count if ids else 0


def forget(posts: Iterable[Mapping[str, Any]]) -> int:
    """Delete every entry of these (deleted) posts: ``_id`` and their lists as they were."""
    ids = [entry_id(key, post["_id"]) for post in posts for key in keys_of(post)]
    removed = 0
    for start in range(0, len(ids), _BATCH):
        batch = ids[start : start + _BATCH]
        removed += entries().delete_many({"_id": {"$in": batch}}).deleted_count
    return removed


def tagged_posts() -> dict[str, Any]:
    """The filter of the posts that carry a tag or a mention."""
    return {"$or": [{field: {"$exists": True}} for field in LISTS]}


def backfill() -> int:
    """Entries for posts written before they existed (``ensure_schema``): when there are none
    but some post has tags or mentions, one pass over those posts."""
    if entries().find_one({}, {"_id": 1}) is not None:
        return 0
    written = 0
    batch: list[Row] = []
    for post in posts_collection().find(tagged_posts(), FIELDS, batch_size=_BATCH):
        batch.append(post)
        if len(batch) == _BATCH:
            written += insert(batch)
            batch = []
    return written + insert(batch)


class Audit:
    """``check_consistency``'s comparison of the posts' lists with their entries: ``add`` each
    post while scanning the posts, then ``compare`` reads the entries once."""

    def __init__(self) -> None:
        self.expected: dict[str, tuple[Any, Any]] = {}  # entry id -> (post id, its time)

    def add(self, post: Mapping[str, Any]) -> None:
        for key in keys_of(post):
            self.expected[entry_id(key, post["_id"])] = (post["_id"], post.get("created_at"))

    def compare(self) -> tuple[set[UUID], list[str]]:
        """(posts with an entry missing or at another time, entries of no post's list)."""
        unseen = dict(self.expected)
        stray: list[str] = []
        for entry in entries().find({}, {"t": 1}, batch_size=_BATCH):
            wanted = unseen.get(entry["_id"])
            if wanted is None:
                stray.append(entry["_id"])
            elif wanted[1] == entry.get("t"):
                del unseen[entry["_id"]]
        return {post_id for post_id, _ in unseen.values()}, stray


def repair(posts: set[UUID], stray: list[str], older_than: datetime) -> tuple[int, int]:
    """(entries written, entries deleted): the listed posts' entries rewritten from a fresh
    read; a stray entry deleted only if a fresh read of its post still leaves it out (an edit
    racing the scan wrote it first), and if the post is absent, only when the entry is older
    than ``older_than`` (a create writes its entries just before its post). A stray deleted
    while an edit adds its list back is missing again: the next run writes it."""
    ids = list(posts)
    written = 0
    for start in range(0, len(ids), _BATCH):
        written += put(
            posts_collection().find({"_id": {"$in": ids[start : start + _BATCH]}}, FIELDS)
        )
    deleted = 0
    for start in range(0, len(stray), _BATCH):
        batch = list(entries().find({"_id": {"$in": stray[start : start + _BATCH]}}))
        found = list(posts_collection().find({"_id": {"$in": [e["p"] for e in batch]}}, FIELDS))
        listed = {entry_id(key, post["_id"]) for post in found for key in keys_of(post)}
        there = {post["_id"] for post in found}
        gone = [
            e["_id"]
            for e in batch
            if e["_id"] not in listed and (e["p"] in there or e["t"] < older_than)
        ]
        if gone:
            deleted += entries().delete_many({"_id": {"$in": gone}}).deleted_count
    return written, deleted
