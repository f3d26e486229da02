"""What a user puts on a post: likes and bookmarks, one small document per (post, user).

Both kinds are stored alike, each in its own collection (``likes``, ``bookmarks``):
``{_id: "<post id hex><user id hex>", p: post, u: user, t: when}``. The ``_id`` is the pair, so
the same mark can never be stored twice (the unique key on (post, user)); writing it twice is a
duplicate-key error the writers read as "already there". Likes also carry ``by``, the token of
the attempt that inserted them (posts.likes uses it to settle a crash exactly).

Lists, newest first, paged by ``(t, other id)`` with the timelines' cursor rules
(``posts.queries``): a user's marks by ``(u, t desc, p desc)``, a post's by ``(p, t desc,
u desc)``. The viewer flags of a page are one ``_id $in`` query per kind (primary-key lookups),
never one per post.
"""

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from pymongo import ASCENDING, DESCENDING
from pymongo.collection import Collection as MongoCollection
from pymongo.errors import DuplicateKeyError

from hornet.pagination import Page
from posts.db import database, query_ms
from posts.queries import TimeKey, after_filter, planned
from posts.selectors import posts_by_ids

Row = dict[str, Any]
_BATCH = 1000  # post ids per $in when marks of many posts are deleted


@dataclass(frozen=True)
class Marks:
    """One kind of mark, stored in its own collection."""

    collection_name: str

    def collection(self) -> MongoCollection:
        return database()[self.collection_name]

    @property
    def user_index(self) -> str:
        return f"{self.collection_name}_by_user"

    @property
    def post_index(self) -> str:
        return f"{self.collection_name}_by_post"

    def ensure_indexes(self) -> list[str]:
        """The list indexes (``manage.py ensure_schema``); ``_id`` is the unique pair. The post
        index also serves deleting a post's marks, so both kinds have it."""
        marks = self.collection()
        marks.create_index(
            [("u", ASCENDING), ("t", DESCENDING), ("p", DESCENDING)], name=self.user_index
        )
        marks.create_index(
            [("p", ASCENDING), ("t", DESCENDING), ("u", DESCENDING)], name=self.post_index
        )
        return [self.user_index, self.post_index]

    def find(self, post_id: UUID, user_id: UUID) -> Row | None:
        row: Row | None = self.collection().find_one(
            {"_id": mark_id(post_id, user_id)}, max_time_ms=query_ms()
        )
        return row

    def insert(self, post_id: UUID, user_id: UUID, at: datetime, **extra: Any) -> bool:
        """Store the mark; False if it was there already."""
        row = {"_id": mark_id(post_id, user_id), "p": post_id, "u": user_id, "t": at, **extra}
        try:
            self.collection().insert_one(row)
        except DuplicateKeyError:
            return False
        return True

    def delete(self, post_id: UUID, user_id: UUID) -> bool:
        """Remove the mark; False if there was none."""
        return bool(self.collection().delete_one({"_id": mark_id(post_id, user_id)}).deleted_count)

    def delete_for_posts(self, post_ids: Sequence[UUID]) -> int:
        """Every mark on these (deleted) posts."""
        ids = list(post_ids)
        removed = 0
        for start in range(0, len(ids), _BATCH):
            batch = ids[start : start + _BATCH]
            removed += self.collection().delete_many({"p": {"$in": batch}}).deleted_count
        return removed

    def marked(self, user_id: UUID, post_ids: Iterable[UUID]) -> set[UUID]:
        """Which of these posts the user marked: one query by primary key, whatever the page."""
        ids = [mark_id(p, user_id) for p in dict.fromkeys(post_ids)]
        if not ids:
            return set()
        found = self.collection().find({"_id": {"$in": ids}}, {"p": 1}, max_time_ms=query_ms())
        return {row["p"] for row in found}

    def user_page(self, user_id: UUID, *, limit: int, after: dict[str, Any] | None) -> Page[Row]:
        """The user's marks, newest first (key ``(t, p)``)."""
        return self._page({"u": user_id}, "p", limit, after)

    def post_page(
        self,
        post_id: UUID,
        *,
        limit: int,
        after: dict[str, Any] | None,
        hidden: Collection[UUID] = (),
    ) -> Page[Row]:
        """The post's marks, newest first (key ``(t, u)``), leaving out ``hidden`` users."""
        owner: dict[str, Any] = {"p": post_id}
        if hidden:
            owner["u"] = {"$nin": list(hidden)}
        return self._page(owner, "u", limit, after)

    def posts_page(self, user_id: UUID, *, limit: int, after: dict[str, Any] | None) -> Page[Row]:
        """The posts the user marked, most recently marked first (paged by the marks)."""
        page = self.user_page(user_id, limit=limit, after=after)
        found = posts_by_ids([row["p"] for row in page.items])
        return Page([found[r["p"]] for r in page.items if r["p"] in found], page.next_cursor)

    def _page(
        self, owner: dict[str, Any], tie: str, limit: int, after: dict[str, Any] | None
    ) -> Page[Row]:
        query, sort = page_query(owner, tie, TimeKey.parse(after))
        rows = list(
            self.collection().find(query, sort=sort, limit=limit + 1, max_time_ms=query_ms())
        )
        if len(rows) <= limit:
            return Page(rows, None)
        rows = rows[:limit]
        last = rows[-1]
        return Page(rows, TimeKey(created_at=last["t"], id=last[tie]).payload())


def page_query(
    owner: dict[str, Any], tie: str, key: TimeKey | None
) -> tuple[dict[str, Any], list[tuple[str, int]]]:
    """(filter, sort) of a page of marks after ``key`` (also ``manage.py explain_queries``)."""
    query = planned({**owner, **after_filter(key, True, time="t", tie=tie)})
    return query, [("t", DESCENDING), (tie, DESCENDING)]


def mark_id(post_id: UUID, user_id: UUID) -> str:
    return post_id.hex + user_id.hex


LIKES = Marks("likes")
BOOKMARKS = Marks("bookmarks")
KINDS = (LIKES, BOOKMARKS)


def forget_posts(post_ids: Sequence[UUID]) -> int:
    """Every like and bookmark of these (deleted) posts."""
    return sum(kind.delete_for_posts(post_ids) for kind in KINDS)
