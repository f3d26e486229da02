"""Targets, the printed table and bench/results.json."""

import json
from pathlib import Path
from typing import Any

# operation: (service, fixed rate in req/s, p99 target in ms or None, is a read)
# Targets of issue 12 (posts reads, feed, followers page, mix) and issue 8 (the others).
OPERATIONS: dict[str, tuple[str, int, float | None, bool]] = {
    "read_post": ("posts", 100, 25, True),
    "user_timeline": ("posts", 100, 25, True),
    "home_feed_20": ("posts", 50, 60, True),
    "home_feed_500": ("posts", 50, 60, True),  # issue 15
    "create_post": ("posts", 50, None, False),
    # The same requests on a Neo4j the run has just started, before its JIT warm-up (bench.warmup):
    # reported, no target (the target is the steady state's, the next row).
    "follow_unfollow_cold": ("followers", 50, None, False),
    "follow_unfollow": ("followers", 50, 30, False),
    "followers_page": ("followers", 100, 25, True),  # of the 20 most-followed (issue 12)
    "counts": ("followers", 100, None, True),
    "suggestions": ("followers", 20, 60, True),
    "like_unlike": ("posts", 50, 30, False),  # issue 17
    "tag_timeline": ("posts", 100, 25, True),  # issue 17
    "mix": ("posts", 250, 150, False),
    "notifications": ("posts", 100, 25, True),  # issue 18
}
MAX_READ_OVERHEAD = 2.0


def verdict(name: str, result: dict[str, Any], overhead: float | None) -> str:
    if name not in OPERATIONS:
        return "-"
    _, rate, p99_target, is_read = OPERATIONS[name]
    misses = []
    if result.get("errors"):
        misses.append("errors")
    if result["rps"] < 0.95 * result.get("target_rps", rate):
        misses.append("rate")
    if p99_target is not None and result["p99_ms"] > p99_target:
        misses.append("p99")
    if is_read and overhead is not None and overhead > MAX_READ_OVERHEAD:
        misses.append("overhead")
    return "met" if not misses else "MISSED: " + ",".join(misses)


def heading(results: dict[str, Any]) -> list[str]:
    """Where the run ran and on whom: the servers, the data set, the feed readers."""
    env = results.get("env", {})
    gunicorn = env.get("gunicorn", {})
    count = env.get("posts_count")
    lines = [
        f"posts on {env.get('mongo_server_label', '?')} "
        f"({f'{count:,}' if isinstance(count, int) else '?'} posts), "
        f"followers on Neo4j {env.get('neo4j', '?')}; gunicorn "
        f"{gunicorn.get('workers', '?')}x{gunicorn.get('threads', '?')}"
    ]
    cast = env.get("cast", {})
    for key, label in (
        ("feed20", "home_feed_20"),
        ("feed500", "home_feed_500"),
        ("mix_feed", "mix feed"),
    ):
        found = cast.get(f"{key}_following")
        if found and found.get("n"):
            lines.append(
                f"{label} readers: {cast.get(f'{key}_readers')}, following "
                f"min {found['min']} / median {found['median']:g} / max {found['max']}"
            )
    if cast:
        lines.append(
            f"timelines of {cast.get('timeline_authors')} authors (drawn by posts), "
            f"{cast.get('read_posts')} sampled posts, {cast.get('callers')} callers"
        )
    lines.extend(fanout_lines(env.get("fanout") or {}))
    return lines


def fanout_lines(found: dict[str, Any]) -> list[str]:
    """Home timelines: how many were built first, the fan-out lag, the storage per reader."""
    lines = []
    if prime := found.get("prime"):
        lines.append(
            f"home timelines built before the load: {prime['built']} "
            f"({prime['entries']} entries, {prime['seconds']} s)"
        )
    if back := found.get("back_after_an_hour"):
        lines.append(
            f"readers back after an hour or more: {back['read_over_an_hour_ago']} of "
            f"{back['readers']} (exclusions over an hour old: "
            f"{back['exclusions_over_an_hour_old']})"
        )
    for key, label in (("lag_mix", "mix creates"), ("lag_1000_followers", "~1,000 followers")):
        lag = found.get(key) or {}
        if lag.get("posts"):
            lines.append(
                f"fan-out lag ({label}): {lag['posts']} posts, p50 {lag['p50_ms']} ms, "
                f"p99 {lag['p99_ms']} ms, max {lag['max_ms']} ms"
            )
    store = found.get("storage") or {}
    if store.get("bytes_per_reader"):
        lines.append(
            f"timeline storage: {store['bytes_per_reader']:,} bytes per reader "
            f"({store['entries_per_reader']} entries, {store['readers']} readers)"
        )
    return lines


def table(results: dict[str, Any]) -> str:
    head = (
        f"{'operation':<18}{'rate':>6}{'rps':>8}{'p50':>9}{'p95':>9}{'p99':>9}{'err':>6}"
        f"{'drv p50':>9}{'ovh':>6}{'svc cpu/req':>12}  target"
    )
    lines = [*heading(results), "", head, "-" * len(head)]
    for name, op in results["operations"].items():
        base = results["baseline"].get(name, {})
        overhead = op.get("overhead")
        rate = op.get("target_rps", OPERATIONS.get(name, ("", 0, None, False))[1])
        p99 = OPERATIONS.get(name, ("", 0, None, False))[2]
        target = f"p99<={p99:g}ms " if p99 else ""
        cpu = op.get("service_cpu_ms_per_request")
        lines.append(
            f"{name:<18}{rate:>6}{op['rps']:>8.1f}{op['p50_ms']:>9.1f}{op['p95_ms']:>9.1f}"
            f"{op['p99_ms']:>9.1f}{op['errors']:>6}{base.get('p50_ms', float('nan')):>9.2f}"
            f"{overhead if overhead is not None else float('nan'):>6.1f}"
            f"{cpu if cpu is not None else float('nan'):>10.1f}ms  {target}{op.get('verdict', '')}"
        )
    return "\n".join(lines)


def markdown(results: dict[str, Any]) -> str:
    """The table for bench/README.md (bench/out/results.md)."""
    lines = [
        *(line + "  " for line in heading(results)),
        "",
        "| operation | rate | rps | p50 ms | p95 ms | p99 ms | errors | driver p50 | driver p99 "
        "| overhead | service CPU ms/req | other load (cores) | target |",
        "|" + "---|" * 13,
    ]
    for name, op in results["operations"].items():
        base = results["baseline"].get(name, {})
        other = (op.get("cpu_cores") or {}).get("other", "")
        lines.append(
            f"| {name} | {op.get('target_rps', '')} | {op['rps']} | {op['p50_ms']:.1f} "
            f"| {op['p95_ms']:.1f} | {op['p99_ms']:.1f} | {op['errors']} "
            f"| {base.get('p50_ms', '')} | {base.get('p99_ms', '')} | {op.get('overhead')} "
            f"| {op.get('service_cpu_ms_per_request', '')} | {other} | {op.get('verdict', '')} |"
        )
    return "\n".join(lines)


def write(path: Path, results: dict[str, Any]) -> None:
    path.write_text(json.dumps(results, indent=2, sort_keys=False, default=str) + "\n")
