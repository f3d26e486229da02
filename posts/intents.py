"""Counter changes that survive a crash halfway: an intent recorded on the counted post.

Creating or deleting a reply (or a share) is two writes on two documents, the post and its
parent's counter, and neither FerretDB nor a sharded MongoDB makes them one. So each counted
change records an intent ``_pending.<c|d><post id hex> = {c: counter, at, by}`` on the counted
post (the target) first, and every step is one single-document write:

- creation: (1) ``$inc`` the counter and record the intent, only if it is not recorded yet
  (this doubles as the target's existence check); (2) insert the post; (3) close the intent.
- deletion: (1) record the intent, without counting; (2) delete the post: exactly one deleter
  removes it; (3) that one ``$inc``s the counter down AND closes the intent in one update; a
  deleter that found the post gone just withdraws its own intent.

``by`` is the token of the attempt that holds the intent; taking one over (a retry resuming,
a second deleter of the same post) replaces it, and every conditional repair compares it.

If the process or the database dies midway, the intent stays. A retry with the same
Idempotency-Key (same post id) resumes a creation: it finds its intent (step 1), its post
(step 2) and closes. Otherwise ``settle_stale`` (``manage.py check_consistency --repair``)
finishes intents older than any request can live: the post's existence says whether step 2
happened, and one update conditional on ``by`` keeps or reverts the count. The one case an
intent cannot decide (a deleter that lost a race crashing before withdrawing) is left to the
recount that follows the settle in ``check_consistency``.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from posts.documents import PENDING, posts_collection

CREATE, DELETE = "c", "d"


def _name(kind: str, post_id: UUID) -> str:
    return f"{kind}{post_id.hex}"


def _key(kind: str, post_id: UUID) -> str:
    return f"{PENDING}.{_name(kind, post_id)}"


@dataclass(frozen=True)
class Intent:
    target_id: UUID
    key: str
    token: str
    opened: bool  # False: joined an intent that an earlier or concurrent attempt opened

    def withdraw(self) -> bool:
        """Remove the intent unless another attempt took it over meanwhile."""
        query = {"_id": self.target_id, f"{self.key}.by": self.token}
        return posts_collection().update_one(query, {"$unset": {self.key: ""}}).matched_count == 1


def open_intent(
    *, target_id: UUID, post_id: UUID, counter: str, kind: str, now: datetime
) -> Intent | None:
    """Step 1: the intent, opened now or joined (an earlier attempt or a concurrent deleter of
    the same post opened it). A creation is counted here. None if the target does not exist."""
    posts = posts_collection()
    key = _key(kind, post_id)
    for _ in range(3):
        token = uuid4().hex
        change: dict[str, Any] = {"$set": {key: {"c": counter, "at": now, "by": token}}}
        if kind == CREATE:
            change["$inc"] = {counter: 1}
        else:  # the post exists, so its creation was counted: that intent is done
            change["$unset"] = {_key(CREATE, post_id): ""}
        query = {"_id": target_id, key: {"$exists": False}}
        if posts.update_one(query, change).matched_count:
            return Intent(target_id, key, token, opened=True)
        # Already open: take it over, so a settle that read it before cannot revert it now.
        touch = {"$set": {f"{key}.at": now, f"{key}.by": token}}
        if posts.update_one({"_id": target_id, key: {"$exists": True}}, touch).matched_count:
            return Intent(target_id, key, token, opened=False)
        if posts.count_documents({"_id": target_id}, limit=1) == 0:
            return None
    return None


def close_creation(*, target_id: UUID, post_id: UUID) -> bool:
    """Creation step 3. False if the target is gone (deleted meanwhile)."""
    key = _key(CREATE, post_id)
    return (
        posts_collection().update_one({"_id": target_id}, {"$unset": {key: ""}}).matched_count > 0
    )


def close_deletion(*, target_id: UUID, post_id: UUID, counter: str) -> None:
    """Deletion step 3, by the one deleter that removed the post: count it and close, at once.

    Counted whether or not the intent is still there: a losing deleter that had taken the
    intent over may have withdrawn it (its token) between our delete and this close, and the
    one deleter that removed the post must count it all the same
    (tests/reliability/posts/test_concurrency.py,
    ``test_replies_and_deletes_of_one_reply_race_cleanly``)."""
    key = _key(DELETE, post_id)
    posts = posts_collection()
    query = {"_id": target_id, counter: {"$gt": 0}}
    if not posts.update_one(query, {"$inc": {counter: -1}, "$unset": {key: ""}}).matched_count:
        posts.update_one({"_id": target_id}, {"$unset": {key: ""}})  # already 0 (drift)


def settle_stale(target: dict[str, Any], *, older_than: datetime) -> int:
    """Finish the target's intents recorded before ``older_than``; return how many.

    A creation whose post exists was counted: close. One whose post is missing never
    happened: close and uncount. A deletion whose post still exists never happened: close.
    One whose post is gone was not counted: count it and close."""
    posts = posts_collection()
    settled = 0
    for name, intent in (target.get(PENDING) or {}).items():
        if name[:1] not in (CREATE, DELETE):  # another kind's entry (posts.likes' locks)
            continue
        if not isinstance(intent, dict) or intent.get("at") is None or intent["at"] >= older_than:
            continue
        post_id = UUID(hex=name[1:])
        key = f"{PENDING}.{name}"
        exists = posts.count_documents({"_id": post_id}, limit=1) == 1
        change: dict[str, Any] = {"$unset": {key: ""}}
        if not exists:
            change["$inc"] = {intent["c"]: -1}
        query = {"_id": target["_id"], f"{key}.by": intent.get("by")}
        settled += posts.update_one(query, change).matched_count
    return settled
