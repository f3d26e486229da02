"""Issue 18: notifications of replies, mentions, likes, shares and (through the followers
service's signals) follows, requests and accepted requests; grouping, read markers, blocks,
mutes, the policy, expiry, and idempotency under retries and concurrency."""

import datetime as dt
import uuid

import pytest
from rest_framework.test import APIClient

from posts import services, timelines
from posts.clients import Exclusions
from posts.documents import now_ms
from posts.following_cache import exclusions_cache_put, following_cache_put
from posts.notifications import reads, store
from tests.helpers import all_at_once, assert_refused, get, headers_for
from tests.posts.helpers import created, names_a_group, stored_notifications, walk

N = 50


@pytest.fixture
def carol() -> uuid.UUID:
    return uuid.uuid4()


def like(api, user, post_id):  # type: ignore[no-untyped-def]
    response = api.put(f"/posts/{post_id}/like", **headers_for(user))
    assert response.status_code == 200, response.content
    return response


def groups(api, user, query=""):  # type: ignore[no-untyped-def]
    return walk(api, user, f"/notifications{query}")


def unread(api, user, query=""):  # type: ignore[no-untyped-def]
    response = get(api, user, f"/notifications/unread_count{query}")
    assert response.status_code == 200, response.content
    return response.json()["count"]


def signal(api, user, path, body):  # type: ignore[no-untyped-def]
    return api.post(f"/posts/internal/{path}", body, format="json", **headers_for(user))


def read(api, user, body):  # type: ignore[no-untyped-def]
    return api.post("/notifications/read", body, format="json", **headers_for(user))


def test_a_like_notifies_the_author_once_and_never_the_liker_themself(api, alice, bob):
    post = created(api, alice)
    like(api, alice, post["id"])  # one's own like: nothing
    assert groups(api, alice) == []
    like(api, bob, post["id"])
    (group,) = groups(api, alice)
    assert group["type"] == "like"
    assert group["post_id"] == post["id"]
    assert (group["notifications_count"], group["sample_account_ids"]) == (1, [str(bob)])
    assert group["unread"] is True
    assert groups(api, bob) == []


def test_a_retried_like_notifies_once(api, alice, bob):
    post = created(api, alice)
    for _ in range(3):
        like(api, bob, post["id"])
    api.delete(f"/posts/{post['id']}/like", **headers_for(bob))
    like(api, bob, post["id"])  # liked again: the same notification, not a second one
    assert store.entries().count_documents({}) == 1
    assert groups(api, alice)[0]["notifications_count"] == 1


def test_a_retry_repairs_a_notification_lost_after_the_like(api, alice, bob):
    post = created(api, alice)
    like(api, bob, post["id"])
    store.entries().delete_many({})  # as if the attempt died between the like and its entry
    like(api, bob, post["id"])  # the client's retry
    assert [g["type"] for g in groups(api, alice)] == ["like"]


def test_concurrent_likes_count_in_one_group(api, alice):
    post = created(api, alice)

    def act(i):  # type: ignore[no-untyped-def]
        return like(APIClient(), uuid.uuid4(), post["id"]).status_code

    assert all_at_once(act, N) == [200] * N
    (group,) = groups(api, alice)
    assert group["notifications_count"] == N
    assert len(group["sample_account_ids"]) == 8
    assert unread(api, alice) == N


def test_concurrent_retries_of_one_like_notify_once(api, alice, bob):
    post = created(api, alice)

    def act(i):  # type: ignore[no-untyped-def]
        return like(APIClient(), bob, post["id"]).status_code

    assert all_at_once(act, N) == [200] * N
    assert store.entries().count_documents({}) == 1


def test_reply_share_and_mention_notify_their_users(api, alice, bob, carol):
    post = created(api, alice)
    reply = created(api, bob, content="re", parent_post_id=post["id"])
    share = created(api, carol, original_post_id=post["id"])
    created(api, alice, content="own reply", parent_post_id=post["id"])  # nobody
    mention = services.post_create(
        author_id=bob, content="hi @alice", resolve=lambda names: {"alice": alice}
    )
    found = groups(api, alice)
    assert [(g["type"], g["post_id"]) for g in found] == [
        ("mention", str(mention.id)),
        ("share", post["id"]),
        ("reply", reply["id"]),
    ]
    assert found[1]["sample_account_ids"] == [str(carol)]
    assert share["original_post_id"] == post["id"]


