"""Home timelines (fan-out on write) across the two real services, with the worker run here.

The worker's steps run in this process (``posts.fanout.Worker``) against the same databases and
the real followers service, so a test decides when it "catches up"; the posts service answers
the feed from the stored timelines once they are ready.
"""

import datetime as dt
import uuid

import pybreaker
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from posts import fanout, follower_lists, timelines
from posts.clients import FollowersClient
from posts.documents import posts_collection
from posts.feed import feed_rows
from tests.feed.helpers import FOLLOW_BACKFILL, Stack, feed, follow, post
from tests.helpers import next_link as next_url
from tests.helpers import wait_for


def worker(stack: Stack, name: str = "test-worker") -> fanout.Worker:
    breaker = pybreaker.CircuitBreaker(fail_max=1000, name=f"test-{name}")
    return fanout.Worker(name, FollowersClient(stack.followers.url, 5.0, breaker))


def catch_up(w: fanout.Worker) -> int:
    """Run the worker until nothing is due; how many steps it took."""
    steps = 0
    while w.step():
        steps += 1
        assert steps < 10_000
    return steps


def unfollow(stack: Stack, sender: uuid.UUID, receiver: uuid.UUID) -> None:
    with stack.as_user(sender) as client:
        response = client.delete(f"{stack.followers.url}/followers/following/{receiver}")
    assert response.status_code == 204, response.text


def delete(stack: Stack, author: uuid.UUID, post_id: str) -> None:
    with stack.as_user(author) as client:
        response = client.delete(f"{stack.posts.url}/posts/{post_id}")
    assert response.status_code in (204, 404), response.text


def feed_ids(stack: Stack, user: uuid.UUID, limit: int = 2) -> list[str]:
    """Every page of the user's feed (through the posts service), as ids."""
    ids: list[str] = []
    url: str | None = f"{stack.posts.url}/feed?limit={limit}"
    while url:
        response = feed(stack, user, url if url.startswith("http") else stack.posts.url + url)
        assert response.status_code == 200, response.text
        assert response.headers.get("X-Feed-Degraded") is None
        ids.extend(p["id"] for p in response.json())
        url = next_url(response)
    return ids


def following(stack: Stack, user: uuid.UUID) -> list[uuid.UUID]:
    with stack.as_user(user) as client:
        response = client.get(f"{stack.followers.url}/followers/user/{user}/following/ids")
    return [uuid.UUID(v) for v in response.json()]


def pull_ids(stack: Stack, user: uuid.UUID, limit: int = 2) -> list[str]:
    """The same feed from the pull query alone (today's fan-out on read), every page."""
    authors = [user, *following(stack, user)]
    ids: list[str] = []
    after = None
    while True:
        page = feed_rows(author_ids=authors, limit=limit, after=after)
        ids.extend(str(row["_id"]) for row in page.items)
        if page.next_cursor is None:
            return ids
        after = page.next_cursor


def ready(user: uuid.UUID) -> bool:
    owner = timelines.owner_get(user)
    return owner is not None and owner.state == timelines.READY


def activate(stack: Stack, w: fanout.Worker, *users: uuid.UUID) -> None:
    """A first feed read asks for a timeline; the worker builds it."""
    for user in users:
        assert feed(stack, user).status_code == 200
    catch_up(w)
    assert all(ready(u) for u in users)


def reader_of_a_friend(stack: Stack) -> tuple[uuid.UUID, uuid.UUID, fanout.Worker]:
    """``me`` follows ``friend`` and has a stored timeline, built by the worker ``w``."""
    me, friend = uuid.uuid4(), uuid.uuid4()
    follow(stack, me, friend)
    w = worker(stack)
    activate(stack, w, me)
    return me, friend, w


def stored_posts(user: uuid.UUID) -> list[uuid.UUID]:
    return [e["p"] for e in timelines.entries().find({"o": user}).sort("t", -1)]


def test_a_first_read_is_pulled_and_asks_for_a_timeline_that_the_worker_builds(stack):
    me, friend = uuid.uuid4(), uuid.uuid4()
    follow(stack, me, friend)
    theirs = post(stack, friend, "before my first read")
    assert feed_ids(stack, me) == [theirs["id"]]  # pulled: no timeline yet
    owner = timelines.owner_get(me)
    assert owner is not None
    assert owner.state == timelines.NEW
    catch_up(worker(stack))
    assert ready(me)
    assert [str(p) for p in stored_posts(me)] == [theirs["id"]]
    assert feed_ids(stack, me) == [theirs["id"]]


