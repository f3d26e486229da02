"""Likes: idempotent like and unlike, with ``likes_count`` on the post kept exact.

The like document (posts.marks) and the counter on the post are two documents, so each like
or unlike holds a lock on the post for that user while it changes both:
``_pending.l<user id hex> = {c: "likes_count", at, by: token, op}`` (in the post's open-intents
field, posts.intents). Every step is one single-document write:

- like: (1) take the lock with ``op: "+"`` (no post: NotFound); (2) insert the like carrying
  ``by: token`` (already there: release, nothing counted); (3) ``$inc`` +1 AND release, in one
  update conditional on ``by``.
- unlike: (1) take the lock without ``op``; (2) the like exists? (no: release); (3) set
  ``op: "-"``; (4) delete the like; (5) ``$inc`` -1 AND release, in one update.

Only the lock holder changes a (post, user) like, so 50 concurrent likes by one user insert
and count once, and 50 by distinct users each count once (tests/posts/test_likes.py,
``test_concurrent_likes_*``). A crash leaves the lock, and its state says exactly what happened
(``settle_lock``): ``op "+"`` with a like whose ``by`` is the lock's: inserted, not counted;
``op "-"`` without the like: deleted, not counted; anything else: nothing changed. The next
like or unlike by that user settles a lock older than ``LOCK_STALE`` before taking it, and
``check_consistency --repair`` settles stale ones (and recounts any drift left, as for replies).

A post's likes go with it (``posts.services.post_delete``); a like inserted while its post is
being deleted finds the post gone when it counts, and removes itself (NotFound).
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

from hornet.errors import Conflict
from posts.documents import PENDING, now_ms, posts_collection
from posts.marks import LIKES
from posts.notifications import services as notifications
from posts.selectors import post_find, post_not_found

COUNTER = "likes_count"
LOCK_KIND = "l"  # posts.intents leaves these entries to settle_lock
LOCK_STALE = timedelta(seconds=30)  # longer than any request may live
_WAIT_SECONDS = 0.005
_WAIT_LIMIT = 5.0  # seconds of waiting for another attempt by the same user, then Conflict


def _name(user_id: UUID) -> str:
    return f"{LOCK_KIND}{user_id.hex}"


@dataclass(frozen=True)
class _Lock:
    post_id: UUID
    key: str
    token: str

    def _update(self, change: dict[str, Any], **extra: Any) -> bool:
        query = {"_id": self.post_id, f"{self.key}.by": self.token, **extra}
        return posts_collection().update_one(query, change).matched_count == 1

    def set_op(self, op: str) -> bool:
        return self._update({"$set": {f"{self.key}.op": op}})

    def release(self) -> bool:
        return self._update({"$unset": {self.key: ""}})

    def count(self, step: int) -> bool:
        """Move the counter and release, at once; False if the lock (or the post) is gone."""
        change = {"$inc": {COUNTER: step}, "$unset": {self.key: ""}}
        if step > 0:
            return self._update(change)
        return self._update(change, **{COUNTER: {"$gt": 0}}) or self.release()  # 0: drift


def _acquire(
    post_id: UUID, user_id: UUID, op: str | None, done: Callable[[], bool]
) -> _Lock | None:
    """The (post, user) lock; None if, while another attempt by the same user held it,
    ``done()`` became true (the like is there, or gone, as this call wants: nothing to do).
    NotFound without the post; Conflict if a live attempt holds it for ``_WAIT_LIMIT``
    (stale locks are settled and taken)."""
    posts = posts_collection()
    name = _name(user_id)
    key = f"{PENDING}.{name}"
    deadline = time.monotonic() + _WAIT_LIMIT
    while time.monotonic() < deadline:
        token = uuid4().hex
        lock = {"c": COUNTER, "at": now_ms(), "by": token, "op": op}
        if posts.update_one(
            {"_id": post_id, key: {"$exists": False}}, {"$set": {key: lock}}
        ).matched_count:
            return _Lock(post_id, key, token)
        row = posts.find_one({"_id": post_id}, {PENDING: 1})
        if row is None:
            raise post_not_found(post_id)
        held = (row.get(PENDING) or {}).get(name)
        if isinstance(held, dict) and held.get("at") and held["at"] < now_ms() - LOCK_STALE:
            settle_lock(post_id, name, held)
            continue
        if done():
            return None
        time.sleep(_WAIT_SECONDS)
    raise Conflict("Another like or unlike of this post by you is in progress; retry.")


def like_add(*, post_id: UUID, user_id: UUID) -> bool:
    """Like the post (idempotent); True if this call liked it. NotFound if there is no post."""
    if LIKES.find(post_id, user_id) is not None:
        return False
    lock = _acquire(post_id, user_id, "+", lambda: LIKES.find(post_id, user_id) is not None)
    if lock is None:
        return False
    if not LIKES.insert(post_id, user_id, now_ms(), by=lock.token):
        lock.release()
        return False
    if lock.count(+1):
        return True
    if post_find(post_id=post_id) is None:  # deleted meanwhile: no like outlives its post
        LIKES.delete(post_id, user_id)
        raise post_not_found(post_id)
    return True  # the lock was settled (counted) by someone else after LOCK_STALE


def like_add_notified(*, post_id: UUID, user_id: UUID) -> bool:
    """``like_add``, then the author's notification (posts.notifications): written on every
    attempt, so a retry repairs one a failure lost, and never twice (idempotent entry)."""
    added = like_add(post_id=post_id, user_id=user_id)
    post = post_find(post_id=post_id)
    if post is not None:
        notifications.liked(post, user_id)
    return added


def like_remove(*, post_id: UUID, user_id: UUID) -> bool:
    """Unlike the post (idempotent); True if this call removed a like. NotFound without post."""
    if LIKES.find(post_id, user_id) is None:
        if post_find(post_id=post_id) is None:
            raise post_not_found(post_id)
        return False
    lock = _acquire(post_id, user_id, None, lambda: LIKES.find(post_id, user_id) is None)
    if lock is None:
        return False
    if LIKES.find(post_id, user_id) is None or not lock.set_op("-"):
        lock.release()
        return False
    if not LIKES.delete(post_id, user_id):  # only a delete of the post races us here
        lock.release()
        return False
    lock.count(-1)
    return True


def settle_lock(post_id: UUID, name: str, lock: dict[str, Any]) -> int:
    """Finish a crashed attempt's lock exactly (module docstring); 1 if settled here."""
    user_id = UUID(hex=name[len(LOCK_KIND) :])
    like = LIKES.find(post_id, user_id)
    key = f"{PENDING}.{name}"
    change: dict[str, Any] = {"$unset": {key: ""}}
    op = lock.get("op")
    if op == "+" and like is not None and like.get("by") == lock.get("by"):
        change["$inc"] = {COUNTER: 1}
    elif op == "-" and like is None:
        change["$inc"] = {COUNTER: -1}
    query = {"_id": post_id, f"{key}.by": lock.get("by")}
    return posts_collection().update_one(query, change).matched_count


def settle_stale_locks(post: dict[str, Any], *, older_than: Any) -> int:
    """``settle_lock`` for each of the post's like locks taken before ``older_than``."""
    settled = 0
    for name, lock in (post.get(PENDING) or {}).items():
        if not name.startswith(LOCK_KIND) or not isinstance(lock, dict):
            continue
        if lock.get("at") is not None and lock["at"] < older_than:
            settled += settle_lock(post["_id"], name, lock)
    return settled
