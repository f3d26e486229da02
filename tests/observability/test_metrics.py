"""GET /metrics on each service (hornet/metrics.py): the series move with requests, are labelled
by route template, and stay right with 2 gunicorn workers (prometheus-client's multiprocess
mode set up by hornet/gunicorn_conf.py through the real launcher)."""

import os
import signal
import uuid

import httpx

from tests.helpers import wait_for
from tests.observability.helpers import (
    Stack,
    metrics_files_pids,
    scrape,
    user,
    value,
    worker_pids,
)

REQUESTS = "hornet_http_requests_total"


def _create(stack: Stack, author: uuid.UUID, **headers: str) -> httpx.Response:
    return httpx.post(
        f"{stack.posts.url}/posts",
        json={"content": "hello"},
        headers={"X-User-ID": str(author), **headers},
        timeout=5,
    )


def test_requests_are_counted_by_route_template_across_both_workers(stack: Stack):
    author = user()
    post_id = _create(stack, author).json()["id"]
    route = {"route": "/posts/<str:id>", "method": "GET", "status": "200"}
    before = value(scrape(stack.posts), REQUESTS, **route)
    sent = 0
    # A new connection per request: gunicorn's workers take turns accepting; go on until both
    # have served one (their series live in separate files that each scrape merges).
    while sent < 20 or len(metrics_files_pids(stack.posts)) < 2:
        response = httpx.get(
            f"{stack.posts.url}/posts/{post_id}/", headers={"X-User-ID": str(author)}
        )
        assert response.status_code == 200
        sent += 1
        assert sent < 500, "one worker served every request"
    samples = scrape(stack.posts)
    assert value(samples, REQUESTS, **route) == before + sent
    # Both slash forms are one route; no label holds an id (bounded cardinality).
    routes = {labels["route"] for labels, _ in samples[REQUESTS]}
    assert {"/posts/<str:id>", "/posts"} <= routes
    assert not any(post_id in r or author.hex in r for r in routes)
    latency = value(samples, "hornet_http_request_duration_seconds_count", route="/posts/<str:id>")
    assert latency >= sent


def test_unrouted_paths_share_one_label(stack: Stack):
    before = value(scrape(stack.posts), REQUESTS, route="unmatched", status="404")
    for n in range(3):
        assert httpx.get(f"{stack.posts.url}/nothing/{uuid.uuid4()}/{n}").status_code == 404
    samples = scrape(stack.posts)
    assert value(samples, REQUESTS, route="unmatched", status="404") == before + 3
    assert all("nothing" not in labels["route"] for labels, _ in samples[REQUESTS])


def test_database_latency_series(stack: Stack):
    author = user()
    _create(stack, author)
    httpx.get(f"{stack.posts.url}/posts/author/{author}", headers={"X-User-ID": str(author)})
    posts = scrape(stack.posts)
    assert value(posts, "hornet_mongodb_command_duration_seconds_count", command="insert") >= 1
    assert value(posts, "hornet_mongodb_command_duration_seconds_count", command="find") >= 1
    follower, followee = user(), user()
    response = httpx.post(
        f"{stack.followers.url}/followers",
        json={"receiver_id": str(followee)},
        headers={"X-User-ID": str(follower)},
    )
    assert response.status_code == 201
    followers = scrape(stack.followers)
    queries = {
        labels["query"]
        for labels, _ in followers["hornet_neo4j_transaction_duration_seconds_count"]
    }
    # Named by the function that ran the transaction, never by the Cypher text or an id.
    assert any(q.startswith("services.") for q in queries), queries
    assert all("MATCH" not in q and str(follower) not in q for q in queries)


def test_idempotency_replays_and_throttled_writes_are_counted(stack: Stack):
    author = user()
    before = scrape(stack.posts)
    key = {"Idempotency-Key": uuid.uuid4().hex}
    first, again = _create(stack, author, **key), _create(stack, author, **key)
    assert first.status_code == again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true"
    after = scrape(stack.posts)
    replays = "hornet_idempotency_replays_total"
    assert value(after, replays) == value(before, replays) + 1
    throttled = "hornet_throttled_requests_total"
    # 20 writes a minute per caller in this stack (HORNET_WRITE_RATE).
    answers = [_create(stack, author).status_code for _ in range(25)]
    assert 429 in answers
    assert value(scrape(stack.posts), throttled) >= value(before, throttled) + 1


def test_feed_degraded_and_the_breaker_state(stack: Stack):
    reader = user()
    before = scrape(stack.posts)
    degraded = "hornet_feed_degraded_total"
    stack.proxy.stop()
    try:
        sent = 0
        # Until the breaker of some worker opens (2 failures).
        while value(scrape(stack.posts), "hornet_circuit_breaker_state", breaker="followers") < 2:
            response = httpx.get(f"{stack.posts.url}/feed", headers={"X-User-ID": str(reader)})
            assert response.headers.get("X-Feed-Degraded") == "true"
            sent += 1
            assert sent < 50, "the breaker never opened"
        assert value(scrape(stack.posts), degraded) == value(before, degraded) + sent
    finally:
        stack.proxy.start()


def test_fanout_queue_depth_and_lag(stack: Stack):
    _create(stack, user())
    _create(stack, user())
    samples = scrape(stack.posts)  # no fan-out worker runs here: both posts wait
    assert value(samples, "hornet_fanout_queue_depth") == 2
    assert value(samples, "hornet_fanout_lag_seconds") >= 0
    assert "hornet_fanout_queue_depth" not in scrape(stack.followers)


def test_a_dead_workers_counts_stay_and_its_replacement_counts_on(stack: Stack):
    author = user()
    route = {"route": "/posts/author/<str:author_id>", "method": "GET"}
    for _ in range(6):
        httpx.get(f"{stack.posts.url}/posts/author/{author}", headers={"X-User-ID": str(author)})
    before = value(scrape(stack.posts), REQUESTS, **route)
    assert before >= 6
    old = worker_pids(stack.posts)
    victim = sorted(old)[0]
    os.kill(victim, signal.SIGKILL)
    wait_for(lambda: len(worker_pids(stack.posts) - old) == 1 and stack.posts.ready(), 30)
    httpx.get(f"{stack.posts.url}/posts/author/{author}", headers={"X-User-ID": str(author)})
    assert value(scrape(stack.posts), REQUESTS, **route) == before + 1
