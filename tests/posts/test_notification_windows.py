"""Notification reads in windows sized from the recipient's statistics
(posts.notifications.stats, posts.notifications.reader): a page of days-old notifications is
one list query starting at the latest entry; the statistics cover every entry (written before
it, by the seed, by the backfill); filters that thin a window make the walk grow; the unread
count reads ids in windows; without statistics the reads are still right."""

import datetime as dt
import io
import uuid
from collections import Counter

from django.core.management import call_command

from posts.documents import now_ms
from posts.notifications import reader as reader_module
from posts.notifications import reads, stats, store
from posts.windows import first_width
from tests.helpers import get, headers_for
from tests.posts.helpers import Recorder, names_a_group, stored_notifications, walk
from tests.posts.test_seed import SMALL, seed


def _listed(rec: Recorder) -> list[dict]:
    return [f for f in rec.filters if not names_a_group(f)]


def _spread(recipient: uuid.UUID, n: int, newest: dt.datetime, days: float) -> list[dict]:
    """``n`` mentions and likes (one in 5; likes of 50 posts), evenly over ``days`` up to
    ``newest``: the entry documents, newest first."""
    step = dt.timedelta(days=days) / n
    posts = [uuid.uuid4() for _ in range(50)]
    docs = []
    for i in range(n):
        kind = store.LIKE if i % 5 == 0 else store.MENTION
        subject = posts[i % 50] if kind == store.LIKE else uuid.uuid4()
        event = store.Event(kind, recipient, uuid.uuid4(), subject, subject)
        docs.append(event.document(newest - i * step))
    return docs


def test_a_page_of_days_old_notifications_is_one_list_query_from_the_latest_entry(
    api, alice, entries_recorder
):
    """2,000 notifications over 30 days, the latest 3 days old: the first page is one list
    query, from the latest entry down by about one read's worth (80 entries at their rate),
    not from now in widening windows; it shows the newest groups."""
    latest = now_ms() - dt.timedelta(days=3)
    docs = _spread(alice, 2000, latest, 30)
    stored_notifications(docs)
    page = get(api, alice, "/notifications?limit=20").json()
    listed = _listed(entries_recorder)
    assert len(listed) == 1, listed
    span = (docs[0]["t"] - docs[-1]["t"]).total_seconds()
    width = first_width(80, 2000 / span)
    assert listed[0]["t"]["$gte"] == latest - width
    assert 80 <= entries_recorder.matched(listed) <= 120
    heads = list(dict.fromkeys(d["g"] for d in docs))[:20]
    assert [g["group_key"] for g in page] == heads


def test_filters_that_thin_the_window_make_the_walk_grow(api, alice, bob, entries_recorder):
    """Likes are one entry in 5: with ``types=like`` the first window holds a fifth of a read,
    the walk goes on in wider ones; paging shows every like group once, newest first."""
    docs = _spread(alice, 1000, now_ms() - dt.timedelta(days=1), 20)
    stored_notifications(docs)
    get(api, alice, "/notifications?limit=20&types=like")
    assert len(_listed(entries_recorder)) >= 2
    shown = [g["group_key"] for g in walk(api, alice, "/notifications?limit=7&types=like")]
    assert shown == list(dict.fromkeys(d["g"] for d in docs if d["k"] == store.LIKE))


def test_notify_counts_each_entry_in_its_recipients_statistics(alice, bob, monkeypatch):
    """``notify`` widens the recipients' statistics before writing (a retry counts again:
    ``n`` is a hint); everything they describe lies within ``[first, last]``. (Every notify
    writes here: ``WRITE_EVERY_SECONDS`` 0.)"""
    monkeypatch.setattr(stats, "WRITE_EVERY_SECONDS", 0.0)
    at = now_ms() - dt.timedelta(days=2)
    post = uuid.uuid4()
    events = [store.Event(store.MENTION, user, bob, post, post) for user in (alice, bob)]
    assert store.notify(events, at=at) == 1  # not bob of his own post
    assert (
        store.notify(
            [store.Event(store.LIKE, alice, bob, post, post)], at=at + dt.timedelta(hours=1)
        )
        == 1
    )
    assert store.notify(events, at=at) == 0
    found = store.settings_get(alice).stats
    assert found is not None
    assert (found.posts, found.first, found.last) == (3, at, at + dt.timedelta(hours=1))
    assert store.settings_get(bob).stats is None


def test_a_recipients_statistics_are_written_once_a_minute_and_count_what_came_between(
    api, alice, bob, monkeypatch, entries_recorder
):
    """A notification is one indexed write: its recipient's statistics are upserted only when
    this process has not written them in the last ``WRITE_EVERY_SECONDS``, with the entries
    counted meanwhile. The entries newer than the stored ``last`` are still on the page."""
    writes: list[int] = []
    real = stats.collection

    class Counting:
        def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
            if name == "bulk_write":
                writes.append(1)
            return getattr(real(), name)

    monkeypatch.setattr(stats, "collection", lambda: Counting())
    at = now_ms() - dt.timedelta(days=2)
    post = uuid.uuid4()
    for i in range(5):
        event = store.Event(store.MENTION, alice, bob, uuid.uuid4(), post)
        assert store.notify([event], at=at + dt.timedelta(minutes=i)) == 1
    assert len(writes) == 1  # the first notification's; the next four only counted
    found = store.settings_get(alice).stats
    assert found is not None
    assert (found.posts, found.first, found.last) == (1, at, at)
    page = get(api, alice, "/notifications?limit=20").json()
    assert len(page) == 5  # the four newer than "last" included
    monkeypatch.setattr(stats, "WRITE_EVERY_SECONDS", 0.0)  # a minute later
    store.notify([store.Event(store.MENTION, alice, bob, uuid.uuid4(), post)], at=at)
    assert len(writes) == 2
    assert store.settings_get(alice).stats.posts == 6  # type: ignore[union-attr]


