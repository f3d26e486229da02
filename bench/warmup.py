"""The servers brought to their steady state before the measured rows (bench/README.md, "Warm
servers"): Neo4j's JIT, and the MongoDB-wire server's cache.

Production's servers run for days. A Neo4j the bench has just started spends its first minutes
compiling its own hot paths: in a run's first follow row the JIT's C2 thread used more CPU
than every query of the row together (JFR), Neo4j took 0.6 cores instead of 0.2 and the row's
p99 doubled. So the rows start once the JIT has settled (``neo4j_jit``): the followers side's
baseline calls (the services' own Cypher through the driver, bench.baseline) run one after
another until Neo4j compiles less than ``QUIET_MS_PER_S`` per second over a ``WINDOW_S``
window, at most ``MAX_S``. What the first minute after a start looks like is still measured
and reported, as the row ``follow_unfollow_cold`` (bench.run), before this warm-up.

A MongoDB-wire server just started has an empty cache: the mix, whose 1,000 readers the rows
before it never read, ran saturated after a fresh start (p99 0.5-0.9 s in four runs) and met
its target on the same server a few minutes later. ``posts_cache`` reads what the posts rows
will read, once each, through the posts service's own selectors (bench.baseline): every
reader's feed page, every timeline author's page, every sampled post, every tag's page, every
notifications reader's page.
"""

import subprocess
import time
from collections.abc import Callable, Sequence
from typing import Any

QUIET_MS_PER_S = 25.0  # JIT compile time per second of wall that counts as settled
WINDOW_S = 5.0
MAX_S = 180.0
FIXED_S = 60.0  # without a readable compile counter (no jcmd): warm this long


def compile_seconds(pid: int) -> float | None:
    """The JIT compile time the JVM ``pid`` has spent so far (its ``java.ci.totalTime``
    counter, read with ``jcmd``); None when it cannot be read."""
    try:
        out = subprocess.run(
            ["jcmd", str(pid), "PerfCounter.print"], capture_output=True, text=True, timeout=30
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    counters = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    try:
        return int(counters["java.ci.totalTime"]) / int(counters["sun.os.hrt.frequency"])
    except (KeyError, ValueError, ZeroDivisionError):
        return None


def neo4j_jit(
    calls: Sequence[Callable[[], Any]],
    pid: int,
    *,
    quiet_ms_per_s: float = QUIET_MS_PER_S,
    window_s: float = WINDOW_S,
    max_s: float = MAX_S,
    counter: Callable[[int], float | None] = compile_seconds,
) -> dict[str, Any]:
    """Run ``calls`` in turn, window after window, until a window's JIT compile time per second
    is under ``quiet_ms_per_s`` or ``max_s`` have passed; what it took."""
    started = time.monotonic()
    done = 0
    rates: list[float] = []
    last = counter(pid)
    limit = max_s if last is not None else min(max_s, FIXED_S)
    while True:
        window = time.monotonic()
        while time.monotonic() - window < window_s:
            calls[done % len(calls)]()
            done += 1
        now = counter(pid)
        if now is not None and last is not None:
            rates.append(round((now - last) * 1000 / (time.monotonic() - window), 1))
        last = now
        settled = bool(rates) and rates[-1] < quiet_ms_per_s
        if settled or time.monotonic() - started >= limit:
            break
    return {
        "seconds": round(time.monotonic() - started, 1),
        "calls": done,
        "compile_ms_per_s": rates,
        "settled": settled,
        "quiet_ms_per_s": quiet_ms_per_s,
    }


def posts_cache(driver: Any) -> dict[str, Any]:
    """One call per subject of every posts read the rows make (``driver``: a
    bench.baseline.Driver): how many, the errors, the seconds."""
    cast = driver.cast
    readers = list(dict.fromkeys([*cast.feed20, *cast.feed500, *cast.mix_readers]))
    authors = list(dict.fromkeys(cast.authors))
    plan: list[tuple[Callable[[], Any], int]] = [
        (driver.feed(readers), len(readers)),
        (driver.timeline(authors), len(authors)),
        (driver.read_post(), len(cast.posts)),
        (driver.tag_timeline(), len(cast.tags)),
        (driver.notifications(), len(cast.authors)),
    ]
    started = time.monotonic()
    done = errors = 0
    for call, times in plan:
        for _ in range(times):
            try:
                call()
            except Exception:  # noqa: BLE001 - counted, as the baseline counts them
                errors += 1
            done += 1
    return {"calls": done, "errors": errors, "seconds": round(time.monotonic() - started, 1)}
