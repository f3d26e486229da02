"""Reply threads with a bounded cost: every reply stores its ancestor path.

``ancestor_ids`` on a reply lists its ancestors' ids, root first: the parent's path plus the
parent's id, set once at creation (threads never move: a reply's parent is fixed). Top-level
posts and shares store none. The multikey index ``thread_ancestors`` serves
``{ancestor_ids: X}``, the whole subtree under X in one indexed query, so whatever the depth:

- ``GET /posts/{id}/context`` reads the ancestors with one ``{_id: {$in: path}}``;
- deleting a post deletes its subtree with one ``delete_many`` (repeated until a pass deletes
  nothing, see posts.services), not one query per level.

Depth is capped at ``MAX_THREAD_DEPTH`` ancestors: a reply below that is a 400 naming
``parent_post_id``. The cap keeps a reply document's path under ~26 KB of BSON and a context
answer to at most that many posts; real conversations stay far below it (the deepest chains on
public networks are long two-person exchanges of a few hundred replies), while a client that
replies to its own last reply in a loop stops there.

Replies stored before paths existed get theirs from ``backfill_paths``, run once by ``manage.py
ensure_schema`` (which the deployment runs before the pods start; see ``ensure_paths``) and by
``check_consistency --repair``. Until then, and for a reply written by a pod of the previous
version during a rolling update, a reply without a path is read the old way: its ancestors
are walked one query each (``walk_ancestors``), and a reply to it gets a full path that way
too; a delete also walks such replies level by level. Tests: tests/posts/test_threads.py.
"""

from typing import Any
from uuid import UUID

from pymongo import UpdateOne

from hornet.errors import ErrorCode, InvalidInput
from posts.db import database, query_ms
from posts.documents import ANCESTORS, now_ms, posts_collection

Row = dict[str, Any]

MAX_THREAD_DEPTH = 1000
# A legacy chain is walked at most this far; it only stops a corrupted (cyclic) chain.
_MAX_WALK = 10_000
_NO_PATHS = {"parent_post_id": {"$ne": None}, ANCESTORS: {"$exists": False}}
# Completed one-off data migrations of the posts database, one document each.
MIGRATIONS = "schema_migrations"
_PATHS_DONE = "thread_paths"


def is_reply(row: Row) -> bool:
    return row.get("parent_post_id") is not None


def reply_path(parent: Row) -> list[UUID]:
    """The path of a new reply to ``parent``; InvalidInput if the thread is too deep."""
    path = [*path_of(parent), parent["_id"]]
    if len(path) > MAX_THREAD_DEPTH:
        raise InvalidInput.for_field(
            "parent_post_id",
            f"This thread is {MAX_THREAD_DEPTH} replies deep, the most allowed; "
            "reply to a post higher up.",
            code=ErrorCode.THREAD_TOO_DEEP,
        )
    return path


def path_of(row: Row) -> list[UUID]:
    """A stored post's ancestor ids, root first ([] for a top-level post or a share)."""
    if not is_reply(row):
        return []
    stored = row.get(ANCESTORS)
    if stored is not None:
        return list(stored)
    return [ancestor["_id"] for ancestor in walk_ancestors(row)]


def ancestors_of(row: Row) -> list[Row]:
    """The ancestors of a stored post, root first, in one query when it has its path.

    An ancestor deleted meanwhile ends the chain there (its subtree, including this post, is
    being deleted too): only the ancestors below the deepest missing one are returned, as the
    walk always did. Their own paths are not read (a 1000-deep thread would move 1000 paths).
    """
    if not is_reply(row):
        return []
    path = row.get(ANCESTORS)
    if path is None:
        return walk_ancestors(row)
    found = {
        ancestor["_id"]: ancestor
        for ancestor in posts_collection().find(
            {"_id": {"$in": path}},
            {ANCESTORS: 0},
            batch_size=len(path) + 1,  # one round trip: no getMore, even to learn it ended
            max_time_ms=query_ms(),
        )
    }
    chain: list[Row] = []
    for ancestor_id in reversed(path):
        if ancestor_id not in found:
            break
        chain.append(found[ancestor_id])
    chain.reverse()
    return chain


def walk_ancestors(row: Row) -> list[Row]:
    """The ancestors of a reply stored without a path: one query per level, root first. The
    walk jumps to a stored path as soon as an ancestor has one."""
    posts = posts_collection()
    chain: list[Row] = []
    seen = {row["_id"]}
    parent_id = row.get("parent_post_id")
    while parent_id is not None and parent_id not in seen and len(chain) < _MAX_WALK:
        seen.add(parent_id)
        parent = posts.find_one({"_id": parent_id}, max_time_ms=query_ms())
        if parent is None:
            break
        chain.append(parent)
        if parent.get(ANCESTORS) is not None and is_reply(parent):
            chain.extend(reversed(ancestors_of(parent)))
            break
        parent_id = parent.get("parent_post_id")
    for ancestor in chain:
        ancestor.pop(ANCESTORS, None)
    chain.reverse()
    return chain