def test_a_resumed_reply_notifies_once(api, alice, bob):
    post = created(api, alice)
    key = {"HTTP_IDEMPOTENCY_KEY": "reply-1"}
    body = {"content": "re @alice", "parent_post_id": post["id"]}
    for _ in range(2):
        response = api.post("/posts", body, format="json", **headers_for(bob), **key)
        assert response.status_code == 201
    reply_id = uuid.UUID(response.json()["id"])
    stored = services.post_create(
        author_id=bob, content="re", parent_post_id=uuid.UUID(post["id"]), post_id=reply_id
    )  # a resumed creation of the same post
    assert stored.id == reply_id
    assert [g["type"] for g in groups(api, alice)] == ["reply"]


def test_follows_of_one_day_group_and_each_follow_id_notifies_once(api, alice, bob, carol):
    follow_id = str(uuid.uuid4())
    body = {"followee_id": str(alice), "following": True, "follow_id": follow_id}
    for _ in range(2):  # a repeated signal
        assert signal(api, bob, "following-changed", body).status_code == 204
    body = {**body, "follow_id": str(uuid.uuid4())}
    assert signal(api, carol, "following-changed", body).status_code == 204
    (group,) = groups(api, alice)
    assert group["type"] == "follow"
    assert group["group_key"] == f"follow:{now_ms().date().isoformat()}"
    assert group["sample_account_ids"] == [str(carol), str(bob)]
    assert group["notifications_count"] == 2
    assert group["post_id"] is None


def test_unfollow_and_signals_without_follow_id_notify_nobody(api, alice, bob):
    unfollow = {"followee_id": str(alice), "following": False, "follow_id": str(uuid.uuid4())}
    assert signal(api, bob, "following-changed", unfollow).status_code == 204
    assert signal(api, bob, "following-changed", {"followee_id": str(alice)}).status_code == 204
    assert groups(api, alice) == []


def test_requests_and_accepted_requests(api, alice, bob):
    request_id = str(uuid.uuid4())
    asked = {"followee_id": str(alice), "request_id": request_id}
    for _ in range(2):
        assert signal(api, bob, "follow-requested", asked).status_code == 204
    accepted = {
        "followee_id": str(alice),
        "follower_id": str(bob),
        "following": True,
        "follow_id": str(uuid.uuid4()),
    }
    assert signal(api, alice, "following-changed", accepted).status_code == 204
    assert [(g["type"], g["sample_account_ids"]) for g in groups(api, alice)] == [
        ("follow_request", [str(bob)])
    ]
    assert [(g["type"], g["sample_account_ids"]) for g in groups(api, bob)] == [
        ("follow_accepted", [str(alice)])
    ]


def test_a_follow_made_resend_notifies_once_per_follow_and_changes_no_feed(api, alice, bob):
    """The followers service's resend when following-changed was not taken: the same
    notification as the signal's (once per follow id, whichever of the two came), nothing
    else."""
    follow_id = str(uuid.uuid4())
    made = {"followee_id": str(alice), "follow_id": follow_id}
    for _ in range(2):
        assert signal(api, bob, "follow-made", made).status_code == 204
    changed = {"followee_id": str(alice), "following": True, "follow_id": follow_id}
    assert signal(api, bob, "following-changed", changed).status_code == 204
    (group,) = groups(api, alice)
    assert (group["type"], group["notifications_count"]) == ("follow", 1)
    accepted = {"followee_id": str(alice), "follower_id": str(bob), "follow_id": follow_id}
    assert signal(api, alice, "follow-made", accepted).status_code == 204
    assert [g["type"] for g in groups(api, bob)] == ["follow_accepted"]
    assert timelines.owner_get(bob) is None  # no feed work: nobody asked for a timeline


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"follow_id": str(uuid.uuid4())}, "followee_id", 400),
        ({"followee_id": str(uuid.uuid4())}, "follow_id", 400),
        ({"followee_id": str(uuid.uuid4()), "follow_id": "x"}, "follow_id", 400),
        (
            {"followee_id": str(uuid.uuid4()), "follow_id": str(uuid.uuid4()), "following": True},
            "following",
            400,
        ),
        (
            {
                "followee_id": str(uuid.uuid4()),
                "follow_id": str(uuid.uuid4()),
                "follower_id": str(uuid.uuid4()),
            },
            "followee_id",
            403,
        ),
    ],
)
def test_a_bad_follow_made_resend_is_refused_naming_the_field(api, alice, body, field, code):
    response = signal(api, alice, "follow-made", body)
    assert response.status_code == code, response.content
    assert field in response.json()["details"], response.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "followee_id"),
        ({"followee_id": "x", "request_id": str(uuid.uuid4())}, "followee_id"),
        ({"followee_id": str(uuid.uuid4())}, "request_id"),
        ({"followee_id": str(uuid.uuid4()), "request_id": 1}, "request_id"),
        ({"followee_id": str(uuid.uuid4()), "request_id": str(uuid.uuid4()), "x": 1}, "x"),
    ],
)
def test_a_bad_follow_requested_signal_is_a_400_naming_the_field(api, alice, body, field):
    assert_refused(signal(api, alice, "follow-requested", body), field)


