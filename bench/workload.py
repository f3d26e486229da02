"""Each operation's requests, as bench/load.lua reads them (one request a line).

Posts operations spread over many users (bench/cast.py): reads of sampled posts and of
timelines drawn by activity, by random callers; feeds of many readers, each as themselves;
creates by random callers. The followers operations use the cast's followers-side users.
"""

import json
import random
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bench.cast import Cast

MIX = {"feed": 60, "timeline": 30, "create": 10}  # per 100 requests


def _line(method: str, path: str, user: str, body: dict[str, Any] | None = None) -> str:
    return "\t".join([method, path, user, json.dumps(body) if body else ""])


def requests(the_cast: Cast, rng: random.Random) -> dict[str, list[str]]:
    """Request lines per operation (bench/load.lua's format)."""
    users, callers, celebrities = the_cast.users, the_cast.callers, the_cast.celebrities
    follow: list[str] = []
    for sender, receiver in the_cast.pairs:
        follow.append(_line("POST", "/followers", sender, {"receiver_id": receiver}))
        follow.append(_line("DELETE", f"/followers/following/{receiver}", sender))

    def caller(i: int) -> str:
        return callers[i % len(callers)]

    def create(i: int) -> str:
        body = {"content": f"Bench post {i} from the load generator."}
        return _line("POST", "/posts", caller(i), body)

    def timeline(i: int, author: str) -> str:
        return _line("GET", f"/posts/author/{author}?limit=20", caller(i))

    def feed(reader: str) -> str:
        return _line("GET", "/feed?limit=20", reader)

    timelines = [timeline(i, a) for i, a in enumerate(the_cast.authors)]
    creates = [create(i) for i in range(len(callers))]
    # One create in ten of the mix by an author with ~1,000 followers (the fan-out lag target).
    fanout_creates = [
        _line("POST", "/posts", author, {"content": f"Bench post {i} to ~1,000 followers."})
        for i, author in enumerate(the_cast.fanout_authors)
    ]
    rounds = max(1, len(the_cast.mix_readers) // MIX["feed"])
    big = rounds if fanout_creates else 0
    mix = (
        [feed(r) for r in the_cast.mix_readers[: rounds * MIX["feed"]]]
        + rng.sample(timelines, rounds * MIX["timeline"])
        + rng.sample(creates, rounds * MIX["create"] - big)
        + [fanout_creates[i % len(fanout_creates)] for i in range(big)]
    )
    rng.shuffle(mix)
    like_unlike: list[str] = []  # each caller likes a sampled post, then unlikes it
    for i, post in enumerate(the_cast.posts):
        like_unlike.append(_line("PUT", f"/posts/{post}/like", caller(i)))
        like_unlike.append(_line("DELETE", f"/posts/{post}/like", caller(i)))
    return {
        "read_post": [_line("GET", f"/posts/{p}", caller(i)) for i, p in enumerate(the_cast.posts)],
        "user_timeline": timelines,
        "home_feed_20": [feed(r) for r in the_cast.feed20],
        "home_feed_500": [feed(r) for r in the_cast.feed500],
        "create_post": creates,
        "follow_unfollow_cold": follow,  # bench.run measures it only on a just-started Neo4j
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
            _line("GET", "/followers/suggestions?limit=20", u) for u in the_cast.feed20[:20]
        ],
        "like_unlike": like_unlike,
        "tag_timeline": [
            _line("GET", f"/posts/tags/{quote(tag)}?limit=20", caller(i))
            for i, tag in enumerate(the_cast.tags)
        ],
        "mix": mix,
        "notifications": notification_requests(the_cast),
    }


def notification_requests(the_cast: Cast) -> list[str]:
    """``GET /notifications`` (issue 18) by the authors whose timelines are read: drawn by
    posts, so the busiest accounts, whose posts gather the most likes and notifications, come
    most often; each reads as themself."""
    return [_line("GET", "/notifications?limit=20", a) for a in the_cast.authors]


def write_requests(folder: Path, lines: dict[str, list[str]]) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, rows in lines.items():
        files[name] = folder / f"{name}.txt"
        files[name].write_text("\n".join(rows) + "\n")
    return files
