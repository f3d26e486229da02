"""manage.py check_consistency (posts): finds injected drift, repairs it, and is then clean."""

import io
import uuid
from datetime import timedelta

from django.core.management import call_command

from posts import intents, likes, list_entries, services
from posts.consistency import check_consistency
from posts.documents import now_ms, posts_collection
from posts.marks import BOOKMARKS, LIKES
from tests.helpers import headers_for
from tests.posts.helpers import stored


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("check_consistency", *args, stdout=out)
    return out.getvalue()


def test_clean_collection_reports_nothing(alice, bob):
    root = services.post_create(author_id=alice, content="root")
    services.post_create(author_id=bob, content="re", parent_post_id=root.id)
    services.post_create(author_id=bob, original_post_id=root.id)
    report = check_consistency()
    assert report.clean
    assert report.scanned == 3
    assert "0 drifting counters, 0 orphan replies, 0 stale intents" in run()


def test_counter_drift_is_found_and_repaired(alice, bob):
    root = services.post_create(author_id=alice, content="root")
    for i in range(3):
        services.post_create(author_id=bob, content=f"re {i}", parent_post_id=root.id)
    services.post_create(author_id=bob, original_post_id=root.id)
    posts_collection().update_one({"_id": root.id}, {"$set": {"replies_count": 7}})
    posts_collection().update_one({"_id": root.id}, {"$inc": {"shares_count": -1}})
    report = run()
    assert f"drift: post {root.id} replies_count stored 7 real 3" in report
    assert f"drift: post {root.id} shares_count stored 0 real 1" in report
    assert "2 drifting counters" in report
    assert "2 counters recounted" in run("--repair")
    row = posts_collection().find_one({"_id": root.id})
    assert (row["replies_count"], row["shares_count"]) == (3, 1)
    assert check_consistency().clean


def test_orphan_replies_are_found_and_deleted_with_their_subtree(alice):
    gone = uuid.uuid4()
    orphan = stored(alice, parent_post_id=gone)
    stored(alice, parent_post_id=orphan.id)  # under the orphan: deleted with it
    keeper = stored(alice)
    report = run()
    assert f"orphan: reply {orphan.id} (parent missing)" in report
    assert "2 orphan posts deleted" in run("--repair")
    assert [r["_id"] for r in posts_collection().find({})] == [keeper.id]
    assert check_consistency().clean


def test_stale_intents_are_settled_exactly(alice, bob):
    """Intents left by requests that died: each kind is settled by the post's existence."""
    root = services.post_create(author_id=alice, content="root")
    reply = services.post_create(author_id=bob, content="re", parent_post_id=root.id)
    old = now_ms() - timedelta(minutes=10)
    # 1. a creation counted, never inserted: uncount
    intents.open_intent(
        target_id=root.id, post_id=uuid.uuid4(), counter="replies_count", kind="c", now=old
    )
    # 2. a creation inserted, never closed: keep the count
    posts_collection().update_one(
        {"_id": root.id},
        {"$set": {f"_pending.c{reply.id.hex}": {"c": "replies_count", "at": old, "by": "x"}}},
    )
    # 3. a deletion recorded, post deleted, never counted: count it down
    gone = services.post_create(author_id=bob, content="gone", parent_post_id=root.id)
    intents.open_intent(
        target_id=root.id, post_id=gone.id, counter="replies_count", kind="d", now=old
    )
    posts_collection().delete_one({"_id": gone.id})
    # 4. a fresh intent (a request in flight): left alone
    fresh = uuid.uuid4()
    intents.open_intent(
        target_id=root.id, post_id=fresh, counter="shares_count", kind="c", now=now_ms()
    )
    row = posts_collection().find_one({"_id": root.id})
    assert row["replies_count"] == 3  # 1 real + 1 phantom + 1 deleted but uncounted
    report = check_consistency(repair=True)
    assert report.stale_intents == 3
    assert report.settled == 3
    row = posts_collection().find_one({"_id": root.id})
    assert row["replies_count"] == 1
    assert list(row["_pending"]) == [f"c{fresh.hex}"]


def test_repair_never_overwrites_a_counter_that_moved(alice, bob):
    root = services.post_create(author_id=alice, content="root")
    posts_collection().update_one({"_id": root.id}, {"$set": {"replies_count": 5}})
    report = check_consistency()
    services.post_create(author_id=bob, content="meanwhile", parent_post_id=root.id)
    from posts.consistency import _recount

    assert _recount(report.drift[0]) == 0  # the counter moved since it was read: no write
    assert check_consistency(repair=True).recounted == 1
    assert posts_collection().find_one({"_id": root.id})["replies_count"] == 1


def test_posts_outside_their_authors_statistics_are_found_and_covered(api, alice, bob):
    """Posts written without statistics (an older version during a rolling update, or by hand):
    an author with none is missing from every list until check_consistency covers them; an
    author whose statistics miss a post is reported and widened (a feed window could skip it)."""
    stored(alice)  # with statistics
    early = now_ms() - timedelta(days=30)
    hidden = {"_id": uuid.uuid4(), "author_id": alice, "content": "old pod", "created_at": early}
    posts_collection().insert_one(hidden)  # no statistics touched
    stranger = {"_id": uuid.uuid4(), "author_id": bob, "content": "no stats", "created_at": early}
    posts_collection().insert_one(stranger)

    def timeline(user):  # type: ignore[no-untyped-def]
        response = api.get(f"/posts/author/{user}", HTTP_X_USER_ID=str(user))
        return [p["id"] for p in response.json()]

    assert timeline(bob) == []
    report = check_consistency()
    assert set(report.uncovered_authors) == {alice, bob}
    assert not report.clean
    assert check_consistency(repair=True).stats_widened == 2
    assert str(hidden["_id"]) in timeline(alice)
    assert timeline(bob) == [str(stranger["_id"])]
    assert check_consistency().clean


