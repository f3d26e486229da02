"""Threads with a bounded cost (issue 13, item 5; posts.threads): every reply stores its
ancestor path, so the context and a subtree delete issue the same few queries at any depth,
and the depth is capped with a 400 naming ``parent_post_id``.

Queries are counted with a pymongo command listener on the service's own client; no test
measures time.
"""

import io
import uuid
from collections.abc import Iterator
from typing import Any

import mongoengine
import pytest
from django.core.management import call_command
from pymongo import monitoring

from posts import db, services, threads
from posts.consistency import check_consistency
from posts.db import database
from posts.documents import ANCESTORS, now_ms, posts_collection
from tests.helpers import get, headers_for
from tests.posts.helpers import created, raw, stored

_DATA = {"find", "insert", "update", "delete", "aggregate", "count", "findAndModify", "getMore"}


class Commands(monitoring.CommandListener):
    """The data commands the service's client sends (not handshakes or monitoring)."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name in _DATA:
            self.names.append(event.command_name)

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass

    def during(self, action: Any) -> int:
        """How many data commands ``action()`` sends."""
        before = len(self.names)
        action()
        return len(self.names) - before


@pytest.fixture
def commands(monkeypatch: pytest.MonkeyPatch) -> Iterator[Commands]:
    listener = Commands()
    connect = mongoengine.connect
    monkeypatch.setattr(
        mongoengine,
        "connect",
        lambda *a, **kw: connect(
            *a, **{**kw, "event_listeners": [*kw.get("event_listeners", []), listener]}
        ),
    )
    db.connect()
    yield listener
    monkeypatch.undo()
    db.connect()


def chain(author: uuid.UUID, depth: int, root: uuid.UUID | None = None) -> list[uuid.UUID]:
    """A root post and ``depth`` replies, each to the one before (through the service)."""
    ids = [root or services.post_create(author_id=author, content="root").id]
    for i in range(depth):
        ids.append(
            services.post_create(author_id=author, content=f"r{i}", parent_post_id=ids[-1]).id
        )
    return ids


def deep_thread(author: uuid.UUID, depth: int) -> list[uuid.UUID]:
    """The documents ``chain`` would write (paths and counters included), in one insert: a
    300-deep chain through the service is 1,200 journaled writes, slow on FerretDB."""
    ids = [uuid.uuid4() for _ in range(depth + 1)]
    docs = []
    for level, post_id in enumerate(ids):
        doc: dict[str, Any] = {
            "_id": post_id,
            "author_id": author,
            "content": f"level {level}",
            "replies_count": int(level < depth),
            "shares_count": 0,
            "created_at": now_ms(),
        }
        if level:
            doc.update(parent_post_id=ids[level - 1], **{ANCESTORS: ids[:level]})
        docs.append(doc)
    posts_collection().insert_many(docs)
    return ids


def test_replies_store_their_ancestor_path_root_first(alice):
    ids = chain(alice, 3)
    assert raw(ids[0]).get(ANCESTORS) is None  # top-level posts store none
    for depth, post_id in enumerate(ids[1:], start=1):
        assert raw(post_id)[ANCESTORS] == ids[:depth]
    share = services.post_create(author_id=alice, original_post_id=ids[2])
    reply_to_share = services.post_create(author_id=alice, content="re", parent_post_id=share.id)
    assert raw(share.id).get(ANCESTORS) is None
    assert raw(reply_to_share.id)[ANCESTORS] == [share.id]


def test_context_of_a_deep_reply_is_a_constant_number_of_queries(api, alice, commands):
    ids = deep_thread(alice, 300)
    services.post_create(author_id=alice, content="child of the leaf", parent_post_id=ids[-1])

    def context(post_id: uuid.UUID) -> dict[str, Any]:
        response = get(api, alice, f"/posts/{post_id}/context")
        assert response.status_code == 200
        return dict(response.json())

    context(ids[0])  # the caller's exclusions fetched and cached (issue 16)
    shallow = commands.during(lambda: context(ids[3]))
    deep = commands.during(lambda: context(ids[-1]))
    # The caller's cached exclusions, the post, its ancestors, its replies, then the caller's
    # likes and bookmarks among them (posts.viewer: one query each for the whole thread);
    # nothing per level.
    assert deep == shallow == 6
    body = context(ids[-1])
    assert [a["id"] for a in body["ancestors"]] == [str(i) for i in ids[:-1]]
    assert body["post"]["id"] == str(ids[-1])
    assert [r["content"] for r in body["replies"]] == ["child of the leaf"]


def test_context_stops_below_an_ancestor_deleted_meanwhile(alice):
    ids = chain(alice, 5)
    posts_collection().delete_one({"_id": ids[2]})  # as a concurrent delete's first step
    ancestors = threads.ancestors_of(raw(ids[5]))
    assert [a["_id"] for a in ancestors] == ids[3:5]
    assert all(ANCESTORS not in a for a in ancestors)


def test_deleting_a_deep_thread_is_a_constant_number_of_queries(alice, bob, commands):
    shallow = chain(alice, 3)
    deep = deep_thread(alice, 300)
    for post_id in deep[::50]:  # branches along the way
        services.post_create(author_id=bob, content="branch", parent_post_id=post_id)
    few = commands.during(lambda: services.post_delete(post_id=shallow[0], actor_id=alice))
    many = commands.during(lambda: services.post_delete(post_id=deep[0], actor_id=alice))
    assert many == few <= 8
    assert posts_collection().count_documents({}) == 0


def test_delete_a_subtree_with_shares_and_replies_at_many_levels_keeps_counters_right(alice, bob):
    carol = uuid.uuid4()
    ids = chain(alice, 12)  # root, r0 .. r11
    outside = services.post_create(author_id=carol, content="outside")
    branches = [
        services.post_create(author_id=bob, content="branch", parent_post_id=ids[level]).id
        for level in (2, 4, 7, 10)
    ]
    shares_in_subtree = [
        services.post_create(author_id=carol, original_post_id=post_id).id
        for post_id in (ids[5], ids[9], branches[2])
    ]
    share_of_outside = services.post_create(author_id=bob, original_post_id=outside.id)
    # A share with its own thread, sharing a post that stays.
    share_of_root = services.post_create(author_id=bob, content="look", original_post_id=ids[0])
    under_share = chain(carol, 4, root=share_of_root.id)
    share_of_deep_reply = services.post_create(author_id=carol, original_post_id=under_share[3])

    doomed = [*ids[4:], *branches[1:]]
    assert services.post_delete(post_id=ids[4], actor_id=alice) == len(doomed)
    assert services.post_delete(post_id=share_of_root.id, actor_id=bob) == 5

    for post_id in [*doomed, *under_share]:
        assert raw(post_id) is None
    assert raw(ids[3])["replies_count"] == 0  # the parent of the deleted reply
    assert raw(ids[2])["replies_count"] == 2  # ids[3] and a branch, untouched
    assert raw(ids[0])["shares_count"] == 0  # its share was deleted
    assert raw(outside.id)["shares_count"] == 1
    # Shares are their sharers' posts: they outlive the posts they share.
    for post_id in [*shares_in_subtree, share_of_outside.id, share_of_deep_reply.id]:
        assert raw(post_id) is not None
    report = check_consistency()
    assert report.clean, report


def test_a_reply_below_the_depth_cap_is_refused_naming_parent_post_id(api, alice, monkeypatch):
    assert threads.MAX_THREAD_DEPTH == 1000
    monkeypatch.setattr(threads, "MAX_THREAD_DEPTH", 5)
    ids = chain(alice, 5)  # the deepest reply has 5 ancestors: allowed
    response = api.post(
        "/posts",
        {"content": "one too deep", "parent_post_id": str(ids[-1])},
        format="json",
        **headers_for(alice),
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "thread_too_deep"
    assert "parent_post_id" in body["details"]
    assert posts_collection().count_documents({}) == 6  # nothing stored
    assert raw(ids[-1])["replies_count"] == 0  # nothing counted
    assert raw(ids[-1]).get("_pending") in (None, {})
    higher = created(api, alice, content="fine", parent_post_id=str(ids[2]))
    assert raw(higher["id"])[ANCESTORS] == ids[:3]


def test_backfill_gives_legacy_replies_their_paths_idempotently(alice, commands):
    root = services.post_create(author_id=alice, content="root")
    legacy = [root.id]
    for _ in range(40):  # stored without paths, as before this change
        legacy.append(stored(alice, parent_post_id=legacy[-1]).id)
    side = stored(alice, parent_post_id=legacy[7]).id
    orphan = stored(alice, parent_post_id=uuid.uuid4()).id
    # Before the backfill: read the old way, and a new reply gets its full path anyway.
    assert [a["_id"] for a in threads.ancestors_of(raw(legacy[-1]))] == legacy[:-1]
    fresh = services.post_create(author_id=alice, content="new", parent_post_id=legacy[-1])
    assert raw(fresh.id)[ANCESTORS] == legacy

    assert threads.backfill_paths(batch=7) == 41  # 40 in the chain and the side reply
    for depth, post_id in enumerate(legacy[1:], start=1):
        assert raw(post_id)[ANCESTORS] == legacy[:depth]
    assert raw(side)[ANCESTORS] == legacy[:8]
    assert raw(orphan).get(ANCESTORS) is None  # left to check_consistency --repair
    assert threads.backfill_paths(batch=7) == 0
    queries = commands.during(lambda: threads.ancestors_of(raw(legacy[-1])))
    assert queries <= 2  # raw() and the one $in


def test_pathless_replies_are_still_deleted(alice):
    root = services.post_create(author_id=alice, content="root")
    with_path = services.post_create(author_id=alice, content="a", parent_post_id=root.id)
    legacy = stored(alice, parent_post_id=root.id)
    below_legacy = stored(alice, parent_post_id=legacy.id)
    assert services.post_delete(post_id=root.id, actor_id=alice) == 4
    for post_id in (with_path.id, legacy.id, below_legacy.id):
        assert raw(post_id) is None


def test_ensure_schema_backfills_once_then_consistency_repair_and_the_flag_do(alice):
    def ensure_schema(*args: str) -> str:
        out = io.StringIO()
        call_command("ensure_schema", *args, stdout=out)
        return out.getvalue()

    database()[threads.MIGRATIONS].delete_many({})  # a database that never had the backfill
    root = services.post_create(author_id=alice, content="root")
    first = stored(alice, parent_post_id=root.id)
    counted = {"$inc": {"replies_count": 1}}  # stored() writes no counter
    posts_collection().update_one({"_id": root.id}, counted)
    assert "thread paths given to 1 replies" in ensure_schema()
    assert raw(first.id)[ANCESTORS] == [root.id]

    # A reply written by a pod of the previous version during the rollout.
    late = stored(alice, parent_post_id=first.id)
    posts_collection().update_one({"_id": first.id}, counted)
    assert "thread paths backfilled already" in ensure_schema()  # no scan at every pod start
    report = check_consistency()
    assert report.pathless == 1
    assert report.clean  # read correctly meanwhile: not drift
    assert check_consistency(repair=True).paths_backfilled == 1
    assert raw(late.id)[ANCESTORS] == [root.id, first.id]
    assert "thread paths given to 0 replies" in ensure_schema("--backfill-paths")