def test_a_bad_follow_id_is_a_400_naming_it(api, alice, bob):
    body = {"followee_id": str(bob), "following": True, "follow_id": "nope"}
    assert_refused(signal(api, alice, "following-changed", body), "follow_id")


def test_a_group_is_listed_once_across_pages(api, alice):
    first, second = created(api, alice, content="a"), created(api, alice, content="b")
    early, late = uuid.uuid4(), uuid.uuid4()
    like(api, early, first["id"])
    for user in (uuid.uuid4(), uuid.uuid4()):
        like(api, user, second["id"])
    like(api, late, first["id"])  # "first" is newest now; its older like is after "second"
    reply = created(api, uuid.uuid4(), content="re", parent_post_id=second["id"])
    found = groups(api, alice, "?limit=1")
    assert [(g["type"], g["post_id"]) for g in found] == [
        ("reply", reply["id"]),
        ("like", first["id"]),
        ("like", second["id"]),
    ]
    assert [g["notifications_count"] for g in found] == [1, 2, 2]
    assert found[1]["sample_account_ids"] == [str(late), str(early)]
    assert found == groups(api, alice, "?limit=100")


def test_a_group_whose_newest_entry_ends_a_page_is_not_listed_again(api, alice):
    """The cursor is the last entry a page took: here the newest like of a post, its group
    listed there. The next page meets that group's older like among its heads: skipped (it
    was listed twice when only entries strictly before the cursor counted as listed)."""
    now, post = now_ms(), uuid.uuid4()
    order = [store.MENTION, store.LIKE, store.MENTION, store.LIKE, store.MENTION]
    for i, kind in enumerate(order):
        subject = post if kind == store.LIKE else uuid.uuid4()
        event = store.Event(kind, alice, uuid.uuid4(), subject, subject)
        store.notify([event], at=now - dt.timedelta(minutes=i))
    assert [g["type"] for g in groups(api, alice, "?limit=2")] == [
        "mention",
        "like",
        "mention",
        "mention",
    ]


def test_filter_by_type(api, alice, bob):
    post = created(api, alice)
    like(api, bob, post["id"])
    created(api, bob, content="re", parent_post_id=post["id"])
    assert [g["type"] for g in groups(api, alice, "?types=like")] == ["like"]
    both = groups(api, alice, "?types=like&types=reply")
    assert both == groups(api, alice, "?types=reply,like")
    assert [g["type"] for g in both] == ["reply", "like"]
    assert groups(api, alice, "?types=mention") == []


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/notifications?types=likes", "types"),
        ("/notifications?types=", "types"),
        ("/notifications?types=like,", "types"),
        ("/notifications?limit=0", "limit"),
        ("/notifications?cursor=nope", "cursor"),
        ("/notifications/unread_count?limit=1001", "limit"),
        ("/notifications/unread_count?limit=x", "limit"),
    ],
)
def test_bad_query_parameters_are_a_400_naming_them(api, alice, path, field):
    assert_refused(get(api, alice, path), field)


def test_read_markers_by_id_and_by_time(api, alice, bob, carol):
    post = created(api, alice)
    like(api, bob, post["id"])
    created(api, carol, content="re", parent_post_id=post["id"])
    assert unread(api, alice) == 2
    assert unread(api, alice, "?limit=1") == 1
    newest, oldest = groups(api, alice)
    marked = read(api, alice, {"id": oldest["most_recent_notification_id"]})
    assert marked.status_code == 200, marked.content
    assert marked.json()["read_up_to"] == oldest["latest_notification_at"]
    assert unread(api, alice) == 1
    assert [g["unread"] for g in groups(api, alice)] == [True, False]
    back = read(api, alice, {"up_to": "2020-01-01T00:00:00Z"})  # never moves back
    assert back.json()["read_up_to"] == oldest["latest_notification_at"]
    assert read(api, alice, {"up_to": newest["latest_notification_at"]}).status_code == 200
    assert unread(api, alice) == 0
    state = get(api, alice, "/notifications/unread_count").json()
    assert state["read_up_to"] == newest["latest_notification_at"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "id"),
        ({"id": str(uuid.uuid4()), "up_to": "2026-01-01T00:00:00Z"}, "up_to"),
        ({"id": "nope"}, "id"),
        ({"up_to": "yesterday"}, "up_to"),
        ({"up_to": "2026-01-01T00:00:00Z", "extra": True}, "extra"),
    ],
)
def test_a_bad_marker_is_a_400_naming_the_field(api, alice, body, field):
    assert_refused(read(api, alice, body), field)