def test_a_new_post_reaches_active_followers_only_and_exactly_once(stack):
    author, reader, idle = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    follow(stack, reader, author)
    follow(stack, idle, author)
    w = worker(stack)
    activate(stack, w, reader, author)
    created = post(stack, author, "fresh")
    assert posts_collection().find_one({"_id": uuid.UUID(created["id"])})["fanout_due"]
    assert feed_ids(stack, reader) == []  # not delivered yet: the timeline is what it was
    catch_up(w)
    assert posts_collection().find_one({"_id": uuid.UUID(created["id"])}).get("fanout_due") is None
    assert feed_ids(stack, reader) == [created["id"]]
    assert feed_ids(stack, author) == [created["id"]]  # the author's own timeline too
    assert timelines.entries().count_documents({"o": idle}) == 0  # never read: no timeline
    # Delivered again (at-least-once): still one entry.
    row = posts_collection().find_one({"_id": uuid.UUID(created["id"])})
    assert timelines.append([timelines.entry(reader, row, row["created_at"])]) == 0
    assert timelines.entries().count_documents({"o": reader}) == 1


def test_replies_are_never_pending(stack):
    author = uuid.uuid4()
    root = post(stack, author, "root")
    reply = post(stack, author, "reply", parent_post_id=root["id"])
    stored = posts_collection().find_one({"_id": uuid.UUID(reply["id"])})
    assert "fanout_due" not in stored


def test_a_worker_killed_mid_fan_out_is_taken_over_and_nothing_is_doubled(stack, settings):
    settings.FEED_FANOUT_PAGE = 2  # three pages of followers
    author = uuid.uuid4()
    readers = [uuid.uuid4() for _ in range(5)]
    for reader in readers:
        follow(stack, reader, author)
    first, second = worker(stack, "first"), worker(stack, "second")
    activate(stack, first, *readers)
    created = post(stack, author, "to everyone")
    claimed = fanout.claim_post(first.name)
    assert claimed is not None
    assert str(claimed["_id"]) == created["id"]
    assert fanout.claim_post(second.name) is None  # leased: nobody else gets it
    # The first worker does one page, records it, and dies.
    page = first.client.follower_ids_page(author, None, fanout.calls_about(author))
    fanout._deliver(timelines.active_owners(page.ids), claimed)
    assert fanout._progress(claimed, first.name, page.next_cursor)
    # Its lease ends; the second worker resumes from the recorded page.
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=settings.FEED_FANOUT_LEASE_SECONDS + 1)
    taken = fanout.claim_post(second.name, now=later)
    assert taken is not None
    assert taken["fanout_after"] == page.next_cursor
    assert fanout.fan_out(taken, second.name, second.client)
    assert not fanout._progress(claimed, first.name, "x")  # the first has lost its lease
    for reader in readers:
        assert [str(p) for p in stored_posts(reader)] == [created["id"]]
    assert posts_collection().find_one({"_id": taken["_id"]}).get("fanout_due") is None


def test_a_followers_service_failure_postpones_the_fan_out(stack):
    author, reader = uuid.uuid4(), uuid.uuid4()
    follow(stack, reader, author)
    w = worker(stack)
    activate(stack, w, reader)
    created = post(stack, author, "later")
    breaker = pybreaker.CircuitBreaker(fail_max=1000, name="test-dead")
    dead = fanout.Worker("dead", FollowersClient("http://127.0.0.1:9", 0.2, breaker))
    claimed = fanout.claim_post(dead.name)
    assert claimed is not None
    assert not fanout.fan_out(claimed, dead.name, dead.client)
    due = posts_collection().find_one({"_id": claimed["_id"]})["fanout_due"]
    assert due > claimed["created_at"]  # released for a later try, still pending
    later = due + dt.timedelta(milliseconds=1)
    again = fanout.claim_post(w.name, now=later)
    assert again is not None
    assert fanout.fan_out(again, w.name, w.client)
    assert feed_ids(stack, reader) == [created["id"]]


