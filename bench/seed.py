"""The benchmark data set: which MongoDB-wire server holds it, and seeding it when missing.

Both services are seeded at once (``manage.py seed``, deterministic for ``--seed``), each under
``/usr/bin/time -v``; the timings go into a marker file beside the data. The marker names the
server kind the posts were seeded on: each kind keeps its own data folder
(``.state/bench/data/secantus`` or ``data/ferretdb``), so data seeded on one kind says nothing
about the other, and a switch of ``HORNET_MONGO_SERVER`` seeds again.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import neo4j
import pymongo

from bench import procs

ROOT = procs.ROOT
SEED = 42
ARGS = ["--users", "10000", "--avg-follows", "20", "--posts", "1000000", "--seed", str(SEED)]
# What the seeded documents hold, beyond ARGS: a data set seeded by an older HorNet lacks it and
# is seeded again. 2: likes, tags and mentions (issue 17); 3: their list entries (issue 17's tag
# timeline row: posts.list_entries).
CONTENT = 3
USERS, POSTS = 10_000, 1_000_000


def server_kind(build_info: dict[str, Any]) -> tuple[str, str]:
    """(kind, label) of a MongoDB-wire server from its ``buildInfo``: ``secantus`` /
    "SecantusDB 0.5.3-beta.196", ``ferretdb`` / "FerretDB v1.24.0", else ``mongodb``."""
    wire = build_info.get("version", "?")
    if "secantusVersion" in build_info:
        return "secantus", f"SecantusDB {build_info['secantusVersion']} (MongoDB wire {wire})"
    if "ferretdbVersion" in build_info:
        return "ferretdb", f"FerretDB {build_info['ferretdbVersion']} (MongoDB wire {wire})"
    return "mongodb", f"MongoDB {wire}"


def marker_path(env: dict[str, str]) -> Path:
    return Path(env["HORNET_STATE_DIR"]) / "bench-seed.json"


def reseed_reason(
    marker: dict[str, Any] | None, kind: str, posts: int, users: int, force: bool
) -> str | None:
    """Why the data set must be seeded (again), or None when the seeded data can be reused."""
    if force:
        return "--reseed"
    if marker is None:
        return "no seed marker"
    if marker.get("mongo_server") != kind:
        return f"seeded on {marker.get('mongo_server') or 'an unknown server'}, running on {kind}"
    if marker.get("args") != ARGS:
        return "seeded with other arguments"
    if marker.get("content", 1) != CONTENT:
        return f"seeded without the content of version {CONTENT} (likes, tags, mentions, entries)"
    if posts < POSTS or users < USERS:
        return f"{posts:,} posts and {users:,} users found"
    return None


def notifications_missing(mongo: pymongo.MongoClient, env: dict[str, str]) -> str | None:
    """A data set seeded before notifications existed (issue 18) is seeded again, once."""
    if mongo[env["MONGO_DB"]]["notifications"].estimated_document_count():
        return None
    return "no notifications seeded"


def rusage_line(path: Path, label: str) -> str:
    for line in path.read_text().splitlines():
        if label in line:
            return line.rsplit(": ", 1)[1].strip()
    return ""


def seconds(clock: str) -> float:
    parts = [float(p) for p in clock.split(":")]
    return sum(p * 60**i for i, p in enumerate(reversed(parts)))


def seed(
    env: dict[str, str],
    mongo: pymongo.MongoClient,
    graph: neo4j.Driver,
    kind: str,
    out: Path,
    force: bool,
) -> dict[str, Any]:
    """Seed both services at once unless the marker says this server holds the data set."""
    path = marker_path(env)
    marker = json.loads(path.read_text()) if path.exists() else None
    # Counts from metadata: no query that a server without a bounded key range would scan.
    posts = mongo[env["MONGO_DB"]]["posts"].estimated_document_count()
    users = graph.execute_query("MATCH (u:User) RETURN count(u) AS n").records[0]["n"]
    reason = reseed_reason(marker, kind, posts, users, force) or notifications_missing(mongo, env)
    if reason is None and marker is not None:
        return {**marker, "reused": True}
    print(f"seeding the benchmark data set ({reason}):", " ".join(ARGS), flush=True)
    started, runs = time.perf_counter(), {}
    for service in ("posts", "followers"):
        timing = out / f"seed-{service}.time"
        log = (out / f"seed-{service}.log").open("w")
        command = ["/usr/bin/time", "-v", "-o", str(timing), sys.executable, "manage.py", "seed"]
        runs[service] = (
            subprocess.Popen(
                [*command, *ARGS, "--reset", "--yes", "-v", "0"],
                cwd=ROOT,
                env={**os.environ, **env, "DJANGO_SETTINGS_MODULE": f"settings.dev_{service}"},
                stdout=log,
                stderr=subprocess.STDOUT,
            ),
            timing,
        )
    result: dict[str, Any] = {
        "args": ARGS,
        "content": CONTENT,
        "mongo_server": kind,
        "reason": reason,
    }
    for service, (process, timing) in runs.items():
        if process.wait() != 0:
            raise SystemExit(f"seeding {service} failed: see {out}/seed-{service}.log")
        result[service] = {
            "wall_s": seconds(rusage_line(timing, "Elapsed (wall clock)")),
            "max_rss_mb": round(int(rusage_line(timing, "Maximum resident set size")) / 1024),
            "cpu_s": float(rusage_line(timing, "User time")) + float(rusage_line(timing, "System")),
            "summary": (out / f"seed-{service}.log").read_text().strip().splitlines()[-1],
        }
    result["total_wall_s"] = round(time.perf_counter() - started, 1)
    result["date"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    path.write_text(json.dumps(result, indent=2))
    return {**result, "reused": False}
