"""The API's database work issued without HTTP: the services' own selectors and queries.

Posts: the posts service's selector functions (``posts.selectors``, ``posts.feed.feed_page``,
the author statistics), run in this process under the posts settings
(``setup_posts``), so every read asks the server for exactly the time windows the API asks
for. Followers: the same Cypher texts through the neo4j driver. No gunicorn, no Django request
cycle, no DRF, no JSON: the difference to the API's latency is the framework's share. Calls
run one at a time, so this is unloaded latency.
"""

import itertools
import logging
import os
import random
import statistics
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import django
import neo4j

from bench.cast import Cast
from followers.selectors.lists import FOLLOWERS_PAGE
from followers.selectors.suggestions import FRIENDS_OF_FRIENDS
from followers.selectors.users import COUNTS
from followers.services.blocks import LOCKED_PAIR_STATE
from followers.services.follows import FOLLOW, UNFOLLOW
from hornet.headers import Forward
from hornet.identity import Identity
from posts.authors import author_stats_touch
from posts.documents import now_ms, posts_collection
from posts.feed import feed_page
from posts.likes import like_add, like_remove
from posts.notifications import reads as notification_reads
from posts.notifications import store as notification_store
from posts.selectors import post_find, posts_by_author_page
from posts.tags import tag_page

PAGE = 20


