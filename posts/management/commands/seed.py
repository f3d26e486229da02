"""``manage.py seed`` (posts settings): posts, replies and shares by the seeded users.

Authors are hornet.seeding's users (the same ids and names as the followers seed of the same
``--seed``), picked by the same power law, so a few accounts write most posts. About 10% of
posts are replies and 5% shares of recent posts; times spread over the last six months.
Likes, hashtags and mentions come with them (with their ``list_stats`` and ``list_entries``,
written before each batch of posts as post_create does), and the notifications of the likes and
mentions (posts.seed_engagement has the proportions).

Bulk path: raw documents with the ``Post`` document's field names and BSON types (binary
UUIDs, millisecond dates, counters equal to the replies and shares created) through
``insert_many(ordered=False)`` in ``--batch`` batches. The whole plan (authors, times, links
and counters: a few arrays of ints) is drawn first, so every counter is final when its post is
written, and a reply is written with its ancestor path (posts.threads); a producer thread turns
the plan into documents while the main thread waits on the server. Into an empty collection,
large seeds drop the secondary indexes and rebuild them at the end (finally): one sort per
index instead of a B-tree insert per document. bench/README.md ("Seeding") has the
measurements.
"""

import base64
import io
import queue
import random
import sys
import threading
import time
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bson import Binary, DatetimeMS
from bson.binary import UUID_SUBTYPE
from django.core.management import call_command
from django.core.management.base import BaseCommand
from pymongo import UpdateOne

from hornet import seeding
from posts import db, list_entries
from posts.authors import COLLECTION as AUTHOR_STATS
from posts.authors import stats_collection, stats_update
from posts.documents import ANCESTORS, Post, posts_collection
from posts.following_cache import COLLECTION as FOLLOWING_CACHE
from posts.idempotency import COLLECTION as IDEMPOTENCY_KEYS
from posts.marks import KINDS, LIKES
from posts.notifications import stats as notification_stats
from posts.notifications import store as notifications
from posts.seed_engagement import Decorator, notifications_of
from posts.tags import LIST_STATS, list_stats_collection, list_stats_updates

REPLY, SHARE = 1, 2
REPLY_SHARE, SHARE_SHARE = 0.10, 0.05
RECENT = 5000  # replies and shares go to one of the latest posts
BULK_INDEX_THRESHOLD = 100_000
# Bulk work outlasts a request's 5 s socket timeout (an index build over a million documents).
BULK_TIMEOUT_SECONDS = 30 * 60


