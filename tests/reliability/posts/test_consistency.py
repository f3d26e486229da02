"""manage.py check_consistency (posts): finds injected drift, repairs it, and is then clean."""

import io
import uuid
from datetime import timedelta

from django.core.management import call_command

from posts import intents, services
from posts.consistency import check_consistency
from posts.documents import now_ms, posts_collection
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