def test_a_marker_naming_someone_elses_notification_is_a_404(api, alice, bob):
    post = created(api, alice)
    like(api, bob, post["id"])
    (group,) = groups(api, alice)
    response = read(api, bob, {"id": group["most_recent_notification_id"]})
    assert response.status_code == 404
    assert response.json()["details"] == {"id": ["No such notification."]}


def test_blocked_and_muted_actors_are_left_out_of_lists_and_counts(api, alice, bob, carol):
    post = created(api, alice)
    dave = uuid.uuid4()
    for user in (bob, carol, dave):
        like(api, user, post["id"])
    exclusions_cache_put(
        alice, Exclusions(blocked=frozenset({bob}), muted=frozenset({carol})), now_ms()
    )
    (group,) = groups(api, alice)
    assert (group["notifications_count"], group["sample_account_ids"]) == (1, [str(dave)])
    assert unread(api, alice) == 1
    exclusions_cache_put(alice, Exclusions(), now_ms())  # unmuted, unblocked: back
    assert groups(api, alice)[0]["notifications_count"] == 3


def test_a_block_deletes_the_two_users_notifications_of_each_other(api, alice, bob, carol):
    mine, theirs = created(api, alice), created(api, bob)
    like(api, bob, mine["id"])
    like(api, carol, mine["id"])
    like(api, alice, theirs["id"])
    body = {"user_id": str(bob), "change": "block"}
    assert signal(api, alice, "relationship-changed", body).status_code == 204
    assert store.entries().count_documents({"a": {"$in": [alice, bob]}}) == 0
    assert [e["a"] for e in store.entries().find({})] == [carol]


def test_the_policy_keeps_only_people_i_follow_but_every_follow(api, alice, bob, carol):
    post = created(api, alice)
    like(api, bob, post["id"])
    like(api, carol, post["id"])
    body = {"followee_id": str(alice), "following": True, "follow_id": str(uuid.uuid4())}
    assert signal(api, carol, "following-changed", body).status_code == 204
    assert get(api, alice, "/notifications/policy").json() == {"only_from_following": False}
    response = api.put(
        "/notifications/policy", {"only_from_following": True}, format="json", **headers_for(alice)
    )
    assert response.json() == {"only_from_following": True}
    following_cache_put(alice, [bob], now_ms())
    found = groups(api, alice)
    assert [(g["type"], g["sample_account_ids"]) for g in found] == [
        ("follow", [str(carol)]),
        ("like", [str(bob)]),
    ]
    assert unread(api, alice) == 2


@pytest.mark.parametrize("body", [{}, {"only_from_following": 1}, {"only_from_following": "yes"}])
def test_a_bad_policy_is_a_400_naming_the_field(api, alice, body):
    response = api.put("/notifications/policy", body, format="json", **headers_for(alice))
    assert_refused(response, "only_from_following")


def test_notifications_older_than_90_days_are_not_read_and_are_purged(api, alice, bob):
    old = now_ms() - store.RETENTION - dt.timedelta(minutes=1)
    event = store.Event(store.LIKE, alice, bob, uuid.uuid4(), None)
    assert store.notify([event], at=old) == 1
    assert groups(api, alice) == []
    assert unread(api, alice) == 0
    recent = store.Event(store.REPLY, alice, bob, uuid.uuid4(), None)
    store.notify([recent])
    assert store.purge() == 1
    assert [e["k"] for e in store.entries().find({})] == ["reply"]


def test_a_busy_accounts_page_reads_a_time_window_not_90_days(api, alice, entries_recorder):
    """2,000 mentions over 60 days: the first page's list read matches about one batch's
    worth (80 entries at the recipient's rate: posts.notifications.reader), not 90 days;
    paging still shows them all, once, newest first (SecantusDB reads a query's whole range
    before its limit)."""
    now = now_ms()
    events = [
        (
            store.Event(store.MENTION, alice, uuid.uuid4(), uuid.uuid4()),
            now - dt.timedelta(hours=i * 0.72),
        )
        for i in range(2000)
    ]
    stored_notifications([e.document(at) for e, at in events])
    first = get(api, alice, "/notifications?limit=20")
    assert len(first.json()) == 20
    listed = [f for f in entries_recorder.filters if not names_a_group(f)]
    assert entries_recorder.matched(listed) <= 200, listed  # not 2,000
    shown = [g["most_recent_notification_id"] for g in walk(api, alice, "/notifications?limit=50")]
    assert len(shown) == len(set(shown)) == 2000


