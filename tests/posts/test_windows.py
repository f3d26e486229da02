"""Time-windowed reads (posts.windows): every list query names a bounded key range, and
paging through windows shows every post exactly once, in order, whatever the time pattern.

The work a query costs on a server that does not stop its index scan at the limit is the
number of documents its filter matches; these tests record each filter the API sends and count
its matches on the real server.
"""

import io
import random
import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command

from posts import selectors, timelines
from posts.authors import author_stats_get, stats_collection
from posts.documents import now_ms, posts_collection
from posts.feed import feed_rows
from posts.queries import TimeKey
from tests.helpers import headers_for, next_link
from tests.posts.helpers import Recorder, stored, walk


def bulk(author: uuid.UUID, count: int, *, span: timedelta, parent: uuid.UUID | None = None):
    """``count`` posts by ``author`` spread evenly over the last ``span`` (statistics counted
    as post_create does)."""
    end = now_ms()
    step = span / count
    docs = [
        {
            "_id": uuid.uuid4(),
            "author_id": author,
            "content": "x",
            "created_at": end - step * i,
            **({"parent_post_id": parent} if parent else {}),
        }
        for i in range(count)
    ]
    stats_collection().update_one(
        {"_id": str(author)},
        {"$inc": {"n": count}, "$min": {"first": end - step * (count - 1)}, "$max": {"last": end}},
        upsert=True,
    )
    posts_collection().insert_many(docs)
    return docs


def test_a_prolific_authors_timeline_page_asks_for_about_one_page(api, alice, bob, recorder):
    bulk(alice, 6000, span=timedelta(days=60))
    bulk(bob, 50, span=timedelta(days=60))
    first = api.get(f"/posts/author/{alice}?limit=20", **headers_for(bob))
    assert first.status_code == 200
    assert len(first.json()) == 20
    assert recorder.matched() <= 3 * 21, recorder.filters
    recorder.filters.clear()
    deeper = api.get(next_link(first), **headers_for(bob))
    assert deeper.status_code == 200
    assert len(deeper.json()) == 20
    assert recorder.matched() <= 3 * 21, recorder.filters


def test_a_quiet_authors_timeline_skips_the_silence_and_ends(api, alice, bob, recorder):
    old = now_ms() - timedelta(days=400)
    for i in range(3):
        stored(alice, created_at=old - timedelta(days=i))
    response = api.get(f"/posts/author/{alice}", **headers_for(bob))
    assert [p["created_at"][:10] for p in response.json()] == [
        (old - timedelta(days=i)).strftime("%Y-%m-%d") for i in range(3)
    ]
    assert "Link" not in response
    assert len(recorder.filters) <= 2  # from the latest post down; not 400 days of windows


def test_an_author_who_never_posted_costs_no_posts_query(api, alice, bob, recorder):
    assert api.get(f"/posts/author/{alice}", **headers_for(bob)).json() == []
    assert recorder.filters == []


def test_replies_of_a_busy_post_ask_for_about_one_page(api, alice, bob, recorder):
    root = stored(alice, created_at=now_ms() - timedelta(hours=12, seconds=1))
    bulk(bob, 3000, span=timedelta(hours=12), parent=root.id)
    posts_collection().update_one({"_id": root.id}, {"$set": {"replies_count": 3000}})
    url = f"/posts/{root.id}/replies?limit=20"
    for _ in range(3):
        response = api.get(url, **headers_for(bob))
        assert response.status_code == 200
        assert len(response.json()) == 20
        assert recorder.matched() <= 3 * 21 + 1, recorder.filters  # + the post itself
        recorder.filters.clear()
        url = next_link(response)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_paging_through_windows_shows_every_post_once_in_order(api, alice, bob, seed):
    """Bursts (many posts in one millisecond), long silences and steady stretches, mixed."""
    rng = random.Random(seed)
    moment = now_ms()
    times = []
    for _ in range(12):
        moment -= timedelta(seconds=rng.choice([0, 0.001, 1, 60, 3600, 86400 * 30]))
        times.extend([moment] * rng.choice([1, 1, 2, 15]))
    expected = [stored(alice, created_at=t) for t in times]
    order = sorted(expected, key=lambda p: (p.created_at, p.id), reverse=True)
    seen = [p["id"] for p in walk(api, bob, f"/posts/author/{alice}?limit=7")]
    assert seen == [str(p.id) for p in order]