def test_entries_without_statistics_are_still_read(api, alice, bob, entries_recorder):
    """Entries stored before statistics existed (not backfilled yet): one query down to the
    cutoff lists and counts them all the same."""
    docs = _spread(alice, 30, now_ms() - dt.timedelta(days=5), 10)
    store.entries().insert_many(docs)
    page = get(api, alice, "/notifications?limit=100").json()
    assert len(_listed(entries_recorder)) == 1
    assert sum(g["notifications_count"] for g in page) == 30
    assert get(api, alice, "/notifications/unread_count").json()["count"] == 30


def test_entries_outside_their_statistics_are_still_read(api, alice, entries_recorder):
    """Statistics are hints: entries older than ``first`` (stored before them, the backfill
    skipped) and newer than ``last`` (written by a server without them) are still listed and
    counted: the first window is open above, the last one open below down to the cutoff."""
    now = now_ms()
    docs = _spread(alice, 300, now - dt.timedelta(days=1), 30)
    middle, outside = docs[100:200], docs[:100] + docs[200:]
    stored_notifications(middle)
    store.entries().insert_many(outside)
    shown = walk(api, alice, "/notifications?limit=20")
    assert sum(g["notifications_count"] for g in shown) == 300
    assert [g["group_key"] for g in shown] == list(dict.fromkeys(d["g"] for d in docs))
    count = get(api, alice, "/notifications/unread_count?limit=1000").json()["count"]
    assert count == 300


def test_ensure_schema_backfills_statistics_once(alice, bob):
    docs = _spread(alice, 40, now_ms() - dt.timedelta(days=1), 10) + _spread(bob, 5, now_ms(), 1)
    store.entries().insert_many(docs)
    store.policy_set(alice, only_from_following=True)  # a settings document without statistics
    call_command("ensure_schema", stdout=io.StringIO())
    for user, mine in ((alice, docs[:40]), (bob, docs[40:])):
        found = store.settings_get(user).stats
        assert found is not None
        assert (found.posts, found.first, found.last) == (
            len(mine),
            min(d["t"] for d in mine),
            max(d["t"] for d in mine),
        )
    assert store.settings_get(alice).only_from_following
    assert stats.backfill(store.entries()) == 0  # once: statistics exist now


def test_the_seed_writes_statistics_covering_its_notifications():
    seed(*SMALL)
    spans = Counter(str(d["r"]) for d in store.entries().find({}))
    assert spans
    for key, n in spans.items():
        doc = store.settings_collection().find_one({"_id": key})
        assert doc is not None
        assert doc["n"] == n
        times = [d["t"] for d in store.entries().find({"r": uuid.UUID(key)}, {"t": 1})]
        assert (doc["first"], doc["last"]) == (min(times), max(times))


def test_the_unread_count_reads_ids_in_one_window(api, alice, entries_recorder):
    """2,000 unread notifications: the capped count reads about the cap's worth of ids (one
    query), not all 2,000; after the marker it is exact."""
    docs = _spread(alice, 2000, now_ms() - dt.timedelta(days=2), 30)
    stored_notifications(docs)
    assert get(api, alice, "/notifications/unread_count").json()["count"] == 100
    assert len(entries_recorder.filters) == 1
    assert entries_recorder.matched() <= 150
    marker = docs[37]["t"]
    response = api.post(
        "/notifications/read", {"up_to": marker.isoformat()}, format="json", **headers_for(alice)
    )
    assert response.status_code == 200, response.content
    assert get(api, alice, "/notifications/unread_count?limit=1000").json()["count"] == 37
    store.marker_advance(alice, docs[0]["t"])
    entries_recorder.filters.clear()
    assert get(api, alice, "/notifications/unread_count").json()["count"] == 0
    assert entries_recorder.matched() == 0  # nothing after the latest entry: an empty range


def test_expired_statistics_read_an_empty_range(api, alice, entries_recorder):
    old = now_ms() - store.RETENTION - dt.timedelta(days=1)
    stored_notifications(_spread(alice, 10, old, 1))
    assert get(api, alice, "/notifications").json() == []
    assert get(api, alice, "/notifications/unread_count").json()["count"] == 0
    assert len(entries_recorder.filters) == 2  # one list read, one unread read
    assert entries_recorder.matched() == 0


def test_excluded_actors_are_left_out_by_a_nor_beside_the_indexed_range(
    alice, bob, entries_recorder
):
    """A reader who blocks or mutes someone: every read of the page (list, samples, count)
    leaves them out with ``$nor`` in the ``$and`` (posts.queries.none_of), never ``a $nin``
    beside the indexed fields, which SecantusDB reads as a scan of the recipient's entries."""
    now, carol = now_ms(), uuid.uuid4()
    store.notify(
        [
            store.Event(store.MENTION, alice, actor, uuid.uuid4(), uuid.uuid4())
            for actor in (bob, carol)
        ],
        at=now - dt.timedelta(days=2),
    )
    reader = reader_module.Reader(user_id=alice, excluded=frozenset({bob}), now=now)
    page = reads.groups_page(reader, limit=20, after=None)
    assert [g["sample_account_ids"] for g in page.items] == [[carol]]
    assert entries_recorder.filters
    for query in entries_recorder.filters:
        assert "$nin" not in repr(query), query
        assert {"$nor": [{"a": {"$in": [bob]}}]} in query["$and"], query
