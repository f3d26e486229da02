"""Who the benchmark acts as and what it reads, drawn from the seeded data set.

Many users, weighted as activity is, so that no cache (the feed's following cache, the
server's pages of one author) flatters a row: feed readers following ~20 accounts (up to
``READERS`` of them) and every user following ~500; timeline authors drawn by their number
of posts (the seed's authorship is Zipf-like, so a prolific author is read more often, as in
life); posts sampled uniformly from the whole set (an author drawn by post count, then one of
their posts from a short indexed time window at a random time of their activity: a bounded
key range on every server, where ``$sample`` or a skip would read the collection); random
callers. The followers side keeps its own users: the most followed accounts (followers pages),
random users (counts), pairs that do not follow each other yet (follow + unfollow).
"""

import datetime as dt
import random
import statistics
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import neo4j
from pymongo.collection import Collection
from pymongo.database import Database

from bench.seed import SEED
from posts.seed_engagement import tag_draws

FANOUT_AUTHORS = 5
DEGREES = """
MATCH (u:User)
RETURN u.user_id AS id, COUNT { (u)-[:FOLLOWS]->() } AS following,
       u.followers_count AS followers
"""
FOLLOWING = """
UNWIND $ids AS id
MATCH (:User {user_id: id})-[:FOLLOWS]->(b:User)
RETURN id, collect(b.user_id) AS followees
"""
READERS = 1000  # feed readers of ~20 accounts, mix feed readers, posts callers
DRAWS = 2000  # timeline authors and read posts drawn (with repetition, as activity is)
FEED20 = (15, 25)  # followee counts of the "~20" feed readers
FEED500 = (400, 600)  # and of the "~500" ones (every such user)


@dataclass
class Cast:
    feed20: list[str]  # users following ~20 accounts (feed readers, suggestions)
    feed500: list[str]  # users following ~500 accounts
    following: dict[str, int]  # how many accounts each user follows
    celebrities: list[str]
    users: list[str]  # random users (counts, followers-side writers)
    pairs: list[tuple[str, str]]  # sender does not follow receiver
    callers: list[str] = field(default_factory=list)  # random users calling posts reads/creates
    mix_readers: list[str] = field(default_factory=list)  # the mix's feed readers
    authors: list[str] = field(default_factory=list)  # timeline authors, drawn by activity
    posts: list[str] = field(default_factory=list)  # post ids sampled from the data set
    author_posts: dict[str, int] = field(default_factory=dict)  # posts per author
    # Authors with about 1,000 followers: one create in ten of the mix is theirs (fan-out lag).
    fanout_authors: list[str] = field(default_factory=list)
    fanout_followers: dict[str, int] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)  # tag timelines read, drawn by use
    seconds: dict[str, float] = field(default_factory=dict)  # how long each draw took

    def describe(self) -> dict[str, Any]:
        """Sizes and shapes for results.json (env.cast): counts and min/median/max."""

        def followees(users: list[str]) -> dict[str, Any]:
            return spread([self.following.get(u, 0) for u in users])

        return {
            "feed20_readers": len(set(self.feed20)),
            "feed20_following": followees(self.feed20),
            "feed500_readers": len(set(self.feed500)),
            "feed500_following": followees(self.feed500),
            "mix_feed_readers": len(set(self.mix_readers)),
            "mix_feed_following": followees(self.mix_readers),
            "timeline_authors": len(set(self.authors)),
            "timeline_draws": len(self.authors),
            "timeline_author_posts": spread([self.author_posts.get(a, 0) for a in self.authors]),
            "read_posts": len(set(self.posts)),
            "fanout_authors_followers": sorted(self.fanout_followers.values()),
            "read_post_draws": len(self.posts),
            "tags": len(set(self.tags)),
            "callers": len(set(self.callers)),
            "followers_pages_of": len(self.celebrities),
            "cast_seconds": {k: round(v, 2) for k, v in self.seconds.items()},
        }


def spread(values: list[int]) -> dict[str, Any]:
    """min / median / max (None when there are no values)."""
    if not values:
        return {"n": 0, "min": None, "median": None, "max": None}
    return {
        "n": len(values),
        "min": min(values),
        "median": statistics.median(values),
        "max": max(values),
    }