@dataclass
class Plan:
    """Post ``i``: author index, time, kind, the post it replies to or shares, counters."""

    ids: bytes  # 16 bytes per post: random UUIDv4s
    author: array
    millis: array
    kind: bytearray
    target: array
    replies: array
    shares: array

    @classmethod
    def draw(cls, seed: int, users: int, count: int, realm_count: int) -> "Plan":
        rng = random.Random(f"{seed}:posts")
        raw = bytearray(rng.randbytes(16 * count))
        raw[6::16] = bytes((b & 0x0F) | 0x40 for b in raw[6::16])  # version 4
        raw[8::16] = bytes((b & 0x3F) | 0x80 for b in raw[8::16])  # RFC 4122 variant
        # Ids go out in the order of the server's _id index (FerretDB keys a binary _id by its
        # base64 text), so the load appends to that B-tree instead of writing at random
        # places (bench/README.md, "Seeding"). They stay random v4 UUIDs.
        ids = sorted((raw[i : i + 16] for i in range(0, len(raw), 16)), key=base64.b64encode)
        weights = seeding.popularity(seed, users)
        author = array("I", rng.choices(range(users), cum_weights=weights, k=count))
        for who in range(realm_count):  # --demo: each Keycloak user has a few posts
            for _ in range(min(5, count)):
                author[rng.randrange(count)] = who
        start = seeding.epoch_ms(seeding.window_end() - seeding.WINDOW)
        step = seeding.epoch_ms(seeding.EPOCH + seeding.WINDOW) / max(count, 1)
        millis = array("q", (start + int((i + rng.random()) * step) for i in range(count)))
        kind, target = bytearray(count), array("i", [-1]) * count
        replies, shares = array("I", [0]) * count, array("I", [0]) * count
        for i in range(1, count):
            roll = rng.random()
            if roll >= REPLY_SHARE + SHARE_SHARE:
                continue
            j = rng.randrange(max(0, i - RECENT), i)
            if roll < REPLY_SHARE:
                kind[i], target[i] = REPLY, j
                replies[j] += 1
            else:
                j = target[j] if kind[j] == SHARE else j  # share the original, not a share
                kind[i], target[i] = SHARE, j
                shares[j] += 1
        return cls(b"".join(ids), author, millis, kind, target, replies, shares)

    def path(self, parent: int) -> list[int]:
        """Indexes of a reply's ancestors, root first (posts.threads): its parent's chain."""
        chain = [parent]
        while self.kind[chain[-1]] == REPLY:
            chain.append(self.target[chain[-1]])
        chain.reverse()
        return chain

    def documents(
        self, authors: list[Binary], texts: list[str], rng: random.Random, start: int, stop: int
    ) -> list[dict[str, Any]]:
        docs = []
        ids = self.ids
        for i in range(start, stop):
            doc: dict[str, Any] = {"_id": Binary(ids[16 * i : 16 * i + 16], UUID_SUBTYPE)}
            doc["author_id"] = authors[self.author[i]]
            kind, j = self.kind[i], self.target[i]
            if kind == REPLY:
                doc["content"] = rng.choice(texts)
                doc["parent_post_id"] = Binary(ids[16 * j : 16 * j + 16], UUID_SUBTYPE)
                doc[ANCESTORS] = [
                    Binary(ids[16 * k : 16 * k + 16], UUID_SUBTYPE) for k in self.path(j)
                ]
            elif kind == SHARE:
                if rng.random() < 0.5:
                    doc["content"] = rng.choice(texts)
                doc["original_post_id"] = Binary(ids[16 * j : 16 * j + 16], UUID_SUBTYPE)
            else:
                doc["content"] = " ".join(rng.choices(texts, k=rng.randint(1, 3)))
            doc["replies_count"] = self.replies[i]
            doc["shares_count"] = self.shares[i]
            doc["created_at"] = DatetimeMS(self.millis[i])
            docs.append(doc)
        return docs

    def author_stats(self, users: list[seeding.SeedUser]) -> list[UpdateOne]:
        """The statistics of every author's planned posts (posts.authors), as bulk updates."""
        count = [0] * len(users)
        first = [2**62] * len(users)
        last = [-(2**62)] * len(users)
        for a, t in zip(self.author, self.millis, strict=True):
            count[a] += 1
            first[a] = min(first[a], t)
            last[a] = max(last[a], t)
        return [
            stats_update(str(user.user_id), DatetimeMS(first[a]), DatetimeMS(last[a]), count[a])
            for a, user in enumerate(users)
            if count[a]
        ]


def sentences(seed: int, count: int = 2000) -> list[str]:
    """A pool of readable sentences (Faker is slow per call; contents are drawn from this)."""
    fake = seeding.faker(seed)
    return [fake.sentence(nb_words=fake.random_int(4, 16)) for _ in range(count)]


def batches(
    plan: Plan, users: list[seeding.SeedUser], seed: int, size: int
) -> Iterator[tuple[list, list]]:
    """(posts, their likes) in batches of ``size`` posts (posts.seed_engagement)."""
    authors = [Binary(u.user_id.bytes, UUID_SUBTYPE) for u in users]
    texts = sentences(seed)
    rng = random.Random(f"{seed}:contents")
    engagement = Decorator(seed, users)
    total = len(plan.author)
    for start in range(0, total, size):
        docs = plan.documents(authors, texts, rng, start, min(start + size, total))
        yield docs, engagement.decorate(docs)


def prefetched(items: Iterator[Any], depth: int = 2) -> Iterator[Any]:
    """``items`` computed by a thread ``depth`` ahead of the consumer (errors re-raised)."""
    box: queue.Queue[Any] = queue.Queue(maxsize=depth)
    done = object()

    def work() -> None:
        try:
            for item in items:
                box.put(item)
            box.put(done)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            box.put(exc)

    threading.Thread(target=work, daemon=True, name="seed-producer").start()
    while (item := box.get()) is not done:
        if isinstance(item, BaseException):
            raise item
        yield item