def _liked(recipient: uuid.UUID, post: uuid.UUID, likers: int, newest: dt.datetime) -> list:
    """``likers`` likes of ``post`` for ``recipient``, a minute apart, the newest at ``newest``:
    the events newest first."""
    found = []
    for i in range(likers):
        event = store.Event(store.LIKE, recipient, uuid.uuid4(), post, post)
        store.notify([event], at=newest - dt.timedelta(minutes=i))
        found.append(event)
    return found


def test_a_page_reads_its_groups_samples_and_counts_together(api, alice, entries_recorder):
    """20 like groups of 10 on a page: one read for all their samples and one aggregation for
    all their counts (were 20 reads and 20 counts; the shared read goes on for the groups its
    limit cut short), each group still its own newest 8 and its exact count."""
    now = now_ms()
    posts = [uuid.uuid4() for _ in range(30)]
    likes = {p: _liked(alice, p, 10, now - dt.timedelta(hours=i)) for i, p in enumerate(posts)}
    page = get(api, alice, "/notifications?limit=20").json()
    assert [g["post_id"] for g in page] == [str(p) for p in posts[:20]]
    for group in page:
        events = likes[uuid.UUID(group["post_id"])]
        assert group["notifications_count"] == 10
        assert group["sample_account_ids"] == [str(e.actor) for e in events[:8]]
    assert len([f for f in entries_recorder.filters if names_a_group(f)]) <= 4


def test_groups_cut_short_by_the_shared_read_are_read_alone(api, alice, entries_recorder):
    """One group of 40 newer likes fills the shared sample read (8 per group in all): the
    groups it left without their 8 are read on below it, and come out whole."""
    now = now_ms()
    small = [uuid.uuid4() for _ in range(3)]
    few = {p: _liked(alice, p, 9, now - dt.timedelta(days=1, hours=i)) for i, p in enumerate(small)}
    big = uuid.uuid4()
    stored_notifications(
        [
            store.Event(store.LIKE, alice, uuid.uuid4(), big, big).document(
                now - dt.timedelta(seconds=i)
            )
            for i in range(40)
        ]
    )
    page = get(api, alice, "/notifications?limit=4").json()
    assert [g["post_id"] for g in page] == [str(big), *map(str, small)]
    assert [g["notifications_count"] for g in page] == [40, 9, 9, 9]
    for group, post in zip(page[1:], small, strict=True):
        assert group["sample_account_ids"] == [str(e.actor) for e in few[post][:8]]
    # 32 of the big group; 24 below them (the small ones, 8 + 8 + 6); the third's last 3;
    # one count
    assert len([f for f in entries_recorder.filters if names_a_group(f)]) == 4


def test_counts_above_the_cap_are_counted_one_group_at_a_time(api, alice, monkeypatch):
    """More entries in a page's groups than ``COUNT_CAP`` together: each group is counted on
    its own, exact up to the cap."""
    monkeypatch.setattr(reads, "COUNT_CAP", 15)
    now = now_ms()
    first, second = uuid.uuid4(), uuid.uuid4()
    _liked(alice, first, 12, now)
    _liked(alice, second, 20, now - dt.timedelta(days=1))
    page = get(api, alice, "/notifications").json()
    assert [(g["post_id"], g["notifications_count"]) for g in page] == [
        (str(first), 12),
        (str(second), 15),
    ]


def test_pages_of_several_types_keep_entries_of_one_millisecond_apart(api, alice):
    """Several types are read as one clause per type, the cursor's time as an equality with
    the id below it: 30 mentions and replies of one millisecond page out each once."""
    at = now_ms()
    kinds = [store.MENTION, store.REPLY, store.LIKE]
    events = [store.Event(kinds[i % 3], alice, uuid.uuid4(), uuid.uuid4(), None) for i in range(30)]
    stored_notifications([e.document(at) for e in events])
    shown = groups(api, alice, "?limit=3&types=mention,reply")
    ids = [g["most_recent_notification_id"] for g in shown]
    wanted = {str(e.entry_id()) for e in events if e.kind != store.LIKE}
    assert len(ids) == len(set(ids)) == 20
    assert set(ids) == wanted