def test_likes_count_drift_is_found_and_repaired(alice, bob):
    post = services.post_create(author_id=alice, content="liked")
    for user in (bob, uuid.uuid4()):
        likes.like_add(post_id=post.id, user_id=user)
    assert check_consistency().clean
    posts_collection().update_one({"_id": post.id}, {"$set": {"likes_count": 9}})
    assert f"drift: post {post.id} likes_count stored 9 real 2" in run()
    assert check_consistency(repair=True).recounted == 1
    assert posts_collection().find_one({"_id": post.id})["likes_count"] == 2
    assert check_consistency().clean


def test_stale_like_locks_are_settled_exactly(alice):
    """Locks left by likes and unlikes that died at each step (posts.likes): the lock's ``op``
    and the like document say what happened; nothing is recounted to get there."""
    post = services.post_create(author_id=alice, content="liked")
    users = [uuid.uuid4() for _ in range(5)]
    for user in users[2:]:
        likes.like_add(post_id=post.id, user_id=user)  # 3 counted likes
    old = now_ms() - timedelta(minutes=10)

    def lock(user, op, by="dead"):  # type: ignore[no-untyped-def]
        entry = {"c": "likes_count", "at": old, "by": by, "op": op}
        posts_collection().update_one({"_id": post.id}, {"$set": {f"_pending.l{user.hex}": entry}})

    lock(users[0], "+")  # 1. a like inserted by the dead attempt, never counted: count it
    LIKES.insert(post.id, users[0], old, by="dead")
    lock(users[1], "+")  # 2. a like locked, never inserted: nothing
    lock(users[2], "+")  # 3. a like that was there before the dead attempt (another by): nothing
    lock(users[3], "-")  # 4. an unlike that deleted the like, never counted: count it down
    LIKES.delete(post.id, users[3])
    lock(users[4], None)  # 5. an unlike that died before it knew the like existed: nothing
    report = check_consistency(repair=True)
    assert report.settled == 5
    assert report.recounted == 0
    row = posts_collection().find_one({"_id": post.id})
    assert row["likes_count"] == LIKES.collection().count_documents({"p": post.id}) == 3
    assert not row.get("_pending")
    assert check_consistency().clean


def test_a_stale_like_lock_is_settled_by_the_users_next_like(alice, bob):
    post = services.post_create(author_id=alice, content="liked")
    old = now_ms() - timedelta(minutes=10)
    entry = {"c": "likes_count", "at": old, "by": "dead", "op": "+"}
    posts_collection().update_one({"_id": post.id}, {"$set": {f"_pending.l{bob.hex}": entry}})
    LIKES.insert(post.id, bob, old, by="dead")
    assert likes.like_remove(post_id=post.id, user_id=bob) is True
    row = posts_collection().find_one({"_id": post.id})
    assert row["likes_count"] == 0
    assert not row.get("_pending")


def test_likes_and_bookmarks_of_deleted_posts_are_orphans(alice, bob):
    kept = services.post_create(author_id=alice, content="kept")
    likes.like_add(post_id=kept.id, user_id=bob)
    gone = uuid.uuid4()
    LIKES.insert(gone, bob, now_ms())
    BOOKMARKS.insert(gone, bob, now_ms())
    report = check_consistency()
    assert report.orphan_marks == 2
    assert "2 likes and bookmarks of deleted posts" in run()
    assert check_consistency(repair=True).orphan_marks_deleted == 2
    assert [r["p"] for r in LIKES.collection().find({})] == [kept.id]
    assert check_consistency().clean


def test_missing_mistimed_and_stray_timeline_entries_are_found_and_repaired(api, alice):
    post = services.post_create(author_id=alice, content="#exams #cs101")
    entries = list_entries.entries()
    entries.delete_one({"_id": list_entries.entry_id("tag:exams", post.id)})  # missing
    entries.update_one(  # at another time than its post's
        {"_id": list_entries.entry_id("tag:cs101", post.id)},
        {"$set": {"t": post.created_at - timedelta(days=1)}},
    )
    old = now_ms() - timedelta(minutes=10)
    gone = {"_id": uuid.uuid4(), "author_id": alice, "created_at": old, "tags": ["exams"]}
    in_progress = {**gone, "_id": uuid.uuid4(), "created_at": now_ms()}  # its post comes next
    untagged = {"_id": post.id, "author_id": alice, "created_at": old, "tags": ["robotics"]}
    list_entries.put([gone, in_progress, untagged])
    assert "1 posts missing from a tag or mention timeline, 3 timeline entries of no post" in run()
    assert "2 timeline entries written, 2 deleted" in run("--repair")
    assert {e["k"]: e["t"] for e in entries.find({"p": post.id})} == {
        "tag:exams": post.created_at,
        "tag:cs101": post.created_at,
    }
    report = check_consistency()
    assert (report.unlisted, report.stray_entries) == (0, 1)  # the recent one is left alone
    assert check_consistency(repair=True, stale_seconds=0).entries_deleted == 1
    assert check_consistency().clean
    shown = api.get("/posts/tags/exams", **headers_for(alice)).json()
    assert [p["id"] for p in shown] == [str(post.id)]
