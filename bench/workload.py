"""Who the benchmark acts as, the small posts set, and each operation's requests.

Users come from the seeded graph: feed readers following ~20 and ~500 accounts, the most
followed accounts (followers pages), random users (counts, writers) and pairs that do not
follow each other yet (follow + unfollow). Posts reads run on a small posts database built
here (see bench/README.md: FerretDB scans the whole collection on every query).
"""

import json
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import neo4j
from pymongo.database import Database

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


@dataclass
class Cast:
    feed20: list[str]  # users following ~20 accounts (the first one reads the feed)
    feed500: str
    followees: dict[str, list[str]]  # of the feed readers
    celebrities: list[str]
    users: list[str]  # random users (counts, writers)
    pairs: list[tuple[str, str]]  # sender does not follow receiver

    def describe(self) -> dict[str, Any]:
        return {
            "feed20_user": self.feed20[0],
            "feed20_following": len(self.followees[self.feed20[0]]),
            "feed500_user": self.feed500,
            "feed500_following": len(self.followees[self.feed500]),
            "timeline_author": self.timeline_author,
        }

    @property
    def timeline_author(self) -> str:
        return self.followees[self.feed20[0]][0]


def cast(driver: neo4j.Driver, database: str, rng: random.Random) -> Cast:
    rows = driver.execute_query(DEGREES, database_=database).records
    by_20 = sorted(rows, key=lambda r: (abs(r["following"] - 20), r["id"]))
    by_500 = min(rows, key=lambda r: (abs(r["following"] - 500), r["id"]))
    celebrities = [r["id"] for r in sorted(rows, key=lambda r: -r["followers"])[:20]]
    feed20 = [r["id"] for r in by_20[:20]]
    readers = [*feed20, by_500["id"]]
    users = [r["id"] for r in rng.sample(rows, 300)]
    senders = [r["id"] for r in rng.sample([r for r in rows if r["following"] < 50], 300)]
    records = driver.execute_query(FOLLOWING, ids=readers + senders, database_=database).records
    followees = {r["id"]: r["followees"] for r in records}
    everyone = [r["id"] for r in rows]
    pairs = []
    for sender in senders:
        taken = set(followees.get(sender, []))
        receiver = rng.choice(everyone)
        if receiver != sender and receiver not in taken:
            pairs.append((sender, receiver))
    return Cast(feed20, by_500["id"], followees, celebrities, users, pairs)


def small_posts(the_cast: Cast) -> list[dict[str, Any]]:
    """Enough posts for full pages: the timeline author's, 2 per ~20-feed followee, 1 each
    for 25 of the ~500-feed followees (about 90 documents)."""
    now = datetime.now(UTC).replace(microsecond=0)
    rng = random.Random(42)
    docs: list[dict[str, Any]] = []

    def add(author: str, count: int) -> None:
        for _ in range(count):
            docs.append(
                {
                    "_id": uuid.UUID(int=rng.getrandbits(128), version=4),
                    "author_id": uuid.UUID(author),
                    "content": f"Benchmark post {len(docs)}: a few words about campus life.",
                    "replies_count": 0,
                    "shares_count": 0,
                    "created_at": now - timedelta(minutes=len(docs)),
                }
            )

    add(the_cast.timeline_author, 25)
    for author in the_cast.followees[the_cast.feed20[0]][1:21]:
        add(author, 2)
    for author in the_cast.followees[the_cast.feed500][:25]:
        add(author, 1)
    return docs


def fill_small(db: Database, docs: list[dict[str, Any]]) -> None:
    db["posts"].delete_many({})
    db["following_cache"].delete_many({})
    db["posts"].insert_many(docs)


def _line(method: str, path: str, user: str, body: dict[str, Any] | None = None) -> str:
    return "\t".join([method, path, user, json.dumps(body) if body else ""])


def requests(the_cast: Cast, post_ids: list[str], rng: random.Random) -> dict[str, list[str]]:
    """Request lines per operation (bench/load.lua's format)."""
    users, author, celebrities = the_cast.users, the_cast.timeline_author, the_cast.celebrities
    feed20, feed500 = the_cast.feed20[0], the_cast.feed500
    follow: list[str] = []
    for sender, receiver in the_cast.pairs:
        follow.append(_line("POST", "/followers", sender, {"receiver_id": receiver}))
        follow.append(_line("DELETE", f"/followers/following/{receiver}", sender))
    create = [
        _line("POST", "/posts", u, {"content": f"Bench post {i} from the load generator."})
        for i, u in enumerate(users)
    ]
    timeline = [_line("GET", f"/posts/author/{author}?limit=20", u) for u in users]
    mix = (
        [_line("GET", "/feed?limit=20", feed20)] * 60
        + rng.sample(timeline, 30)
        + rng.sample(create, 10)
    )
    rng.shuffle(mix)
    return {
        "read_post": [_line("GET", f"/posts/{p}", users[i % 300]) for i, p in enumerate(post_ids)],
        "user_timeline": timeline,
        "home_feed_20": [_line("GET", "/feed?limit=20", feed20)],
        "home_feed_500": [_line("GET", "/feed?limit=20", feed500)],
        "create_post": create,
        "follow_unfollow": follow,
        # The 20 most-followed accounts in turn, each page asked by another of 300 callers.
        "followers_page": [
            _line(
                "GET", f"/followers/user/{celebrities[i % len(celebrities)]}/followers?limit=20", u
            )
            for i, u in enumerate(users)
        ],
        "counts": [_line("GET", f"/followers/user/{u}/followers/count", u) for u in users],
        "suggestions": [
            _line("GET", "/followers/suggestions?limit=20", u) for u in the_cast.feed20
        ],
        "mix": mix,
    }


def write_requests(folder: Path, lines: dict[str, list[str]]) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, rows in lines.items():
        files[name] = folder / f"{name}.txt"
        files[name].write_text("\n".join(rows) + "\n")
    return files