def test_an_author_past_the_threshold_is_merged_at_read_time(stack, settings):
    settings.FEED_FANOUT_MAX_FOLLOWERS = 2
    star, fans = uuid.uuid4(), [uuid.uuid4() for _ in range(3)]
    for fan in fans:
        follow(stack, fan, star)
    w = worker(stack)
    activate(stack, w, *fans)
    old = post(stack, star, "before fame")  # delivered by... nobody: the star is big now
    catch_up(w)
    assert timelines.is_big(star)
    assert all(timelines.entries().count_documents({"o": fan}) == 0 for fan in fans)
    assert all(star in timelines.owner_get(fan).big for fan in fans)
    new = post(stack, star, "famous")
    catch_up(w)
    for fan in fans:
        assert feed_ids(stack, fan) == [new["id"], old["id"]]
        assert feed_ids(stack, fan) == pull_ids(stack, fan)
    # A later reader who follows the star merges them too, from the follow on.
    late = uuid.uuid4()
    activate(stack, w, late)
    follow(stack, late, star)
    assert star in timelines.owner_get(late).big
    assert feed_ids(stack, late) == [new["id"], old["id"]]


def test_follow_adds_the_latest_posts_and_unfollow_removes_them(stack):
    me, friend = uuid.uuid4(), uuid.uuid4()
    w = worker(stack)
    activate(stack, w, me)
    theirs = [post(stack, friend, f"#{i}") for i in range(FOLLOW_BACKFILL + 2)]
    catch_up(w)  # nobody to deliver to
    follow(stack, me, friend)  # the signal adds their latest posts at once
    newest = [p["id"] for p in reversed(theirs)]
    assert [str(p) for p in stored_posts(me)] == newest[:FOLLOW_BACKFILL]
    # Older posts than those are past the timeline's horizon: pulled, so nothing is missing.
    assert feed_ids(stack, me) == newest == pull_ids(stack, me)
    unfollow(stack, me, friend)
    assert stored_posts(me) == []
    assert feed_ids(stack, me) == []


def test_a_follow_writes_only_the_followees_posts_at_or_above_the_horizon(stack):
    """Older posts of a new followee would never be read from the timeline (pages past its
    horizon are pulled): they are not written, and the feed still shows all of them."""
    me, friend = uuid.uuid4(), uuid.uuid4()
    w = worker(stack)
    activate(stack, w, me)
    older = post(stack, friend, "before the horizon")
    horizon = dt.datetime.now(dt.UTC) + dt.timedelta(milliseconds=5)
    while dt.datetime.now(dt.UTC) <= horizon:
        pass
    newer = post(stack, friend, "after the horizon")
    catch_up(w)  # nobody to deliver to
    timelines.raise_horizon(me, horizon)
    follow(stack, me, friend)
    assert [str(p) for p in stored_posts(me)] == [newer["id"]]
    assert feed_ids(stack, me) == [newer["id"], older["id"]] == pull_ids(stack, me)


def test_deleted_posts_drop_out_and_the_page_is_still_full(stack):
    me, friend, w = reader_of_a_friend(stack)
    made = [post(stack, friend, f"#{i}") for i in range(6)]
    catch_up(w)
    for gone in made[3:5]:
        delete(stack, friend, gone["id"])
    response = feed(stack, me, f"{stack.posts.url}/feed?limit=3")
    assert [p["id"] for p in response.json()] == [made[5]["id"], made[2]["id"], made[1]["id"]]


def test_the_timeline_is_trimmed_to_its_cap_and_older_pages_are_pulled(stack, settings):
    settings.FEED_TIMELINE_CAP = 4
    me, friend, w = reader_of_a_friend(stack)
    made = [post(stack, friend, f"#{i}") for i in range(7)]
    catch_up(w)
    timelines.owners().update_one({"_id": me}, {"$set": {"due": dt.datetime.now(dt.UTC)}})
    catch_up(w)  # the read's touch asks for a trim; here it is asked directly
    assert len(stored_posts(me)) == 4
    assert feed_ids(stack, me) == [p["id"] for p in reversed(made)] == pull_ids(stack, me)


def test_readers_back_together_have_their_trims_spread_not_due_at_once(settings):
    """A read an hour after the last asks for a trim within FEED_TRIM_SPREAD_SECONDS, at a
    random moment, so a crowd's trims are not all due with their reads; a touch never puts
    off work that was due earlier."""
    settings.FEED_TRIM_SPREAD_SECONDS = 600
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    away = now - timelines.TOUCH_EVERY - dt.timedelta(minutes=1)
    crowd = [uuid.uuid4() for _ in range(40)]
    timelines.owners().insert_many(
        [{"_id": u, "state": timelines.READY, "read_at": away} for u in crowd]
    )
    for user in crowd:
        owner = timelines.owner_get(user)
        assert owner is not None
        timelines.owner_touch(owner, now)
    docs = list(timelines.owners().find({"_id": {"$in": crowd}}))
    dues = sorted(doc["due"] for doc in docs)
    assert all(doc["read_at"] == now for doc in docs)
    assert now <= dues[0]
    assert dues[-1] <= now + dt.timedelta(seconds=600)
    assert dues[-1] - dues[0] > dt.timedelta(seconds=300)  # spread, not one moment
    earlier = now - dt.timedelta(seconds=5)
    late = uuid.uuid4()
    timelines.owners().insert_one(
        {"_id": late, "state": timelines.READY, "read_at": away, "due": earlier}
    )
    owner = timelines.owner_get(late)
    assert owner is not None
    timelines.owner_touch(owner, now)
    assert timelines.owners().find_one({"_id": late})["due"] == earlier


