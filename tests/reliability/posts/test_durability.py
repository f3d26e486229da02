"""Durability: acknowledged writes survive database restarts, with nothing lost or doubled.

The restart test stops and restarts each shared test database server (the MongoDB-wire
server, then Neo4j) while a writer sends posts, replies, shares and follows through real
gunicorn services. The writer behaves like a careful client: every create carries an
Idempotency-Key and is retried with the same key until it is acknowledged. Afterwards every
acknowledged object is readable, each exists once, and every counter equals the real count.
The servers are restarted before the test returns, whatever happens.
"""

import random
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from posts.consistency import check_consistency
from posts.db import database
from posts.documents import posts_collection
from posts.idempotency import COLLECTION
from tests.helpers import db_script, wait_for
from tests.reliability.stack import (
    MONGO,
    NEO4J,
    followers_service,
    posts_service,
    record_numbers,
)
from tests.support import env
from tests.support.services import Service

OPERATIONS = 150
DEADLINE_SECONDS = 240


def test_writes_use_a_majority_journaled_write_concern():
    """settings.posts asks for w=majority, j=true; the client (and so every write) carries it."""
    expected = {"w": "majority", "j": True}
    assert database().client.write_concern.document == expected
    assert posts_collection().write_concern.document == expected
    assert database()[COLLECTION].write_concern.document == expected


@dataclass
class Writer:
    posts_url: str
    followers_url: str
    authors: list[uuid.UUID] = field(default_factory=lambda: [uuid.uuid4() for _ in range(5)])
    fans: list[uuid.UUID] = field(default_factory=lambda: [uuid.uuid4() for _ in range(8)])
    acked_posts: dict[str, dict] = field(default_factory=dict)  # type: ignore[type-arg]
    acked_follows: set[tuple[str, str]] = field(default_factory=set)
    acked: int = 0
    attempts: int = 0
    failures: int = 0
    done: threading.Event = field(default_factory=threading.Event)

    def send(self, url: str, user: uuid.UUID, body: dict) -> dict:  # type: ignore[type-arg]
        """POST until acknowledged, always with the same Idempotency-Key."""
        key = uuid.uuid4().hex
        headers = {"X-User-ID": str(user), "Idempotency-Key": key}
        deadline = time.monotonic() + DEADLINE_SECONDS
        while time.monotonic() < deadline:
            self.attempts += 1
            try:
                response = httpx.post(url, json=body, headers=headers, timeout=10)
                if response.status_code in (200, 201):
                    self.acked += 1
                    return dict(response.json())
                assert response.status_code in (409, 503, 504), response.text
            except httpx.HTTPError:
                pass
            self.failures += 1
            time.sleep(0.2)  # deliberate: a careful client's pause before it retries
        raise AssertionError(f"not acknowledged in time: {body}")

    def run(self) -> None:
        rng = random.Random(9)
        try:
            for i in range(OPERATIONS):
                kind = i % 4 if self.acked_posts else 0
                if kind == 3:
                    fan, idol = rng.choice(self.fans), rng.choice(self.authors)
                    self.send(f"{self.followers_url}/followers", fan, {"receiver_id": str(idol)})
                    self.acked_follows.add((str(fan), str(idol)))
                    continue
                body: dict[str, str] = {"content": f"op-{i}"}
                if kind == 1:
                    body["parent_post_id"] = rng.choice(list(self.acked_posts))
                elif kind == 2:
                    body["original_post_id"] = rng.choice(list(self.acked_posts))
                post = self.send(f"{self.posts_url}/posts", rng.choice(self.authors), body)
                self.acked_posts[post["id"]] = post
                time.sleep(0.02)  # deliberate: the operations spread over both restarts
        finally:
            self.done.set()


