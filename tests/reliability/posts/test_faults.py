"""Faults through real gunicorn processes, each database behind a loopback proxy that the test
cuts or slows (the shared servers keep running):

- a database down: its service answers 503 JSON quickly, the other service is unaffected,
  and both recover by themselves when it returns;
- a slow database: requests end with 503 instead of hanging, and a burst larger than the
  worker's threads does not leave the service stuck (the next request succeeds at once).

Latencies are measured and kept for docs/reliability.md; they are bounded by a generous client
timeout, not asserted (timing belongs to the benchmark).
"""

import statistics
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
import pytest

from tests.helpers import wait_for
from tests.reliability.stack import (
    MONGO,
    NEO4J,
    as_user,
    followers_service,
    posts_service,
    record_numbers,
)
from tests.support import env
from tests.support.proxies import LatencyProxy
from tests.support.services import Service

CLIENT_TIMEOUT = 15.0  # the bound: no request may hang longer than this
THREADS = 4


@dataclass
class Faults:
    posts: Service
    followers: Service
    mongo: LatencyProxy
    neo4j: LatencyProxy


@pytest.fixture(scope="module")
def faults(followers_url: str) -> Iterator[Faults]:
    mongo, graph = LatencyProxy(MONGO), LatencyProxy(NEO4J)
    mongo.start()
    graph.start()
    tuning = {"GUNICORN_THREADS": str(THREADS), "HORNET_WRITE_RATE": "100000/min"}
    posts = posts_service(
        mongo.port,
        "faults-posts",
        followers=followers_url,
        MONGO_TIMEOUT_MS="500",
        MONGO_SOCKET_TIMEOUT_MS="1000",
        **tuning,
    )
    followers = followers_service(
        graph.port,
        "faults-followers",
        NEO4J_TIMEOUT_SECONDS="0.5",
        NEO4J_QUERY_TIMEOUT_SECONDS="1",
        **tuning,
    )
    try:
        posts.wait_ready()
        followers.wait_ready()
        yield Faults(posts, followers, mongo, graph)
    finally:
        posts.stop()
        followers.stop()
        mongo.stop()
        graph.stop()


def timed(send) -> tuple[httpx.Response, float]:  # type: ignore[no-untyped-def]
    start = time.monotonic()
    response = send()
    return response, time.monotonic() - start


