"""The API's database work issued straight through pymongo and the neo4j driver.

Same query texts and filters as the services (imported from them), no HTTP, no Django: the
difference to the API's latency is the framework's share (gunicorn, Django, DRF, JSON, the
feed's cross-service plumbing). Calls run one at a time, so this is unloaded latency.
"""

import itertools
import random
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import neo4j
from pymongo.database import Database

from bench.workload import Cast
from followers.selectors.lists import FOLLOWERS_PAGE
from followers.selectors.suggestions import FRIENDS_OF_FRIENDS
from followers.selectors.users import COUNTS
from followers.services.follows import FOLLOW, LOCK_RECEIVER, UNFOLLOW
from posts.feed import FEED_AUTHOR_BATCH
from posts.queries import DESC, timeline_filter


def summary(samples_ms: list[float], seconds: float) -> dict[str, float]:
    ordered = sorted(samples_ms)
    cut = statistics.quantiles(ordered, n=100, method="inclusive") if len(ordered) > 1 else []

    def pct(p: int) -> float:
        return round(cut[p - 1] if cut else ordered[0], 2)

    return {
        "p50_ms": pct(50),
        "p95_ms": pct(95),
        "p99_ms": pct(99),
        "rps": round(len(ordered) / seconds, 1),
        "errors": 0,
        "samples": len(ordered),
    }


def measure(call: Callable[[], Any], seconds: float, max_calls: int = 400) -> dict[str, float]:
    for _ in range(5):
        call()
    samples: list[float] = []
    started = time.perf_counter()
    while len(samples) < max_calls and time.perf_counter() - started < seconds:
        t = time.perf_counter()
        call()
        samples.append((time.perf_counter() - t) * 1000)
    return summary(samples, time.perf_counter() - started)


class Driver:
    """The queries behind each API operation (posts on ``posts_db``, graph on ``graph``)."""

    def __init__(self, posts_db: Database, graph: neo4j.Driver, database: str, cast: Cast):
        self.posts, self.graph, self.database, self.cast = posts_db, graph, database, cast
        self.rng = random.Random(7)

    def read(self, query: Any, **params: Any) -> list[neo4j.Record]:
        return self.graph.execute_query(
            query, params, routing_=neo4j.RoutingControl.READ, database_=self.database
        ).records

    def read_post(self, post_ids: list[uuid.UUID]) -> Callable[[], Any]:
        ids = itertools.cycle(post_ids)
        return lambda: self.posts["posts"].find_one({"_id": next(ids)})

    def timeline(self) -> Any:
        author = uuid.UUID(self.cast.timeline_author)
        return list(self.posts["posts"].find(timeline_filter([author], None), sort=DESC, limit=21))

    def feed(self, user: str) -> Callable[[], Any]:
        authors = [uuid.UUID(a) for a in [user, *self.cast.followees[user]]]

        def call() -> Any:
            self.posts["following_cache"].find_one({"_id": user})  # the API's cache read
            rows = []
            for start in range(0, len(authors), FEED_AUTHOR_BATCH):
                query = timeline_filter(authors[start : start + FEED_AUTHOR_BATCH], None)
                query["parent_post_id"] = None
                rows += list(self.posts["posts"].find(query, sort=DESC, limit=21))
            return rows

        return call

    def create_post(self, posts_db: Database) -> Callable[[], Any]:
        users = itertools.cycle(self.cast.users)
        return lambda: posts_db["posts"].insert_one(
            {
                "_id": uuid.uuid4(),
                "author_id": uuid.UUID(next(users)),
                "content": "Baseline post from the benchmark.",
                "replies_count": 0,
                "shares_count": 0,
                "created_at": datetime.now(UTC),
            }
        )

    def follow_unfollow(self) -> Callable[[], Any]:
        pairs = itertools.cycle(self.cast.pairs)
        step = itertools.count()
        current: list[tuple[str, str]] = []

        def unfollow(tx: neo4j.ManagedTransaction, sender: str, receiver: str) -> None:
            tx.run(LOCK_RECEIVER, receiver_id=receiver).consume()
            tx.run(UNFOLLOW, sender_id=sender, receiver_id=receiver, follow_id=None).consume()

        def call() -> Any:  # alternately one follow, then its unfollow (as the API run does)
            if next(step) % 2 == 0:
                current[:] = [next(pairs)]
                sender, receiver = current[0]
                params = {"sender_id": sender, "receiver_id": receiver, "username": None}
                params["new_id"] = str(uuid.uuid4())
                return self.graph.execute_query(FOLLOW, params, database_=self.database)
            with self.graph.session(database=self.database) as session:
                return session.execute_write(unfollow, *current[0])

        return call

    def cleanup_follows(self) -> None:
        """Remove follows the load left behind (an unfollow can overtake its follow)."""

        def unfollow(tx: neo4j.ManagedTransaction, sender: str, receiver: str) -> None:
            tx.run(LOCK_RECEIVER, receiver_id=receiver).consume()
            tx.run(UNFOLLOW, sender_id=sender, receiver_id=receiver, follow_id=None).consume()

        with self.graph.session(database=self.database) as session:
            for sender, receiver in self.cast.pairs:
                session.execute_write(unfollow, sender, receiver)

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

    def mix(self, create: Callable[[], Any]) -> Callable[[], Any]:
        feed = self.feed(self.cast.feed20[0])
        weighted = [feed] * 6 + [self.timeline] * 3 + [create]
        return lambda: self.rng.choice(weighted)()
