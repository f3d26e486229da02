"""Likes, hashtags and mentions for ``manage.py seed``, in proportions like a campus network's.

- hashtags: 15% of top-level posts end with one or two tags, drawn by a power law from a pool
  of course codes, clubs and events (a few tags are most of the use, as on every network);
- mentions: 8% of top-level posts mention one seeded user (``@username`` in the text, the id in
  ``mentions``);
- likes: per post a heavy-tailed count (Pareto, about 2 on average, most posts 0 or 1, a few
  hundreds), by distinct users, each some time within a day after the post.

Each like and each mention also notifies the post's author, or the mentioned user
(``notifications_of``: the documents posts.notifications stores, at the like's or the post's
time), as the API would have; replies and shares seeded as such notify nobody here.

Posts carry ``tags`` as the parser stores them (posts.mentions) and ``likes_count`` equal to
their like documents (posts.marks), so ``check_consistency`` finds a seeded database clean.
"""

import random
from typing import Any

from bson import Binary, DatetimeMS
from bson.binary import UUID_SUBTYPE

from hornet import seeding
from posts.marks import mark_id
from posts.mentions import normalise_tag, parse
from posts.notifications.store import LIKE, MENTION, Event

TAG_SHARE, MENTION_SHARE = 0.15, 0.08
LIKE_SHAPE = 1.5  # Pareto shape: mean likes about 1 / (shape - 1) = 2
MAX_LIKES = 500
DAY_MS = 86_400_000
_COURSES = [
    f"{d}{n}" for d in ("CS", "MATH", "PHYS", "BIO", "ECON", "HIST") for n in (101, 201, 301)
]
_OTHERS = ["exams", "library", "hackathon", "chess_club", "orientation", "robotics", "café"]
TAGS = _COURSES + _OTHERS


def tag_draws(seed: int, k: int, rng: random.Random) -> list[str]:
    """``k`` tags (normalised, as stored) drawn as often as ``manage.py seed --seed seed``
    uses them: the benchmark's tag timelines (bench/cast.py)."""
    return [
        normalise_tag(tag)
        for tag in rng.choices(TAGS, cum_weights=seeding.popularity(seed, len(TAGS)), k=k)
    ]


class Decorator:
    """Adds tags, mentions and likes to a batch of seeded post documents (deterministic)."""

    def __init__(self, seed: int, users: list[seeding.SeedUser]):
        self.rng = random.Random(f"{seed}:engagement")
        self.users = users
        self.user_ids = [Binary(u.user_id.bytes, UUID_SUBTYPE) for u in users]
        self.tag_weights = seeding.popularity(seed, len(TAGS))

    def decorate(self, docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Change ``docs`` in place; return their like documents."""
        likes: list[dict[str, Any]] = []
        for doc in docs:
            top_level = "parent_post_id" not in doc and "original_post_id" not in doc
            if top_level:
                self._text(doc)
            likes.extend(self._likes(doc))
        return likes

    def _text(self, doc: dict[str, Any]) -> None:
        rng = self.rng
        if rng.random() < MENTION_SHARE:
            who = rng.randrange(len(self.users))
            doc["content"] = f"@{self.users[who].username} {doc['content']}"
            doc["mentions"] = [self.user_ids[who]]
        if rng.random() < TAG_SHARE:
            tags = rng.choices(TAGS, cum_weights=self.tag_weights, k=rng.randint(1, 2))
            doc["content"] += " " + " ".join(f"#{tag}" for tag in tags)
            doc["tags"] = parse(doc["content"]).tags

    def _likes(self, doc: dict[str, Any]) -> list[dict[str, Any]]:
        rng = self.rng
        count = min(int(rng.paretovariate(LIKE_SHAPE)) - 1, MAX_LIKES, len(self.users))
        doc["likes_count"] = count
        if not count:
            return []
        post = doc["_id"]
        created = int(doc["created_at"])
        rows = []
        for who in rng.sample(range(len(self.users)), count):
            user = self.users[who].user_id
            rows.append(
                {
                    "_id": mark_id(post.as_uuid(), user),
                    "p": post,
                    "u": self.user_ids[who],
                    "t": DatetimeMS(created + rng.randrange(DAY_MS)),
                    "by": "seed",
                }
            )
        return rows


def notifications_of(
    docs: list[dict[str, Any]], likes: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The notification documents of a decorated batch: one per like (to the post's author)
    and one per mention (to the mentioned user); none of one's own action."""
    authors = {doc["_id"]: doc for doc in docs}
    found: list[dict[str, Any]] = []
    for doc in docs:
        post = doc["_id"].as_uuid()
        author = doc["author_id"].as_uuid()
        for user in doc.get("mentions") or ():
            event = Event(MENTION, user.as_uuid(), author, post, post)
            found.append(event.document(doc["created_at"].as_datetime()))
    for like in likes:
        doc = authors[like["p"]]
        post = like["p"].as_uuid()
        event = Event(LIKE, doc["author_id"].as_uuid(), like["u"].as_uuid(), post, post)
        found.append(event.document(like["t"].as_datetime()))
    return [row for row in found if row["r"] != row["a"]]