def assert_503(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    body = response.json()
    assert body["code"] == "database_unavailable"
    text = response.text.lower()
    ports = (str(MONGO[1]), str(NEO4J[1]))
    for leak in ("errno", "timed out", *ports, "bolt", "pymongo", "traceback"):
        assert leak not in text


def test_mongodb_down_is_a_fast_503_followers_unaffected_and_recovery_automatic(faults):
    me = uuid.uuid4()
    with as_user(me, CLIENT_TIMEOUT) as client:
        post = client.post(f"{faults.posts.url}/posts", json={"content": "before"}).json()
        faults.mongo.stop()
        latencies = []
        for send in (
            lambda: client.get(f"{faults.posts.url}/posts/{post['id']}"),
            lambda: client.post(f"{faults.posts.url}/posts", json={"content": "during"}),
            lambda: client.get(f"{faults.posts.url}/posts/author/{me}"),
            lambda: client.delete(f"{faults.posts.url}/posts/{post['id']}"),
        ):
            response, seconds = timed(send)
            assert_503(response)
            latencies.append(seconds)
        assert client.get(f"{faults.posts.url}/readyz").status_code == 503
        # The other service does not notice.
        follow = client.post(
            f"{faults.followers.url}/followers", json={"receiver_id": str(uuid.uuid4())}
        )
        assert follow.status_code == 201
        assert client.get(f"{faults.followers.url}/readyz").status_code == 200
        faults.mongo.start()  # same port: the service's client finds it again by itself
        started = time.monotonic()
        wait_for(lambda: client.get(f"{faults.posts.url}/posts/{post['id']}").status_code == 200)
        recovery = time.monotonic() - started
        assert client.get(f"{faults.posts.url}/posts/{post['id']}").json()["content"] == "before"
    record_numbers(
        "mongodb_down",
        {
            "503_latency_s_max": round(max(latencies), 3),
            "503_latency_s_median": round(statistics.median(latencies), 3),
            "recovered_after_restore_s": round(recovery, 3),
        },
    )


def test_neo4j_down_is_a_fast_503_posts_unaffected_and_recovery_automatic(faults):
    me, them = uuid.uuid4(), uuid.uuid4()
    with as_user(me, CLIENT_TIMEOUT) as client:
        assert (
            client.post(
                f"{faults.followers.url}/followers", json={"receiver_id": str(them)}
            ).status_code
            == 201
        )
        faults.neo4j.stop()
        latencies = []
        for send in (
            lambda: client.get(f"{faults.followers.url}/followers/user/{them}/followers/count"),
            lambda: client.post(
                f"{faults.followers.url}/followers", json={"receiver_id": str(uuid.uuid4())}
            ),
            lambda: client.get(f"{faults.followers.url}/followers/user/{me}/following"),
        ):
            response, seconds = timed(send)
            assert_503(response)
            latencies.append(seconds)
        assert client.post(f"{faults.posts.url}/posts", json={"content": "fine"}).status_code == 201
        assert client.get(f"{faults.posts.url}/readyz").status_code == 200
        faults.neo4j.start()
        started = time.monotonic()
        count_url = f"{faults.followers.url}/followers/user/{them}/followers/count"
        wait_for(lambda: client.get(count_url).status_code == 200)
        recovery = time.monotonic() - started
        assert client.get(count_url).json() == {"count": 1}
    record_numbers(
        "neo4j_down",
        {
            "503_latency_s_max": round(max(latencies), 3),
            "503_latency_s_median": round(statistics.median(latencies), 3),
            "recovered_after_restore_s": round(recovery, 3),
        },
    )


def burst(n: int, send) -> tuple[list[int], float]:  # type: ignore[no-untyped-def]
    start = time.monotonic()
    with ThreadPoolExecutor(n) as pool:
        statuses = list(pool.map(lambda _: send().status_code, range(n)))
    return statuses, time.monotonic() - start


def test_slow_mongodb_requests_end_with_503_and_workers_are_freed(faults):
    me = uuid.uuid4()
    with as_user(me, CLIENT_TIMEOUT) as client:
        post = client.post(f"{faults.posts.url}/posts", json={"content": "x"}).json()
        faults.mongo.delay = 3.0  # every answer from the database arrives 3 s late
        try:
            response, single = timed(lambda: client.get(f"{faults.posts.url}/posts/{post['id']}"))
            assert_503(response)
            # Four times the worker's threads at once: each ends cleanly, none hangs.
            statuses, seconds = burst(
                4 * THREADS,
                lambda: as_user(me, CLIENT_TIMEOUT).post(
                    f"{faults.posts.url}/posts", json={"content": "slow"}
                ),
            )
            assert set(statuses) <= {503, 504}
        finally:
            faults.mongo.delay = 0.0
        freed, after = timed(lambda: client.get(f"{faults.posts.url}/posts/{post['id']}"))
        if freed.status_code != 200:  # a pooled socket may still carry a late answer
            freed = wait_for(
                lambda: (
                    (r := client.get(f"{faults.posts.url}/posts/{post['id']}")).status_code == 200
                    and r
                )
            )
        assert freed.status_code == 200
    record_numbers(
        "mongodb_slow_3s",
        {
            "single_request_503_s": round(single, 3),
            "burst_requests": 4 * THREADS,
            "burst_all_answered_s": round(seconds, 3),
            "next_request_after_restore_s": round(after, 3),
        },
    )


def test_slow_neo4j_query_times_out_with_503_and_workers_are_freed(faults):
    """A follow that waits on a lock held elsewhere: the transaction timeout
    (NEO4J_QUERY_TIMEOUT_SECONDS, 1 s here) ends it with a 503, not a hang."""
    me, them = uuid.uuid4(), uuid.uuid4()
    with as_user(them, CLIENT_TIMEOUT) as client:  # creates ``them`` in the graph
        assert (
            client.get(f"{faults.followers.url}/followers/user/{them}/followers/count").status_code
            == 200
        )
    driver = env.neo4j_driver()
    session = driver.session()
    tx = session.begin_transaction()
    try:
        tx.run("MATCH (u:User {user_id: $id}) SET u.locked_by_test = true", id=str(them)).consume()
        with as_user(me, CLIENT_TIMEOUT) as client:
            follow = lambda: client.post(  # noqa: E731
                f"{faults.followers.url}/followers", json={"receiver_id": str(them)}
            )
            response, single = timed(follow)
            assert response.status_code == 503, response.text
            assert response.json()["code"] == "database_unavailable"
            statuses, seconds = burst(
                4 * THREADS,
                lambda: as_user(me, CLIENT_TIMEOUT).post(
                    f"{faults.followers.url}/followers", json={"receiver_id": str(them)}
                ),
            )
            assert set(statuses) == {503}
    finally:
        tx.rollback()
        session.close()
        driver.close()
    with as_user(me, CLIENT_TIMEOUT) as client:
        response, after = timed(
            lambda: client.post(
                f"{faults.followers.url}/followers", json={"receiver_id": str(them)}
            )
        )
        assert response.status_code == 201
    record_numbers(
        "neo4j_lock_wait",
        {
            "single_request_503_s": round(single, 3),
            "burst_requests": 4 * THREADS,
            "burst_all_answered_s": round(seconds, 3),
            "next_request_after_release_s": round(after, 3),
        },
    )