def wipe() -> None:
    """Drop the posts service's collections and recreate them with their indexes."""
    database = db.database()
    marks = [kind.collection_name for kind in KINDS]
    for name in (
        Post._get_collection_name(),
        FOLLOWING_CACHE,
        IDEMPOTENCY_KEYS,
        AUTHOR_STATS,
        LIST_STATS,
        list_entries.COLLECTION,
        *marks,
        notifications.ENTRIES,
        notifications.SETTINGS,
    ):
        database.drop_collection(name)
    call_command("ensure_schema", stdout=io.StringIO())


def secondary_indexes() -> list[str]:
    return [name for name in posts_collection().index_information() if name != "_id_"]


class Command(BaseCommand):
    help = "Seed posts, replies and shares by the users the followers seed of --seed creates."

    def add_arguments(self, parser):
        seeding.seed_arguments(parser, batch=5000)

    def handle(self, *args, **options):
        sizes = seeding.sizes(options)
        with db.command_deadline(BULK_TIMEOUT_SECONDS):
            self.seed(sizes, options)

    def seed(self, sizes: dict[str, int], options: dict[str, Any]) -> None:
        posts = posts_collection()
        if options["reset"]:
            seeding.confirm_reset(
                "every post (and the feed's following cache, the idempotency keys)",
                yes=options["yes"],
                interactive=sys.stdin.isatty(),
            )
            wipe()
            self.stdout.write("posts: reset, collections dropped and recreated")
        elif options["if_empty"] and posts.find_one({}, {"_id": 1}) is not None:
            self.stdout.write("posts: the collection already has posts; not seeding (--if-empty)")
            return

        started = time.perf_counter()
        seed, count = options["seed"], sizes["posts"]
        users = seeding.seed_users(seed, sizes["users"], demo=options["demo"])
        if not users:
            self.stdout.write("posts: no users, nothing to seed")
            return
        plan = Plan.draw(seed, len(users), count, len(users) - sizes["users"])
        planned = time.perf_counter()
        rebuild = count >= BULK_INDEX_THRESHOLD and posts.find_one({}, {"_id": 1}) is None
        if rebuild:
            for name in secondary_indexes():
                posts.drop_index(name)
        # Statistics before the posts they describe, as post_create does (posts.authors).
        for updates in seeding.batched(plan.author_stats(users), 1000):
            stats_collection().bulk_write(updates, ordered=False)
        liked = notified = entered = 0
        try:
            with seeding.progress(count, "post", options["verbosity"]) as bar:
                bar.set_description("posts")
                for docs, likes in prefetched(batches(plan, users, seed, options["batch"])):
                    # The batch's tags and mentions counted and listed first, as post_create
                    # does (posts.tags, posts.list_entries).
                    if lists := list_stats_updates(docs):
                        list_stats_collection().bulk_write(lists, ordered=False)
                    entered += list_entries.insert(docs)
                    posts.insert_many(docs, ordered=False)
                    if likes:
                        LIKES.collection().insert_many(likes, ordered=False)
                        liked += len(likes)
                    notes = notifications_of(docs, likes)
                    if notes:
                        # their recipients' statistics first, as notify does
                        notification_stats.write(notification_stats.updates(notes))
                        notifications.entries().insert_many(notes, ordered=False)
                        notified += len(notes)
                    bar.update(len(docs))
        finally:
            inserted = time.perf_counter()
            if rebuild:
                Post.ensure_indexes()
        finished = time.perf_counter()
        replies, shares = plan.kind.count(REPLY), plan.kind.count(SHARE)
        self.stdout.write(
            f"posts: {count} posts ({replies} replies, {shares} shares, {liked} likes; "
            f"{notified} notifications, {entered} tag and mention entries) "
            f"by {len(users)} users; "
            f"plan {planned - started:.1f}s, insert {inserted - planned:.1f}s "
            f"({count / max(inserted - planned, 1e-9):,.0f}/s)"
            + (f", indexes {finished - inserted:.1f}s" if rebuild else "")
            + f"; seed {seed}, {finished - started:.1f}s in all"
        )
