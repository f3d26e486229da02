"""GET /feed across the two real services."""

import threading
import uuid

from posts.following_cache import following_cache_invalidate
from tests.feed.helpers import feed, follow, post
from tests.helpers import next_link, wait_for
from tests.support import env


def test_feed_has_followed_and_own_posts_newest_first_shares_in_replies_out(stack):
    me, friend, stranger = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    follow(stack, me, friend)
    mine = post(stack, me, "mine")
    theirs = post(stack, friend, "friend's")
    post(stack, stranger, "not followed")
    reply = post(stack, friend, "a reply", parent_post_id=mine["id"])
    share = post(stack, friend, "", original_post_id=post(stack, stranger, "shared")["id"])

    response = feed(stack, me)
    assert response.status_code == 200
    assert response.headers.get("X-Feed-Degraded") is None
    ids = [p["id"] for p in response.json()]
    assert ids == [share["id"], theirs["id"], mine["id"]]
    assert reply["id"] not in ids


def test_feed_is_built_from_one_followers_call(stack):
    me = uuid.uuid4()
    for _ in range(3):
        follow(stack, me, uuid.uuid4())
    stack.proxy.requests.clear()
    assert feed(stack, me).status_code == 200
    calls = stack.proxy.calls("/following/ids")
    assert len(calls) == 1
    assert calls[0][1].startswith(f"/followers/user/{me}/following/ids")


def test_empty_feed_is_200_empty_list(stack):
    response = feed(stack, uuid.uuid4())
    assert response.status_code == 200
    assert response.json() == []


def test_pages_under_concurrent_inserts_skip_and_repeat_nothing(stack):
    me, friend = uuid.uuid4(), uuid.uuid4()
    follow(stack, me, friend)
    before = [post(stack, friend, f"p{i}")["id"] for i in range(25)]
    seen: list[str] = []
    url = f"{stack.posts.url}/feed?limit=7"
    writer_stop = threading.Event()

    written: list[str] = []

    def keep_posting() -> None:
        while not writer_stop.is_set():
            written.append(post(stack, friend, "new while scrolling")["id"])

    writer = threading.Thread(target=keep_posting)
    try:
        while url:
            response = feed(stack, me, url)
            assert response.status_code == 200
            seen.extend(p["id"] for p in response.json())
            path = next_link(response)
            url = f"{stack.posts.url}{path}" if path else None
            if writer.ident is None and url:
                writer.start()  # new posts land while the later pages are read
    finally:
        writer_stop.set()
        if writer.ident is not None:
            writer.join()
    assert written  # posts really arrived while paging
    assert seen == list(reversed(before))  # every post exactly once, in order, none new


def test_follow_through_the_api_shows_in_the_next_feed_page(stack):
    me, friend = uuid.uuid4(), uuid.uuid4()
    theirs = post(stack, friend, "hi")
    assert feed(stack, me).json() == []  # caches "follows nobody"
    follow(stack, me, friend)  # the followers service tells posts the list changed
    assert [p["id"] for p in feed(stack, me).json()] == [theirs["id"]]


def test_unfollow_through_the_api_shows_in_the_next_feed_page(stack):
    me, friend = uuid.uuid4(), uuid.uuid4()
    theirs = post(stack, friend, "hi")
    follow(stack, me, friend)
    assert [p["id"] for p in feed(stack, me).json()] == [theirs["id"]]  # cached: follows friend
    with stack.as_user(me) as client:
        gone = client.delete(f"{stack.followers.url}/followers/following/{friend}")
    assert gone.status_code == 204
    assert feed(stack, me).json() == []  # the unfollow service told posts at once


def test_cached_following_list_expires(stack):
    me, friend = uuid.uuid4(), uuid.uuid4()
    theirs = post(stack, friend, "hi")
    assert feed(stack, me).json() == []
    # Change the graph behind the services' back: no invalidation, so only expiry shows it.
    with env.neo4j_driver() as driver:
        driver.execute_query(
            "MERGE (a:User {user_id: $a}) MERGE (b:User {user_id: $b}) "
            "CREATE (a)-[:FOLLOWS {id: $id, created_at: datetime(), sender_id: $a, "
            "receiver_id: $b}]->(b)",
            a=str(me),
            b=str(friend),
            id=str(uuid.uuid4()),
        )
    stack.proxy.requests.clear()
    assert feed(stack, me).json() == []  # still the cached list
    assert stack.proxy.calls("/following/ids") == []
    # Once the cached list is CACHE_SECONDS old, the feed asks again and sees the follow.
    wait_for(lambda: [p["id"] for p in feed(stack, me).json()] == [theirs["id"]], 10)


def test_trace_and_identity_headers_reach_the_followers_service(stack):
    me = uuid.uuid4()
    trace = {
        "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "x-request-id": "feed-trace-1",
    }
    b3 = {"x-b3-traceid": "0af7651916cd43dd8448eb211c80319c", "x-b3-sampled": "1"}
    assert feed(stack, me, **trace, **b3).status_code == 200
    ((_, _, headers),) = stack.proxy.calls("/following/ids")
    # Traces are off in this stack: the W3C context goes on as it came (hornet.tracing), B3
    # only with a B3 propagator configured (OTEL_PROPAGATORS).
    for name, value in trace.items():
        assert headers.get(name) == value
    assert not set(b3) & set(headers)
    assert headers.get("x-user-id") == str(me)


def test_followers_down_degrades_then_recovers(stack):
    me, friend = uuid.uuid4(), uuid.uuid4()
    follow(stack, me, friend)
    mine, theirs = post(stack, me, "mine"), post(stack, friend, "theirs")
    assert len(feed(stack, me).json()) == 2  # caches the following list
    following_cache_invalidate(me)  # the cache is stale (its ids kept): the feed must ask again
    stack.proxy.stop()
    try:
        for _ in range(5):  # enough failures to open the breaker; each answer still useful
            response = feed(stack, me)
            assert response.status_code == 200
            assert response.headers.get("X-Feed-Degraded") == "true"
            assert [p["id"] for p in response.json()] == [theirs["id"], mine["id"]]
    finally:
        stack.proxy.start()
    # After the breaker's reset timeout the next call is a trial, which succeeds.
    response = wait_for(lambda: (r := feed(stack, me)).headers.get("X-Feed-Degraded") is None and r)
    assert response.status_code == 200


def test_followers_down_without_cache_shows_own_posts(stack):
    me = uuid.uuid4()
    mine = post(stack, me, "mine")
    stack.proxy.stop()
    response = feed(stack, me)
    assert response.status_code == 200
    assert response.headers.get("X-Feed-Degraded") == "true"
    assert [p["id"] for p in response.json()] == [mine["id"]]


def test_slow_followers_service_degrades_instead_of_hanging(stack):
    me = uuid.uuid4()
    mine = post(stack, me, "mine")
    stack.proxy.delay = 3.0  # far beyond the client's 0.5 s read timeout
    response = feed(stack, me)  # the test client's own 5 s timeout would catch a hang
    assert response.status_code == 200
    assert response.headers.get("X-Feed-Degraded") == "true"
    assert [p["id"] for p in response.json()] == [mine["id"]]
