"""The benchmark's ``notifications`` operation (issue 18): its requests, target, baseline and
the seeding check; self-contained beside tests/bench/test_bench.py (whose cast it uses)."""

import random
import uuid
from collections import Counter

from bench import report, seed, workload
from bench.baseline import Driver
from tests.bench.test_bench import cast, rows_of  # noqa: F401 (the fixture)


def test_notification_pages_are_read_by_many_users_each_as_themself(cast):  # noqa: F811
    rows = rows_of(workload.requests(cast, random.Random(1))["notifications"])
    assert all((method, path) == ("GET", "/notifications?limit=20") for method, path, _, _ in rows)
    readers = Counter(user for _, _, user, _ in rows)
    assert len(readers) > 100  # spread as activity is: the busiest most often
    assert set(readers) <= set(cast.authors)
    assert report.OPERATIONS["notifications"] == ("posts", 100, 25, True)  # p99 <= 25 ms


def test_the_notifications_baseline_is_the_selector(cast):  # noqa: F811
    call = Driver(None, "neo4j", cast).calls()["notifications"]  # type: ignore[arg-type]
    assert callable(call)


def test_a_data_set_without_notifications_is_seeded_again():
    class Collection:
        def __init__(self, n: int):
            self.n = n

        def estimated_document_count(self) -> int:
            return self.n

    def client(n: int) -> dict:
        return {"hornet": {"notifications": Collection(n)}}

    env = {"MONGO_DB": "hornet"}
    assert seed.notifications_missing(client(0), env) == "no notifications seeded"  # type: ignore[arg-type]
    assert seed.notifications_missing(client(uuid.uuid4().int % 7 + 1), env) is None  # type: ignore[arg-type]