@pytest.fixture
def services(followers_url: str) -> Iterator[tuple[Service, Service]]:
    with env.neo4j_driver() as driver:
        driver.execute_query("MATCH (n) DETACH DELETE n")
    tuning = {
        "GUNICORN_THREADS": "4",
        "HORNET_WRITE_RATE": "100000/min",
        "IDEMPOTENCY_LEASE_SECONDS": "3",  # a claim whose request died is retried soon
    }
    posts = posts_service(
        MONGO[1],
        "durability-posts",
        followers=followers_url,
        MONGO_SOCKET_TIMEOUT_MS="2000",
        **tuning,
    )
    followers = followers_service(NEO4J[1], "durability-followers", **tuning)
    try:
        posts.wait_ready()
        followers.wait_ready()
        yield posts, followers
    finally:
        posts.stop()
        followers.stop()


def _restart(name: str, writer: Writer, stats: dict[str, float]) -> None:
    started = time.monotonic()
    failed_before = writer.failures
    db_script(name, "stop")
    try:
        # Requests keep arriving at a server that is gone, until one of them has failed.
        wait_for(lambda: writer.failures > failed_before or writer.done.is_set(), 60)
    finally:
        db_script(name, "start")  # always: other tests share these servers
    stats[f"{name}_down_s"] = round(time.monotonic() - started, 1)


@pytest.mark.slow
def test_nothing_acknowledged_is_lost_or_doubled_across_database_restarts(services):
    posts, followers = services
    writer = Writer(posts.url, followers.url)
    thread = threading.Thread(target=writer.run, daemon=True)
    stats: dict[str, float] = {}
    thread.start()
    try:
        wait_for(lambda: writer.acked >= OPERATIONS // 4 or writer.done.is_set(), 60)
        _restart("mongo", writer, stats)
        wait_for(lambda: writer.acked >= OPERATIONS // 2 or writer.done.is_set(), 120)
        _restart("neo4j", writer, stats)
    finally:
        thread.join(DEADLINE_SECONDS)
    assert writer.done.is_set()
    assert not thread.is_alive()
    assert writer.acked == OPERATIONS  # every operation was acknowledged in the end

    # Every acknowledged post is readable, as acknowledged, and exists exactly once. A read
    # needs the reader's blocks from the followers service, whose breaker the Neo4j restart
    # may have opened: the first read waits until reads are answered again (503 meanwhile).
    with httpx.Client(headers={"X-User-ID": str(uuid.uuid4())}, timeout=10) as client:
        first = next(iter(writer.acked_posts))
        wait_for(lambda: client.get(f"{posts.url}/posts/{first}").status_code != 503, 30)
        for post_id, post in writer.acked_posts.items():
            response = client.get(f"{posts.url}/posts/{post_id}")
            assert response.status_code == 200
            assert response.json()["content"] == post["content"]
    rows = list(posts_collection().find({}, {"content": 1}))
    assert len(rows) == len(writer.acked_posts)
    assert len({r["content"] for r in rows}) == len(rows)  # no op stored twice
    # Counters equal the real counts, with no intent left open.
    report = check_consistency()
    assert report.clean, report
    for post_id in writer.acked_posts:
        row = posts_collection().find_one({"_id": uuid.UUID(post_id)})
        assert row is not None
        assert row["replies_count"] == posts_collection().count_documents(
            {"parent_post_id": row["_id"]}
        )
        assert row["shares_count"] == posts_collection().count_documents(
            {"original_post_id": row["_id"]}
        )
        assert not row.get("_pending")
    # Every acknowledged follow is one edge; stored counts equal the real degree.
    with env.neo4j_driver() as driver:
        pairs, _, _ = driver.execute_query(
            "MATCH (a:User)-[r:FOLLOWS]->(b:User) RETURN a.user_id AS a, b.user_id AS b"
        )
        assert sorted((r["a"], r["b"]) for r in pairs) == sorted(writer.acked_follows)
        counts, _, _ = driver.execute_query(
            "MATCH (u:User) RETURN u.followers_count AS stored, COUNT { (u)<-[:FOLLOWS]-() } AS n"
        )
        assert all(r["stored"] == r["n"] for r in counts)
    record_numbers(
        "restarts",
        {
            **stats,
            "operations_acknowledged": writer.acked,
            "posts_replies_shares": len(writer.acked_posts),
            "follows": len(writer.acked_follows),
            "requests_sent": writer.attempts,
            "requests_failed_and_retried": writer.failures,
            "lost": 0,
            "duplicated": 0,
        },
    )