def test_idle_readers_lose_their_timeline_and_get_it_back_on_their_next_read(stack, settings):
    me, friend, w = reader_of_a_friend(stack)
    made = post(stack, friend, "while away")
    catch_up(w)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=settings.FEED_ACTIVE_DAYS + 1)
    assert fanout.expire(later) >= 1
    assert timelines.owner_get(me) is None
    assert stored_posts(me) == []
    assert feed_ids(stack, me) == [made["id"]]  # pulled while it is rebuilt
    catch_up(w)
    assert ready(me)
    assert feed_ids(stack, me) == [made["id"]]


def test_while_no_worker_keeps_up_the_feed_is_pulled_and_misses_nothing(stack, settings):
    me, friend, w = reader_of_a_friend(stack)
    waiting = post(stack, friend, "nobody delivers this")
    assert feed_ids(stack, me) == []  # the stored timeline, not yet delivered
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    posts_collection().update_one(
        {"_id": uuid.UUID(waiting["id"])}, {"$set": {"fanout_due": long_ago}}
    )
    # Within a second (the service looks once a second) the feed is pulled.
    wait_for(lambda: feed_ids(stack, me) == [waiting["id"]], timeout=10)
    catch_up(w)
    assert feed_ids(stack, me) == [waiting["id"]]


def test_the_fanout_command_runs_the_worker_once(stack):
    from django.core.management import call_command

    me = uuid.uuid4()
    assert feed(stack, me).status_code == 200
    call_command("fanout", "--once")
    assert ready(me)


USERS = 3
NAMES = ["post", "post", "share", "reply", "follow", "follow", "unfollow", "delete", "read"]
op = st.tuples(st.sampled_from([*NAMES, "work"]), st.integers(0, USERS - 1), st.integers(0, 99))


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    start=st.lists(st.tuples(st.integers(0, USERS - 1), st.integers(0, USERS - 1)), max_size=6),
    ops=st.lists(op, min_size=5, max_size=25),
    cap=st.sampled_from([3, 800]),
)
def test_push_and_pull_feeds_give_the_same_pages(stack, start, ops, cap):
    """Random follow graphs and post streams: a start (follows and a post each, every user's
    timeline built), then posts, shares, replies, deletes, follows and unfollows, feed reads
    and worker runs in any order. Once the worker has caught up, every user's feed, page by
    page, is the pull feed's."""
    from django.conf import settings as django_settings

    django_settings.FEED_TIMELINE_CAP = cap
    users = [uuid.uuid4() for _ in range(USERS)]
    w = worker(stack, "property")
    try:
        for a, b in start:
            if a != b:
                follow(stack, users[a], users[b])
        made = [(user, post(stack, user, "first")["id"]) for user in users]
        activate(stack, w, *users)
        for name, a, b in ops:
            _apply(stack, w, users, made, name, users[a], b)
        catch_up(w)
        for user in users:
            assert feed_ids(stack, user) == pull_ids(stack, user), user
    finally:
        django_settings.FEED_TIMELINE_CAP = 800


def _apply(
    stack: Stack,
    w: fanout.Worker,
    users: list[uuid.UUID],
    made: list[tuple[uuid.UUID, str]],
    name: str,
    user: uuid.UUID,
    b: int,
) -> None:
    """One random step of the property test."""
    other = users[b % len(users)]
    target = made[b % len(made)][1]
    if name == "post":
        made.append((user, post(stack, user, f"p{b}")["id"]))
    elif name in ("share", "reply"):
        body = {"original_post_id": target} if name == "share" else {"parent_post_id": target}
        with stack.as_user(user) as client:
            r = client.post(f"{stack.posts.url}/posts", json={"content": "re", **body})
        if r.status_code == 201:  # the target may have been deleted
            made.append((user, r.json()["id"]))
    elif name == "follow" and other != user:
        follow(stack, user, other)
    elif name == "unfollow" and other != user:
        unfollow(stack, user, other)
    elif name == "delete":
        author, post_id = made[b % len(made)]
        delete(stack, author, post_id)
    elif name == "read":
        assert feed(stack, user).status_code == 200
    elif name == "work":
        catch_up(w)