def weighted(weights: dict[str, int], k: int, rng: random.Random) -> list[str]:
    """``k`` keys drawn with repetition, each as often as its weight says."""
    keys = sorted(weights)
    return rng.choices(keys, weights=[weights[key] for key in keys], k=k)


def within(rows: Sequence[Any], low: int, high: int) -> list[str]:
    return sorted(r["id"] for r in rows if low <= r["following"] <= high)


def cast(
    driver: neo4j.Driver,
    database: str,
    posts_db: Database,
    rng: random.Random,
    scans: bool = False,
) -> Cast:
    """The cast from the graph (``driver``) and the posts database (``posts_db``). ``scans``:
    the server scans the collection for any filtered query (FerretDB), so the posts read are
    the first ids it returns without a filter instead (every read costs a scan there anyway)."""
    started = time.perf_counter()
    rows = driver.execute_query(DEGREES, database_=database).records
    celebrities = [r["id"] for r in sorted(rows, key=lambda r: -r["followers"])[:20]]
    feed20 = within(rows, *FEED20)
    feed20 = rng.sample(feed20, min(READERS, len(feed20)))
    feed500 = within(rows, *FEED500)
    users = [r["id"] for r in rng.sample(rows, 300)]
    senders = [r["id"] for r in rng.sample([r for r in rows if r["following"] < 50], 300)]
    records = driver.execute_query(FOLLOWING, ids=senders, database_=database).records
    followees = {r["id"]: r["followees"] for r in records}
    everyone = [r["id"] for r in rows]
    pairs = []
    for sender in senders:
        taken = set(followees.get(sender, []))
        receiver = rng.choice(everyone)
        if receiver != sender and receiver not in taken:
            pairs.append((sender, receiver))
    the_cast = Cast(
        feed20=feed20,
        feed500=feed500,
        following={r["id"]: r["following"] for r in rows},
        celebrities=celebrities,
        users=users,
        pairs=pairs,
        callers=rng.sample(everyone, min(READERS, len(everyone))),
        mix_readers=rng.sample(everyone, min(READERS, len(everyone))),
    )
    near = sorted(
        (r for r in rows if 700 <= (r["followers"] or 0) <= 1500),
        key=lambda r: (abs(r["followers"] - 1000), r["id"]),
    )[:FANOUT_AUTHORS]
    the_cast.fanout_authors = [r["id"] for r in near]
    the_cast.fanout_followers = {r["id"]: r["followers"] for r in near}
    the_cast.seconds["graph"] = time.perf_counter() - started

    started = time.perf_counter()
    stats = {
        doc["_id"]: (doc["n"], doc["first"], doc["last"])
        for doc in posts_db["author_stats"].find({}, batch_size=10_000)
    }
    the_cast.author_posts = {a: s[0] for a, s in stats.items()}
    the_cast.authors = weighted(the_cast.author_posts, DRAWS, rng)
    the_cast.seconds["author_stats"] = time.perf_counter() - started

    started = time.perf_counter()
    if scans:
        found = posts_db["posts"].find({}, {"_id": 1}, limit=DRAWS)
        the_cast.posts = [str(doc["_id"]) for doc in found]
    else:
        the_cast.posts = sample_posts(posts_db["posts"], stats, DRAWS, rng)
    the_cast.seconds["posts"] = time.perf_counter() - started
    the_cast.tags = tag_draws(SEED, DRAWS, rng)
    return the_cast


def sample_posts(
    posts: Collection,
    stats: dict[str, tuple[int, dt.datetime, dt.datetime]],
    k: int,
    rng: random.Random,
) -> list[str]:
    """``k`` post ids, about uniformly over all posts: an author drawn by post count, a random
    time of their activity, and one of their posts in a time window around it expected to
    hold ~8 posts (widened while empty). Each query is a bounded range of the timeline index."""
    picked: list[str] = []
    for author in weighted({a: s[0] for a, s in stats.items()}, k, rng):
        n, first, last = stats[author]
        span = max((last - first).total_seconds(), 1.0)
        at = first + dt.timedelta(seconds=rng.random() * span)
        half = dt.timedelta(seconds=4 * span / max(n, 1))
        for _ in range(8):
            window = {"$gte": at - half, "$lt": at + half}
            query = {"author_id": uuid.UUID(author), "created_at": window}
            found = list(posts.find(query, {"_id": 1}, limit=32))
            if found:
                picked.append(str(rng.choice(found)["_id"]))
                break
            half *= 4
    return picked
