"""``make bench``: seed the benchmark data set if missing, load each operation, compare.

Runs on the bench stack (scripts/stack.sh STACK=bench: own ports, own data in .state/bench),
on the MongoDB-wire server HORNET_MONGO_SERVER selects (secantus by default). Two gunicorns of
ours: posts on the 1M-post database, followers on the seeded graph (notifying that posts
service of follow changes). wrk (one thread, bench/load.lua) sends each operation at its fixed
rate; the same work then runs through the services' selectors and the drivers (baseline).
"""

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import neo4j
import pymongo

from bench import blocks, cast, fanout, observability, procs, report, seed, warmup, workload
from bench.baseline import Driver, measure, setup_posts
from posts.documents import now_ms

ROOT = procs.ROOT
OUT = ROOT / "bench" / "out"
LUA = ROOT / "bench" / "load.lua"
COLD = "follow_unfollow_cold"  # on a Neo4j just started (bench.warmup)
FOLLOWERS_CALLS = ("follow_unfollow", "followers_page", "counts", "suggestions")  # the warm-up's


def load(
    name: str, url: str, rate: int, duration: int, groups: dict[str, int], offset: int = 0
) -> dict[str, Any]:
    """One wrk run at a fixed rate, with the CPU each process group used meanwhile; the
    requests start at line ``offset`` of the operation's file."""
    conns = max(8, min(128, rate // 2))
    env = {**os.environ, "BENCH_REQUESTS": str(OUT / "requests" / f"{name}.txt")}
    env |= {"BENCH_RATE": str(rate), "BENCH_THREADS": "1", "BENCH_OFFSET": str(offset)}
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
    kind, label = seed.server_kind(mongo.admin.command("buildInfo"))
    return {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "mongo_server": kind,
        "mongo_server_label": label,
        "neo4j": neo.records[0]["v"],
        "wrk": wrk.strip(),
        "load_average_before": os.getloadavg(),
        "stack": {
            k: v
            for k, v in env.items()
            if k.endswith(("PORT", "_DB")) or k in ("HORNET_MONGO_SERVER", "SECANTUS_CACHE_SIZE")
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=15, help="seconds per operation")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per operation")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 2)))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("GUNICORN_THREADS", 4)))
    parser.add_argument("--only", default="", help="comma-separated operations")
    parser.add_argument("--rate-scale", type=float, default=1.0, help="multiply every rate")
    parser.add_argument("--reseed", action="store_true", help="seed again even if present")
    parser.add_argument("--keep-servers", action="store_true", help="leave servers running")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results.json"))
    parser.add_argument(
        "--observability",
        choices=observability.MODES,
        default="on",
        help="logs, metrics and traces (10%% sampled) on, as in production, or all off",
    )
    args = parser.parse_args()
    args.started = time.perf_counter()  # the whole run: servers, seeding, load, baseline
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk (make bench does it)")
    OUT.mkdir(parents=True, exist_ok=True)
    env = procs.stack_env()
    started_servers = not procs.servers_running(env)
    neo4j_started = not procs.server_running(env, "neo4j")
    procs.stack("servers-up")
    procs.stack("schema")
    sink = observability.Sink() if args.observability == "on" else None
    # The services and the fan-out worker read these (LOG_LEVEL, METRICS_ENABLED, OTEL_*).
    env = {**env, **observability.service_env(args.observability, sink)}
    mongo: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(
        env["MONGO_URI"], uuidRepresentation="standard", tz_aware=True
    )
    auth = ("neo4j", env.get("NEO4J_PASSWORD", "hornet-bench-password"))
    # Notifications off: the suggestions query warns (no DISMISSED yet) on every call.
    off = neo4j.NotificationMinimumSeverity.OFF
    graph = neo4j.GraphDatabase.driver(env["NEO4J_URI"], auth=auth, notifications_min_severity=off)
    try:
        run(args, env, mongo, graph, sink, neo4j_started)
    finally:
        if sink is not None:
            sink.close()
        graph.close()
        if started_servers and not args.keep_servers:
            procs.stack("servers-down")


def operation(
    args: Any, name: str, url: str, lines: list[str], groups: dict[str, int]
) -> dict[str, Any]:
    """One operation at its rate: idle servers, warm-up, idle again, the measured load."""
    rate = round(report.OPERATIONS[name][1] * args.rate_scale)
    # What the previous operation left queued or running must not count here: wait for the
    # services and servers to go idle (before the warm-up and after it).
    settled = procs.settle(list(groups.values()))
    if args.warmup:  # from the middle of the file: the measured run reads other users
        load(name, url, rate, args.warmup, groups, len(lines) // 2)
        settled += procs.settle(list(groups.values()))
    print(f"{name}: {rate} req/s for {args.duration}s", flush=True)
    return {**load(name, url, rate, args.duration, groups), "settle_before_s": settled}


def run(
    args: Any,
    env: dict[str, str],
    mongo: pymongo.MongoClient,
    graph: neo4j.Driver,
    sink: observability.Sink | None,
    neo4j_started: bool,
) -> None:
    results: dict[str, Any] = {"operations": {}, "baseline": {}, "env": {}}
    results["env"] = environment(env, mongo, graph)
    kind = results["env"]["mongo_server"]
    results["env"]["seed"] = seed.seed(env, mongo, graph, kind, OUT, args.reseed)
    posts_db = mongo[env["MONGO_DB"]]
    results["env"]["posts_count"] = posts_db["posts"].estimated_document_count()
    server = procs.Server(kind, env)
    results["env"]["memory_mb"] = {"after_seed": server.memory()}
    print("drawing the cast (feed readers, timeline authors, sampled posts)...", flush=True)
    the_cast = cast.cast(graph, "neo4j", posts_db, random.Random(42), kind == "ferretdb")
    lines = workload.requests(the_cast, random.Random(42))
    workload.write_requests(OUT / "requests", lines)
    results["env"]["cast"] = the_cast.describe()
    results["env"]["gunicorn"] = {
        "workers": args.workers,
        "threads": args.threads,
        "class": "gthread",
    }
    print("\n".join(report.heading(results)), flush=True)
    services = [
        procs.Service("posts", "settings.dev_posts", int(env["POSTS_PORT"])),
        # Follow changes notify the posts service under load (POSTS_SERVICE_URL of the stack).
        procs.Service("followers", "settings.dev_followers", int(env["FOLLOWERS_PORT"])),
    ]
    state = Path(env["HORNET_STATE_DIR"]) / "run"
    chosen = [
        o
        for o in report.OPERATIONS
        if (not args.only or o in args.only.split(",")) and lines.get(o)
    ]
    setup_posts(env)
    driver = Driver(graph, "neo4j", the_cast)
    calls = driver.calls()
    with procs.running(services, env, args.workers, args.threads, OUT) as worker:
        groups = {s.name: s.process.pid for s in services if s.process}
        groups["fanout"] = worker.pid
        groups |= {n: int((state / f"{n}.pid").read_text()) for n in (kind, "neo4j")}
        followers_url = next(s.url for s in services if s.name == "followers")
        print("blocks: 5% of the users block one account they follow...", flush=True)
        results["env"]["blocks"] = blocks.ensure(graph, "neo4j", followers_url)
        print(f"blocks: {results['env']['blocks']}", flush=True)
        readers = [*the_cast.feed20, *the_cast.feed500, *the_cast.mix_readers]
        print(f"home timelines: building those missing for {len(set(readers))} readers...")
        fanout_env: dict[str, Any] = {"back_after_an_hour": fanout.back_after_an_hour(readers)}
        fanout_env["prime"] = fanout.prime(readers)
        print(f"home timelines: {fanout_env}", flush=True)
        if neo4j_started and "follow_unfollow" in chosen:
            # The first minute of a freshly started Neo4j, reported (no target) before the
            # warm-up below brings its JIT to the steady state every other row is measured in.
            cold = operation(args, COLD, followers_url, lines[COLD], groups)
            results["operations"][COLD] = cold
            driver.cleanup_follows()
        if any(report.OPERATIONS[o][0] == "followers" for o in chosen):
            print("neo4j: warming its JIT with the followers' baseline calls...", flush=True)
            warm_calls = [calls[o]() for o in FOLLOWERS_CALLS]
            results["env"]["neo4j_warmup"] = warmup.neo4j_jit(warm_calls, groups["neo4j"])
            driver.cleanup_follows()
            print(f"neo4j: {results['env']['neo4j_warmup']}", flush=True)
        if any(report.OPERATIONS[o][0] == "posts" for o in chosen):
            print("posts: reading what the rows read, once each, to fill the cache...", flush=True)
            results["env"]["posts_warmup"] = warmup.posts_cache(driver)
            print(f"posts: {results['env']['posts_warmup']}", flush=True)
        for name in chosen:
            if name == COLD:
                continue
            service = next(s for s in services if s.name == report.OPERATIONS[name][0])
            since = now_ms()
            results["operations"][name] = operation(args, name, service.url, lines[name], groups)
            if name == "follow_unfollow":
                driver.cleanup_follows()
            if name == "like_unlike":
                driver.cleanup_likes()
            if name == "mix":
                fanout_env["drain_after_mix_s"] = fanout.drain()
                fanout_env["lag_mix"] = fanout.lag(the_cast.callers, since)
                fanout_env["lag_1000_followers"] = fanout.lag(the_cast.fanout_authors, since)
                print(f"fan-out lag: {fanout_env}", flush=True)
        fanout_env["storage"] = fanout.storage()
        results["env"]["fanout"] = fanout_env
        results["env"]["memory_mb"]["after_load"] = server.memory()
        procs.settle(list(groups.values()))
        print("baseline: the same work through the selectors and drivers", flush=True)
        for name in chosen:  # follow_unfollow_cold's: the same calls, on the warm Neo4j
            results["baseline"][name] = measure(calls[name](), 3.0)
        driver.cleanup_follows()
        driver.cleanup_likes()
    for name, op in results["operations"].items():
        base = results["baseline"].get(name)
        op["overhead"] = round(op["p50_ms"] / base["p50_ms"], 2) if base else None
        op["verdict"] = report.verdict(name, op, op["overhead"])
    results["env"]["observability"] = observability.describe(args.observability, sink)
    results["env"]["load_average_after"] = os.getloadavg()
    results["env"]["bench_wall_s"] = round(time.perf_counter() - args.started, 1)
    report.write(Path(args.out), results)
    (OUT / "results.md").write_text(report.markdown(results) + "\n")
    print(report.table(results))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