def setup_posts(env: dict[str, str]) -> None:
    """Configure Django with the posts settings on the bench stack's database, in this
    process: the posts selectors then run as in a posts worker."""
    os.environ.update(
        {k: v for k, v in env.items() if k.startswith("MONGO_") or k == "FOLLOWERS_SERVICE_URL"}
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "settings.dev_posts"
    django.setup()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # the bench's readiness polls


def summary(samples_ms: list[float], seconds: float, errors: int = 0) -> dict[str, float]:
    ordered = sorted(samples_ms)
    cut = statistics.quantiles(ordered, n=100, method="inclusive") if len(ordered) > 1 else []

    def pct(p: int) -> float:
        return round(cut[p - 1] if cut else ordered[0], 2) if ordered else 0.0

    return {
        "p50_ms": pct(50),
        "p95_ms": pct(95),
        "p99_ms": pct(99),
        "rps": round(len(ordered) / seconds, 1),
        "errors": errors,
        "samples": len(ordered),
    }


def measure(call: Callable[[], Any], seconds: float, max_calls: int = 400) -> dict[str, float]:
    """Up to ``max_calls`` sequential calls within ``seconds`` (after 5 unmeasured ones). A call
    that raises (a query over its maxTimeMS, as the API's 503) counts as an error, its time
    as a sample."""
    errors = 0

    def attempt() -> None:
        nonlocal errors
        try:
            call()
        except Exception:  # noqa: BLE001 - counted, as wrk counts a non-2xx answer
            errors += 1

    for _ in range(5):
        attempt()
    errors = 0
    samples: list[float] = []
    started = time.perf_counter()
    while len(samples) < max_calls and time.perf_counter() - started < seconds:
        t = time.perf_counter()
        attempt()
        samples.append((time.perf_counter() - t) * 1000)
    return summary(samples, time.perf_counter() - started, errors)


def alternately(
    pairs: Sequence[tuple[Any, Any]], do: Callable[..., Any], undo: Callable[..., Any]
) -> Callable[[], Any]:
    """A call that takes the pairs in turn: ``do(*pair)`` once, then ``undo(*pair)`` (a follow,
    then its unfollow; a like, then its unlike), as the API run sends them."""
    cycle = itertools.cycle(pairs)
    step = itertools.count()
    current: list[tuple[Any, Any]] = []

    def call() -> Any:
        if next(step) % 2 == 0:
            current[:] = [next(cycle)]
            return do(*current[0])
        return undo(*current[0])

    return call


class Driver:
    """The work behind each API operation: posts through the selectors, graph on ``graph``."""

    def __init__(self, graph: neo4j.Driver, database: str, cast: Cast):
        self.graph, self.database, self.cast = graph, database, cast
        self.rng = random.Random(7)

    def read(self, query: Any, **params: Any) -> list[neo4j.Record]:
        return self.graph.execute_query(
            query, params, routing_=neo4j.RoutingControl.READ, database_=self.database
        ).records

    def read_post(self) -> Callable[[], Any]:
        ids = itertools.cycle([uuid.UUID(p) for p in self.cast.posts])
        return lambda: post_find(post_id=next(ids))

    def timeline(self, authors: list[str]) -> Callable[[], Any]:
        ids = itertools.cycle([uuid.UUID(a) for a in authors])
        return lambda: posts_by_author_page(author_id=next(ids), limit=PAGE)

    def feed(self, readers: list[str]) -> Callable[[], Any]:
        """posts.feed.feed_page itself: the reader's stored timeline (bench.fanout built it
        before the load), hydrated; the pull path only for a reader without one."""
        users = itertools.cycle([uuid.UUID(r) for r in readers])

        def call() -> Any:
            reader = Forward.of(Identity(user_id=next(users)), {})
            return feed_page(forward=reader, limit=PAGE, after=None)

        return call

    def create_post(self) -> Callable[[], Any]:
        """posts.services.post_create's writes for a post: the author's statistics, then the
        document (as mongoengine's save writes it)."""
        users = itertools.cycle([uuid.UUID(u) for u in self.cast.callers])

        def call() -> Any:
            author, at = next(users), now_ms()
            author_stats_touch(author_id=author, at=at)
            return posts_collection().insert_one(
                {
                    "_id": uuid.uuid4(),
                    "author_id": author,
                    "content": "Baseline post from the benchmark.",
                    "replies_count": 0,
                    "shares_count": 0,
                    "created_at": at,
                    "fanout_due": at,  # pending fan-out, as post_create writes it
                }
            )

        return call

    def _follow(self, sender: str, receiver: str) -> Any:
        """The follow service's two statements in one transaction: lock the pair and read its
        state, then follow (the cast's receivers are open accounts)."""
        params = {"sender_id": sender, "receiver_id": receiver, "username": None}
        params["new_id"] = str(uuid.uuid4())
        state = {"ids": sorted((sender, receiver)), "a": sender, "b": receiver}

        def work(tx: neo4j.ManagedTransaction) -> None:
            tx.run(LOCKED_PAIR_STATE, state).consume()
            tx.run(FOLLOW, params).consume()

        with self.graph.session(database=self.database) as session:
            session.execute_write(work)

    def _unfollow(self, sender: str, receiver: str) -> Any:
        params: dict[str, Any] = {"ids": sorted((sender, receiver)), "sender_id": sender}
        params["receiver_id"] = receiver
        params |= {"follow_id": None, "withdraw": True}
        return self.graph.execute_query(UNFOLLOW, params, database_=self.database)

    def follow_unfollow(self) -> Callable[[], Any]:
        return alternately(self.cast.pairs, self._follow, self._unfollow)

    def cleanup_follows(self) -> None:
        """Remove follows the load left behind (an unfollow can overtake its follow)."""
        for sender, receiver in self.cast.pairs:
            self._unfollow(sender, receiver)

    def followers_page(self) -> Callable[[], Any]:
        users = itertools.cycle(self.cast.celebrities)
        return lambda: self.read(
            FOLLOWERS_PAGE, user_id=next(users), limit=21, after_t=None, after_id=None
        )

    def counts(self) -> Callable[[], Any]:
        users = itertools.cycle(self.cast.users)
        return lambda: self.read(COUNTS, user_id=next(users))

    def suggestions(self) -> Callable[[], Any]:
        users = itertools.cycle(self.cast.feed20)
        return lambda: self.read(
            FRIENDS_OF_FRIENDS,
            me=next(users),
            limit=21,
            max_followees=200,
            per_followee=50,
            after_m=None,
            after_f=None,
            after_u=None,
        )

    def like_pairs(self) -> list[tuple[uuid.UUID, uuid.UUID]]:
        """(post, caller) as the like_unlike requests pair them (bench.workload)."""
        callers = self.cast.callers
        return [
            (uuid.UUID(p), uuid.UUID(callers[i % len(callers)]))
            for i, p in enumerate(self.cast.posts)
        ]

    def like_unlike(self) -> Callable[[], Any]:
        """posts.likes itself: alternately a like, then its unlike (as the API run does)."""
        return alternately(
            self.like_pairs(),
            lambda post, user: like_add(post_id=post, user_id=user),
            lambda post, user: like_remove(post_id=post, user_id=user),
        )

    def cleanup_likes(self) -> None:
        """Remove likes the load left behind (an unlike can overtake its like)."""
        for post, user in self.like_pairs():
            like_remove(post_id=post, user_id=user)

    def tag_timeline(self) -> Callable[[], Any]:
        tags = itertools.cycle(self.cast.tags)
        return lambda: tag_page(tag=next(tags), limit=PAGE)

    def calls(self) -> dict[str, Callable[[], Callable[[], Any]]]:
        """Per bench operation, what builds its baseline call."""
        return {
            "read_post": self.read_post,
            "user_timeline": lambda: self.timeline(self.cast.authors),
            "home_feed_20": lambda: self.feed(self.cast.feed20),
            "home_feed_500": lambda: self.feed(self.cast.feed500),
            "create_post": self.create_post,
            "follow_unfollow_cold": self.follow_unfollow,
            "follow_unfollow": self.follow_unfollow,
            "followers_page": self.followers_page,
            "counts": self.counts,
            "suggestions": self.suggestions,
            "like_unlike": self.like_unlike,
            "tag_timeline": self.tag_timeline,
            "mix": self.mix,
            "notifications": self.notifications,
        }

    def notifications(self) -> Callable[[], Any]:
        """posts.notifications.reads.groups_page itself, for the same readers as the API run,
        after their settings' read (their marker and statistics: the request reads it too; no
        blocks or mutes: the exclusions' cached read is the feed's)."""
        readers = itertools.cycle([uuid.UUID(a) for a in self.cast.authors])

        def call() -> Any:
            user_id = next(readers)
            found = notification_store.settings_get(user_id)
            reader = notification_reads.Reader(
                user_id=user_id, read_up_to=found.read_up_to, stats=found.stats
            )
            return notification_reads.groups_page(reader, limit=PAGE, after=None)

        return call

    def mix(self) -> Callable[[], Any]:
        feed = self.feed(self.cast.mix_readers)
        timeline = self.timeline(self.cast.authors)
        weighted = [feed] * 6 + [timeline] * 3 + [self.create_post()]
        return lambda: self.rng.choice(weighted)()