def test_the_feed_reads_in_windows_too(api, alice, bob, recorder, settings):
    carol = uuid.uuid4()
    bulk(alice, 4000, span=timedelta(days=30))
    bulk(carol, 30, span=timedelta(days=30))
    rows = selectors.newest_by_authors(
        author_ids=[alice, carol, uuid.uuid4()], need=21, bound=None, top_level_only=True
    )
    assert len(rows) == 21
    assert rows == sorted(rows, key=lambda r: (r["created_at"], r["_id"]), reverse=True)
    assert recorder.matched() <= 3 * 21


def test_ensure_schema_backfills_statistics_for_posts_written_without_them(alice, bob):
    stored(alice, created_at=now_ms() - timedelta(days=3))
    stored(alice)
    stored(bob)
    stats_collection().delete_many({})
    call_command("ensure_schema", stdout=io.StringIO())
    stats = author_stats_get([alice, bob])
    assert stats[alice].posts == 2
    assert stats[bob].posts == 1
    assert stats[alice].first < stats[alice].last


def test_creating_a_post_counts_it_in_the_authors_statistics(api, alice):
    for _ in range(2):
        assert (
            api.post("/posts", {"content": "hi"}, format="json", **headers_for(alice)).status_code
            == 201
        )
    stats = author_stats_get([alice])[alice]
    assert stats.posts == 2
    assert stats.last >= stats.first


@pytest.mark.parametrize("seed", [4, 5])
def test_feed_pages_through_windows_equal_the_whole_list_sorted(seed):
    """Several authors at very different rates, replies in between (dropped by the feed after
    the query, so a slice the limit cut is read on), walked 7 posts a page."""
    rng = random.Random(seed)
    authors = [uuid.uuid4() for _ in range(5)]
    moment = now_ms()
    expected = []
    for author in authors:
        at = moment
        for _ in range(rng.choice([1, 4, 30])):
            at -= timedelta(seconds=rng.choice([0, 1, 600, 86400 * 20]))
            if rng.random() < 0.3:
                stored(author, created_at=at, parent_post_id=uuid.uuid4())  # a reply
            else:
                expected.append(stored(author, created_at=at))
    order = sorted(expected, key=lambda p: (p.created_at, p.id), reverse=True)
    seen, after = [], None
    while True:
        page = feed_rows(author_ids=[*authors, uuid.uuid4()], limit=7, after=after)
        seen.extend(row["_id"] for row in page.items)
        if page.next_cursor is None:
            break
        after = page.next_cursor
    assert seen == [p.id for p in order]


def test_a_next_page_query_keeps_the_cursor_tie_break_inside_an_and(api, alice, bob, recorder):
    """SecantusDB plans a top-level ``$or`` beside the indexed fields as a scan of the range."""
    for _ in range(3):
        stored(alice)
    first = api.get(f"/posts/author/{alice}?limit=2", **headers_for(bob))
    recorder.filters.clear()
    assert api.get(next_link(first), **headers_for(bob)).status_code == 200
    assert recorder.filters
    assert all("$or" not in f for f in recorder.filters), recorder.filters


def test_a_long_stored_timeline_page_asks_for_about_one_page(monkeypatch):
    """A reader's stored home timeline (posts.timelines) of 800 entries over ten days: a page
    and the next one each ask for about a page of entries, not the whole timeline down to its
    horizon, and the pages are the newest entries in feed order, none skipped."""
    owner = uuid.uuid4()
    now = now_ms()
    step = timedelta(days=10) / 800
    docs = [
        {
            "_id": f"{owner.hex}{i:032x}",
            "o": owner,
            "t": now - step * i,
            "p": uuid.uuid4(),
            "a": uuid.uuid4(),
            "w": now,
        }
        for i in range(800)
    ]
    timelines.entries().insert_many(docs)
    rec = Recorder(timelines.entries())
    monkeypatch.setattr(timelines, "entries", lambda: rec)
    reader = timelines.Owner(owner, timelines.READY, now, [], horizon=docs[-1]["t"])
    first = timelines.timeline_rows(reader, need=21, after=None, now=now)
    assert [e["p"] for e in first] == [d["p"] for d in docs[:21]]
    assert rec.matched() <= 3 * 21, rec.filters
    rec.filters.clear()
    key = TimeKey(first[-1]["t"], first[-1]["p"])
    second = timelines.timeline_rows(reader, need=21, after=key, now=now)
    assert [e["p"] for e in second] == [d["p"] for d in docs[21:42]]
    assert rec.matched() <= 3 * 21, rec.filters
    # Near the horizon the walk ends there: the last page is short, nothing older is read.
    key = TimeKey(docs[-5]["t"], docs[-5]["p"])
    last = timelines.timeline_rows(reader, need=21, after=key, now=now)
    assert [e["p"] for e in last] == [d["p"] for d in docs[-4:]]
