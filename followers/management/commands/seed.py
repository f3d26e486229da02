"""``manage.py seed`` (followers settings): users and a power-law follow graph in Neo4j.

Bulk path: the service's own, ``UNWIND $rows ... MERGE``, one write transaction per ``--batch``
rows: users through ``users_upsert_many``, follows through ``follows_create_many`` (one FOLLOWS
edge per pair with an ``id``, a ``created_at`` and its endpoints' ids; ``User.followers_count``
raised only when the edge is new, so it stays equal to the in-degree and re-running a seed
adds nothing).

Shape: user ``i`` follows ``d_i`` others, ``d_i`` drawn from a Pareto law (mean
``--avg-follows``, a few users follow thousands); whom they follow is drawn by popularity
(hornet.seeding: Zipf over a seeded ranking), so a few accounts collect most followers.
"""

import random
import sys
import time
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from followers import graph, services
from followers.db import driver
from hornet import seeding

PARETO_SHAPE = 1.5

QUERY_TIMEOUT_SECONDS = 300.0  # a batch of thousands of MERGEs outlasts a request's timeout


def out_degrees(rng: random.Random, count: int, avg: int) -> list[int]:
    """How many users each user follows: Pareto-distributed, summing to ``count * avg``."""
    if count < 2 or avg <= 0:
        return [0] * count
    cap = min(count - 1, max(10, count // 5))
    raw = [rng.paretovariate(PARETO_SHAPE) for _ in range(count)]
    scale = avg * count / sum(raw)
    degrees = [min(cap, max(1, round(x * scale))) for x in raw]
    target = min(avg * count, cap * count)
    total = sum(degrees)
    while total != target:  # rounding and the cap drift from the mean: nudge random users
        i = rng.randrange(count)
        if total < target and degrees[i] < cap:
            degrees[i] += 1
            total += 1
        elif total > target and degrees[i] > 1:
            degrees[i] -= 1
            total -= 1
    return degrees


def follow_plan(
    seed: int, users: list[seeding.SeedUser], avg: int, realm_count: int
) -> tuple[int, Iterator[dict[str, Any]]]:
    """(how many follows, rows for ``follows_create_many``)."""
    rng = random.Random(f"{seed}:follows")
    degrees = out_degrees(rng, len(users), avg)
    cum = seeding.popularity(seed, len(users))
    followees = [
        seeding.pick_distinct(rng, cum, degree, exclude=sender) if degree else []
        for sender, degree in enumerate(degrees)
    ]
    # The Keycloak test users (--demo) follow one another, so each sees the others' posts.
    for sender in range(realm_count):
        peers = [r for r in range(realm_count) if r != sender]
        followees[sender] = peers + [p for p in followees[sender] if p not in peers]
    end_ms = seeding.epoch_ms(seeding.window_end())
    window_ms = seeding.epoch_ms(seeding.EPOCH + seeding.WINDOW)
    ids = [str(u.user_id) for u in users]

    def rows() -> Iterator[dict[str, Any]]:
        for sender, picks in enumerate(followees):
            for receiver in picks:
                yield {
                    "sender_id": ids[sender],
                    "receiver_id": ids[receiver],
                    "id": str(seeding.random_uuid(rng)),
                    "created_ms": end_ms - rng.randrange(window_ms),
                }

    return sum(map(len, followees)), rows()


def graph_has_users() -> bool:
    return bool(graph.read("MATCH (u:User) RETURN u.user_id AS id LIMIT 1"))


# The service's nodes: users (with their FOLLOWS and DISMISSED edges) and the
# Idempotency-Key records of followers.idempotency. Edges go first, in batches of their own:
# a DETACH DELETE of a user with 100k followers in one inner transaction exceeds the server's
# transaction memory pool.
WIPE_EDGES = """
MATCH (:User)-[r]->()
CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS
"""
WIPE = """
MATCH (n) WHERE n:User OR n:IdempotencyKey
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
"""


def wipe_graph() -> int:
    """Delete the service's whole graph (and nothing else), in batches."""
    with driver().session(database=settings.NEO4J_DB) as session:
        session.run(WIPE_EDGES).consume()
        summary = session.run(WIPE).consume()
    services.forget_seen()
    return int(summary.counters.nodes_deleted)


class Command(BaseCommand):
    help = "Seed the follow graph: deterministic users (from --seed) and power-law follows."

    def add_arguments(self, parser):
        seeding.seed_arguments(parser, batch=5000)

    def handle(self, *args, **options):
        sizes = seeding.sizes(options)
        before = settings.NEO4J_QUERY_TIMEOUT_SECONDS
        settings.NEO4J_QUERY_TIMEOUT_SECONDS = max(before, QUERY_TIMEOUT_SECONDS)
        try:
            self.seed(sizes, options)
        finally:
            settings.NEO4J_QUERY_TIMEOUT_SECONDS = before

    def seed(self, sizes: dict[str, int], options: dict[str, Any]) -> None:
        verbosity = options["verbosity"]
        if options["reset"]:
            seeding.confirm_reset(
                "every user, follow and idempotency key in the graph",
                yes=options["yes"],
                interactive=sys.stdin.isatty(),
            )
            self.stdout.write(f"followers: reset, {wipe_graph()} nodes deleted")
        elif options["if_empty"] and graph_has_users():
            self.stdout.write("followers: the graph already has users; not seeding (--if-empty)")
            return

        started = time.perf_counter()
        seed, batch = options["seed"], options["batch"]
        users = seeding.seed_users(seed, sizes["users"], demo=options["demo"])
        realm_count = len(users) - sizes["users"]
        with seeding.progress(len(users), "user", verbosity) as bar:
            bar.set_description("users")
            for chunk in seeding.batched(users, batch):
                services.users_upsert_many(
                    [{"user_id": str(u.user_id), "username": u.username} for u in chunk]
                )
                bar.update(len(chunk))
        users_done = time.perf_counter()

        total, follow_rows = follow_plan(seed, users, sizes["avg_follows"], realm_count)
        created = 0
        with seeding.progress(total, "follow", verbosity) as bar:
            bar.set_description("follows")
            for rows in seeding.batched(follow_rows, batch):
                created += services.follows_create_many(rows)
                bar.update(len(rows))
        finished = time.perf_counter()
        follows_seconds = finished - users_done
        self.stdout.write(
            f"followers: {len(users)} users in {users_done - started:.1f}s, "
            f"{created} new follows of {total} in {follows_seconds:.1f}s "
            f"({total / max(follows_seconds, 1e-9):,.0f}/s); seed {seed}, "
            f"{finished - started:.1f}s in all"
        )
