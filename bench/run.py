"""``make bench``: seed the benchmark data set if missing, load each operation, compare.

Runs on the bench stack (scripts/stack.sh STACK=bench: own ports, own data in .state/bench).
Three gunicorns of ours: posts on the 1M-post database, posts on a small database (reads: see
bench/README.md), followers on the seeded graph. wrk (one thread, bench/load.lua) sends each
operation at its fixed rate; the same queries then run straight through the drivers.
"""

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import neo4j
import pymongo

from bench import procs, report, workload
from bench.baseline import Driver, measure, summary
from posts.queries import DESC, timeline_filter

ROOT = procs.ROOT
OUT = ROOT / "bench" / "out"
LUA = ROOT / "bench" / "load.lua"
SEED_ARGS = ["--users", "10000", "--avg-follows", "20", "--posts", "1000000", "--seed", "42"]
SMALL_DB = "hornet_bench_small"
PORTS = {"posts": 28001, "followers": 28002, "posts_small": 28003}


def manage(env: dict[str, str], service: str, *args: str, **kw: Any) -> Any:
    run_env = {**os.environ, **env, "DJANGO_SETTINGS_MODULE": f"settings.dev_{service}"}
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=run_env, **kw)


def rusage_line(path: Path, label: str) -> str:
    for line in path.read_text().splitlines():
        if label in line:
            return line.rsplit(": ", 1)[1].strip()
    return ""


def seconds(clock: str) -> float:
    parts = [float(p) for p in clock.split(":")]
    return sum(p * 60**i for i, p in enumerate(reversed(parts)))


def seed(env: dict[str, str], mongo: pymongo.MongoClient, graph: neo4j.Driver, force: bool) -> Any:
    """Seed both services at once (if missing); /usr/bin/time -v measures each command."""
    marker = Path(env["HORNET_STATE_DIR"]) / "bench-seed.json"
    has_posts = mongo[env["MONGO_DB"]]["posts"].find_one({}, {"_id": 1}) is not None
    users = graph.execute_query("MATCH (u:User) RETURN count(u) AS n").records[0]["n"]
    if marker.exists() and has_posts and users >= 10_000 and not force:
        return {**json.loads(marker.read_text()), "reused": True}
    print("seeding the benchmark data set:", " ".join(SEED_ARGS), flush=True)
    started, runs = time.perf_counter(), {}
    for service in ("posts", "followers"):
        timing = OUT / f"seed-{service}.time"
        log = (OUT / f"seed-{service}.log").open("w")
        command = ["/usr/bin/time", "-v", "-o", str(timing), sys.executable, "manage.py", "seed"]
        runs[service] = (
            subprocess.Popen(
                [*command, *SEED_ARGS, "--reset", "--yes", "-v", "0"],
                cwd=ROOT,
                env={**os.environ, **env, "DJANGO_SETTINGS_MODULE": f"settings.dev_{service}"},
                stdout=log,
                stderr=subprocess.STDOUT,
            ),
            timing,
        )
    result: dict[str, Any] = {"args": SEED_ARGS}
    for service, (process, timing) in runs.items():
        if process.wait() != 0:
            raise SystemExit(f"seeding {service} failed: see bench/out/seed-{service}.log")
        result[service] = {
            "wall_s": seconds(rusage_line(timing, "Elapsed (wall clock)")),
            "max_rss_mb": round(int(rusage_line(timing, "Maximum resident set size")) / 1024),
            "cpu_s": float(rusage_line(timing, "User time")) + float(rusage_line(timing, "System")),
            "summary": (OUT / f"seed-{service}.log").read_text().strip().splitlines()[-1],
        }
    result["total_wall_s"] = round(time.perf_counter() - started, 1)
    marker.write_text(json.dumps(result, indent=2))
    return {**result, "reused": False}