def test_followers_ids_of_a_user_are_paged_with_the_total_first(stack):
    star, fans = uuid.uuid4(), [uuid.uuid4() for _ in range(3)]
    for fan in fans:
        follow(stack, fan, star)
    url = f"{stack.followers.url}/followers/user/{star}/followers/ids?limit=2"
    with stack.as_user(star) as client:
        first = client.get(url)
        assert first.status_code == 200
        assert first.headers["X-Total-Count"] == "3"
        second = client.get(stack.followers.url + next_url(first))
        assert second.status_code == 200
        assert "X-Total-Count" not in second.headers
        assert next_url(second) is None
        got = first.json() + second.json()
        assert got == [str(f) for f in reversed(fans)]
        bad = client.get(f"{stack.followers.url}/followers/user/nope/followers/ids")
        assert bad.status_code == 400
        assert "user_id" in bad.json()["details"]


def test_a_following_changed_signal_that_is_not_a_boolean_is_refused(stack):
    with stack.as_user(uuid.uuid4()) as client:
        for wrong in (0, 1, "true", None):
            response = client.post(
                f"{stack.posts.url}/posts/internal/following-changed",
                json={"followee_id": str(uuid.uuid4()), "following": wrong},
            )
            assert response.status_code == 400, wrong
            assert "following" in response.json()["details"]


def test_a_following_changed_signal_with_unknown_fields_is_refused(stack):
    me = uuid.uuid4()
    with stack.as_user(me) as client:
        response = client.post(
            f"{stack.posts.url}/posts/internal/following-changed",
            json={"followee_id": str(uuid.uuid4()), "following": True, "extra": 1},
        )
    assert response.status_code == 400
    assert "extra" in response.json()["details"]


class CountingClient:
    """The worker's real client, counting its follower-id calls."""

    def __init__(self, inner: FollowersClient) -> None:
        self.inner, self.calls = inner, 0

    def follower_ids_page(self, *args: object) -> object:
        self.calls += 1
        return self.inner.follower_ids_page(*args)  # type: ignore[arg-type]


def counting_worker(stack: Stack) -> tuple[fanout.Worker, CountingClient]:
    w = worker(stack)
    counting = CountingClient(w.client)
    return fanout.Worker(w.name, counting), counting  # type: ignore[arg-type]


def test_an_author_posting_again_is_fanned_out_from_their_kept_follower_list(stack, monkeypatch):
    """posts.follower_lists: the second post within FEED_FANOUT_FOLLOWERS_CACHE_SECONDS asks
    the followers service nothing, and still reaches everyone."""
    # The follows below are seconds old; a list asked within CLOCK_SKEW of a change is not
    # kept (tests/posts/test_follower_lists.py): here, as if they were older.
    monkeypatch.setattr(follower_lists, "CLOCK_SKEW", dt.timedelta(0))
    author, readers = uuid.uuid4(), [uuid.uuid4(), uuid.uuid4()]
    for reader in readers:
        follow(stack, reader, author)
    w, counting = counting_worker(stack)
    activate(stack, w, *readers)
    first = post(stack, author, "one")
    catch_up(w)
    second = post(stack, author, "two")
    catch_up(w)
    assert counting.calls == 1
    for reader in readers:
        assert [str(p) for p in stored_posts(reader)] == [second["id"], first["id"]]


def test_a_follow_or_an_unfollow_between_two_posts_forgets_the_kept_list(stack, monkeypatch):
    monkeypatch.setattr(follower_lists, "CLOCK_SKEW", dt.timedelta(0))
    author, old, new = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    follow(stack, old, author)
    w, counting = counting_worker(stack)
    activate(stack, w, old, new)
    first = post(stack, author, "one")
    catch_up(w)
    follow(stack, new, author)  # the signal forgets the author's list
    unfollow(stack, old, author)
    second = post(stack, author, "two")
    catch_up(w)
    assert counting.calls == 2
    assert [str(p) for p in stored_posts(new)] == [second["id"], first["id"]]  # backfill + fan-out
    assert stored_posts(old) == []