def count_pathless() -> int:
    """Replies stored without a path (a full scan: for maintenance jobs only)."""
    return posts_collection().count_documents(_NO_PATHS)


def ensure_paths(*, force: bool = False) -> int | None:
    """Backfill once per database (``manage.py ensure_schema``, which every pod start runs):
    None if a completed backfill is on record, so a start never scans the collection again.
    Replies a pod of the previous version writes during the rollout are found by the nightly
    ``check_consistency`` (reported, and given their paths by ``--repair``) or by
    ``ensure_schema --backfill-paths``."""
    migrations = database()[MIGRATIONS]
    if not force and migrations.count_documents({"_id": _PATHS_DONE}, limit=1):
        return None
    written = backfill_paths()
    migrations.update_one({"_id": _PATHS_DONE}, {"$set": {"completed_at": now_ms()}}, upsert=True)
    return written


def backfill_paths(*, batch: int = 1000) -> int:
    """Give every reply stored without ``ancestor_ids`` its path; return how many were set.

    Idempotent and batched: replies are visited in ``_id`` order, ``batch`` at a time; each
    batch resolves its parents' chains level by level (one ``$in`` per level for the whole
    batch) and writes with one unordered bulk of updates that only apply where the path is
    still missing. A reply whose chain reaches a missing post (an orphan) is left as it is
    for ``check_consistency --repair``.
    """
    posts = posts_collection()
    written, after = 0, None
    while True:
        query: dict[str, Any] = dict(_NO_PATHS)
        if after is not None:
            query["_id"] = {"$gt": after}
        rows = list(posts.find(query, {"parent_post_id": 1}, sort=[("_id", 1)], limit=batch))
        if not rows:
            return written
        after = rows[-1]["_id"]
        paths = _resolve({row["_id"]: row["parent_post_id"] for row in rows})
        updates = [
            UpdateOne({"_id": reply_id, ANCESTORS: {"$exists": False}}, {"$set": {ANCESTORS: p}})
            for reply_id, p in paths.items()
        ]
        if updates:
            written += posts.bulk_write(updates, ordered=False).modified_count


def _resolve(parents: dict[UUID, UUID]) -> dict[UUID, list[UUID]]:
    """Paths of these replies (reply id -> parent id), for those whose chain is complete."""
    known: dict[UUID, list[UUID] | None] = {}  # post id -> its path; None: missing post
    up = dict(parents)  # reply id -> parent id, for every pathless reply met
    todo = set(parents.values()) - set(parents)
    for _ in range(_MAX_WALK):
        if not todo:
            break
        found = {
            row["_id"]: row
            for row in posts_collection().find(
                {"_id": {"$in": list(todo)}}, {"parent_post_id": 1, ANCESTORS: 1}
            )
        }
        next_todo: set[UUID] = set()
        for post_id in todo:
            row = found.get(post_id)
            if row is None:
                known[post_id] = None
            elif not is_reply(row):
                known[post_id] = []
            elif row.get(ANCESTORS) is not None:
                known[post_id] = list(row[ANCESTORS])
            else:
                up[post_id] = row["parent_post_id"]
                if row["parent_post_id"] not in known and row["parent_post_id"] not in up:
                    next_todo.add(row["parent_post_id"])
        todo = next_todo
    return {
        reply_id: path for reply_id in parents if (path := _path(reply_id, up, known)) is not None
    }


def _path(
    post_id: UUID, up: dict[UUID, UUID], known: dict[UUID, list[UUID] | None]
) -> list[UUID] | None:
    """Path of a pathless reply from the parent links; memoised in ``known``."""
    chain: list[UUID] = []
    cursor: UUID | None = post_id
    while cursor is not None and cursor not in known:
        if cursor in chain or cursor not in up:  # a cycle, or a post never read
            known[cursor] = None
            break
        chain.append(cursor)
        cursor = up[cursor]
    base = known.get(cursor) if cursor is not None else None
    for node in reversed(chain):
        if base is not None:
            base = [*base, up[node]]
        known[node] = base
    return known[post_id]


def subtree_filter(root_id: UUID) -> dict[str, Any]:
    """Every post under ``root_id`` (at any depth) that has its path."""
    return {ANCESTORS: root_id}
