"""The benchmark's own logic: target verdicts, percentiles, request files, the small posts set
and the shape of bench/results.json (issue 8). No timing is asserted here: `make bench`
measures, tests only check that what it reports is computed and written right."""

import json
import random
import uuid
from collections import Counter
from pathlib import Path

import pytest

from bench import report, workload
from bench.baseline import summary

ROOT = Path(__file__).resolve().parents[2]


def result(**over: float) -> dict[str, float]:
    return {"rps": 100.0, "target_rps": 100, "p99_ms": 10.0, "errors": 0, **over}


@pytest.mark.parametrize(
    ("name", "values", "overhead", "expected"),
    [
        ("read_post", {}, 1.5, "met"),
        ("read_post", {"p99_ms": 25.1}, 1.5, "MISSED: p99"),
        ("read_post", {"rps": 94.0}, 1.0, "MISSED: rate"),
        ("read_post", {"errors": 1}, 1.0, "MISSED: errors"),
        ("counts", {"p99_ms": 500.0}, 2.7, "MISSED: overhead"),  # no p99 target for counts
        ("create_post", {"rps": 50.0, "target_rps": 50}, 7.0, "met"),  # a write: no ratio
        (
            "home_feed_500",
            {"rps": 16.0, "target_rps": 50, "p99_ms": 2716.0},
            22.6,
            "MISSED: rate,p99,overhead",
        ),
        ("user_timeline@1M", {}, None, "-"),
    ],
)
def test_verdict_names_every_missed_target(name, values, overhead, expected):
    assert report.verdict(name, result(**values), overhead) == expected


def test_summary_percentiles_and_rate():
    stats = summary([float(ms) for ms in range(1, 101)], seconds=2.0)
    assert (stats["p50_ms"], stats["p95_ms"], stats["p99_ms"]) == (50.5, 95.05, 99.01)
    assert stats["rps"] == 50.0
    assert stats["samples"] == 100


def test_summary_of_a_single_sample():
    assert summary([7.0], seconds=1.0)["p99_ms"] == 7.0


def ids(n: int) -> list[str]:
    return [str(uuid.uuid4()) for _ in range(n)]


@pytest.fixture
def cast() -> workload.Cast:
    readers = ids(20)
    big = str(uuid.uuid4())
    followees = {r: ids(20) for r in readers}
    followees[big] = ids(532)
    pairs = [(a, b) for a, b in zip(ids(300), ids(300), strict=True)]
    return workload.Cast(readers, big, followees, ids(20), ids(300), pairs)


def test_request_files_cover_every_operation_in_the_mix_proportions(cast):
    lines = workload.requests(cast, ids(50), random.Random(1))
    assert set(lines) == set(report.OPERATIONS)
    for rows in lines.values():
        for row in rows:
            method, path, user, body = row.split("\t")
            assert method in {"GET", "POST", "DELETE"}
            assert path.startswith("/")
            uuid.UUID(user)
            if body:
                json.loads(body)
    kinds = Counter(row.split("\t")[1].split("?")[0].split("/")[1] for row in lines["mix"])
    assert kinds == {"feed": 60, "posts": 40}
    creates = sum(row.startswith("POST") for row in lines["mix"])
    assert creates == 10  # 60% feed, 30% timeline, 10% create post


def test_follow_and_unfollow_alternate_on_the_same_pair(cast):
    rows = workload.requests(cast, [], random.Random(1))["follow_unfollow"]
    for follow, unfollow in zip(rows[::2], rows[1::2], strict=True):
        _, _, sender, body = follow.split("\t")
        method, path, user, _ = unfollow.split("\t")
        receiver = json.loads(body)["receiver_id"]
        assert (method, path, user) == ("DELETE", f"/followers/following/{receiver}", sender)


def test_followers_pages_of_the_most_followed_come_from_many_callers(cast):
    rows = workload.requests(cast, [], random.Random(1))["followers_page"]
    accounts = Counter(row.split("\t")[1].split("/")[3] for row in rows)
    callers = {row.split("\t")[2] for row in rows}
    assert set(accounts) == set(cast.celebrities)  # the 20 most followed, evenly
    assert len(set(accounts.values())) == 1
    assert callers == set(cast.users)  # 300 callers
    assert all(row.split("\t")[1].endswith("/followers?limit=20") for row in rows)
    assert report.OPERATIONS["followers_page"][1:3] == (100, 25)  # p99 <= 25 ms at 100 req/s


def test_every_page_the_bench_reads_from_the_small_set_is_full(cast):
    docs = workload.small_posts(cast)
    by_author = Counter(str(d["author_id"]) for d in docs)
    assert by_author[cast.timeline_author] >= 21  # a full timeline page and a next one
    for reader in (cast.feed20[0], cast.feed500):
        assert sum(by_author[a] for a in cast.followees[reader]) >= 21
    assert len({d["_id"] for d in docs}) == len(docs)


def test_committed_results_have_the_shape_issue_8_asks_for():
    results = json.loads((ROOT / "bench" / "results.json").read_text())
    assert set(results) >= {"operations", "baseline", "env"}
    assert set(results["operations"]) >= set(report.OPERATIONS)
    for name, op in results["operations"].items():
        for field in ("p50_ms", "p95_ms", "p99_ms", "rps", "errors"):
            assert isinstance(op[field], int | float), (name, field)
    assert set(results["baseline"]) >= set(report.OPERATIONS) - {"mix"}
    assert results["env"]["seed"]["args"][:2] == ["--users", "10000"]


def test_written_results_read_back(tmp_path):
    path = tmp_path / "results.json"
    report.write(path, {"operations": {}, "baseline": {}, "env": {"at": "now"}})
    assert json.loads(path.read_text())["env"] == {"at": "now"}