def load(name: str, url: str, rate: int, duration: int, groups: dict[str, int]) -> dict[str, Any]:
    """One wrk run at a fixed rate, with the CPU each process group used meanwhile."""
    conns = max(8, min(128, rate // 2))
    env = {**os.environ, "BENCH_REQUESTS": str(OUT / "requests" / f"{name}.txt")}
    env |= {"BENCH_RATE": str(rate), "BENCH_THREADS": "1"}
    before = {k: procs.cpu_seconds(pid) for k, pid in groups.items()}
    busy, started = procs.machine_busy_seconds(), time.monotonic()
    with (OUT / f"{name}.wrk.txt").open("w") as out:
        command = ["wrk", "-t1", f"-c{conns}", f"-d{duration}s", "--timeout", "10s"]
        process = subprocess.Popen([*command, "-s", str(LUA), url], stdout=out, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - started
    cpu = {k: procs.cpu_seconds(pid) - before[k] for k, pid in groups.items()}
    cpu["wrk"] = usage.ru_utime + usage.ru_stime
    cpu["other"] = procs.machine_busy_seconds() - busy - sum(cpu.values())
    text = (OUT / f"{name}.wrk.txt").read_text()
    raw = json.loads(text.split("BENCH_JSON ", 1)[1].splitlines()[0])
    errors = raw["non2xx"] + raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    service = report.OPERATIONS[name][0]
    requests = max(raw["requests"], 1)
    return {
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "errors": errors,
        "target_rps": rate,
        "requests": raw["requests"],
        "statuses": raw["statuses"],
        "service_cpu_ms_per_request": round(cpu[service] * 1000 / requests, 2),
        "cpu_cores": {k: round(v / wall, 2) for k, v in cpu.items()},
    }


def probe_1m(env: dict[str, str], url: str, author: str, mongo: pymongo.MongoClient) -> Any:
    """One timeline read on the 1M-post database through the API and through pymongo."""
    started = time.perf_counter()
    response = httpx.get(
        f"{url}/posts/author/{author}?limit=20", headers={"X-User-ID": author}, timeout=300
    )
    api_s = time.perf_counter() - started
    # The API's read carries maxTimeMS (MONGO_QUERY_TIMEOUT_MS): the server stopped the scan
    # when the API answered 503, so nothing of it shares the CPU with the driver's probe.
    started = time.perf_counter()
    with pymongo.timeout(900):
        query = timeline_filter([uuid.UUID(author)], None)
        list(mongo[env["MONGO_DB"]]["posts"].find(query, sort=DESC, limit=21))
    driver_s = time.perf_counter() - started
    ok = 200 <= response.status_code < 300
    api: dict[str, Any] = {**summary([api_s * 1000], api_s), "errors": 0 if ok else 1}
    api["statuses"] = {str(response.status_code): 1}
    return api, summary([driver_s * 1000], driver_s)


def environment(env: dict[str, str], mongo: pymongo.MongoClient, graph: neo4j.Driver) -> Any:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "?",
    )
    neo = graph.execute_query("CALL dbms.components() YIELD versions RETURN versions[0] AS v")
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split(" [")[0]
    return {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "ferretdb": "v1.24 (SQLite), MongoDB wire " + mongo.admin.command("buildInfo")["version"],
        "neo4j": neo.records[0]["v"],
        "wrk": wrk.strip(),
        "load_average_before": os.getloadavg(),
        "stack": {k: v for k, v in env.items() if k.endswith(("PORT", "_DB"))},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=15, help="seconds per operation")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per operation")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 2)))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("GUNICORN_THREADS", 4)))
    parser.add_argument("--only", default="", help="comma-separated operations")
    parser.add_argument("--rate-scale", type=float, default=1.0, help="multiply every rate")
    parser.add_argument("--skip-1m-probe", action="store_true", help="no read on the 1M set")
    parser.add_argument("--reseed", action="store_true", help="seed again even if present")
    parser.add_argument("--keep-servers", action="store_true", help="leave servers running")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results.json"))
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk (make bench does it)")
    OUT.mkdir(parents=True, exist_ok=True)
    env = procs.stack_env()
    started_servers = not procs.servers_running(env)
    procs.stack("servers-up")
    procs.stack("schema")
    mongo: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(
        env["MONGO_URI"], uuidRepresentation="standard", tz_aware=True
    )
    auth = ("neo4j", env.get("NEO4J_PASSWORD", "hornet-bench-password"))
    # Notifications off: the suggestions query warns (no DISMISSED yet) on every call.
    off = neo4j.NotificationMinimumSeverity.OFF
    graph = neo4j.GraphDatabase.driver(env["NEO4J_URI"], auth=auth, notifications_min_severity=off)
    try:
        run(args, env, mongo, graph)
    finally:
        graph.close()
        if started_servers and not args.keep_servers:
            procs.stack("servers-down")


def run(args: Any, env: dict[str, str], mongo: pymongo.MongoClient, graph: neo4j.Driver) -> None:
    results: dict[str, Any] = {"operations": {}, "baseline": {}, "env": {}}
    results["env"] = environment(env, mongo, graph)
    results["env"]["seed"] = seed(env, mongo, graph, args.reseed)
    rng = random.Random(42)
    cast = workload.cast(graph, "neo4j", rng)
    small = mongo[SMALL_DB]
    manage({**env, "MONGO_DB": SMALL_DB}, "posts", "ensure_schema", check=True, capture_output=True)
    docs = workload.small_posts(cast)
    workload.fill_small(small, docs)
    post_ids = [str(d["_id"]) for d in docs]
    workload.write_requests(OUT / "requests", workload.requests(cast, post_ids, rng))
    results["env"] |= {"cast": cast.describe(), "small_posts": len(docs)}
    results["env"]["gunicorn"] = {
        "workers": args.workers,
        "threads": args.threads,
        "class": "gthread",
    }
    small_url = f"http://127.0.0.1:{PORTS['posts_small']}"
    services = [
        procs.Service("posts", "settings.dev_posts", PORTS["posts"]),
        procs.Service(
            "posts_small", "settings.dev_posts", PORTS["posts_small"], {"MONGO_DB": SMALL_DB}
        ),
        procs.Service(
            "followers",
            "settings.dev_followers",
            PORTS["followers"],
            {"POSTS_SERVICE_URL": small_url},
        ),
    ]
    state = Path(env["HORNET_STATE_DIR"]) / "run"
    chosen = [o for o in report.OPERATIONS if not args.only or o in args.only.split(",")]
    driver = Driver(small, graph, "neo4j", cast)
    with procs.running(services, env, args.workers, args.threads, OUT):
        groups = {s.name: s.process.pid for s in services if s.process}
        groups |= {n: int((state / f"{n}.pid").read_text()) for n in ("ferretdb", "neo4j")}
        for name in chosen:
            service = next(s for s in services if s.name == report.OPERATIONS[name][0])
            rate = round(report.OPERATIONS[name][1] * args.rate_scale)
            if name == "mix":
                workload.fill_small(small, docs)  # undo earlier growth
            if args.warmup:
                load(name, service.url, rate, args.warmup, groups)
            print(f"{name}: {rate} req/s for {args.duration}s", flush=True)
            results["operations"][name] = load(name, service.url, rate, args.duration, groups)
            if name == "follow_unfollow":
                driver.cleanup_follows()
        workload.fill_small(small, docs)
        calls = {
            "read_post": driver.read_post([d["_id"] for d in docs]),
            "user_timeline": driver.timeline,
            "home_feed_20": driver.feed(cast.feed20[0]),
            "home_feed_500": driver.feed(cast.feed500),
            "create_post": driver.create_post(mongo[env["MONGO_DB"]]),
            "follow_unfollow": driver.follow_unfollow(),
            "followers_page": driver.followers_page(),
            "counts": driver.counts(),
            "suggestions": driver.suggestions(),
            "mix": driver.mix(driver.create_post(small)),
        }
        for name in chosen:
            results["baseline"][name] = measure(calls[name], 3.0)
        driver.cleanup_follows()
        if not args.skip_1m_probe:
            print("user_timeline on the 1M-post set: one API read, one driver read", flush=True)
            api, base = probe_1m(env, services[0].url, cast.timeline_author, mongo)
            results["operations"]["user_timeline@1M"] = api
            results["baseline"]["user_timeline@1M"] = base
    for name, op in results["operations"].items():
        base = results["baseline"].get(name)
        op["overhead"] = round(op["p50_ms"] / base["p50_ms"], 2) if base else None
        op["verdict"] = report.verdict(name, op, op["overhead"])
    results["env"]["load_average_after"] = os.getloadavg()
    report.write(Path(args.out), results)
    (OUT / "results.md").write_text(report.markdown(results) + "\n")
    print(report.table(results))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
