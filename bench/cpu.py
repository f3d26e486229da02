"""The services' CPU per request with observability on and off (issue 19's +15% budget), on a
small data set, quickly: a harness to find and cut the overhead, not the verdict (that is
``make bench``, on the bench data set, bench/README.md).

    python -m bench.cpu [--requests 600] [--rounds 2] [--only read_post,...] [--py-spy BIN]

Runs on the test stack (``STACK=test``, its ports from the environment; the servers are
started if they are not up and left running). Each round starts posts, followers and the
fan-out worker as the benchmark does (bench/procs.py) once with observability ``off`` and once
``on`` (bench/observability.py: JSON logs at INFO, metrics, traces sampled at 10% exported to a
sink), then sends each operation ``--requests`` times from one client, one request at a time on
a kept-alive connection, and reads the answering service's CPU time (utime + stime of the
gunicorn master and workers, /proc) before and after. The data is made through the API on the
first start: 20 authors with 5 posts each, a reader following them, 100 followers of one
account. ``--py-spy`` records where each service's workers spend it (collapsed stacks in
bench/out/cpu-<mode>-<service>.txt).
"""

import argparse
import http.client
import json
import statistics
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench import observability, procs

OUT = procs.ROOT / "bench" / "out"
STACK = "test"
Request = tuple[str, str, str]  # method, path, caller


class Client:
    """One kept-alive connection to a service; every call as ``caller`` (X-User-ID)."""

    def __init__(self, url: str):
        host, port = url.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=10)

    def call(self, method: str, path: str, caller: str, body: Any = None) -> Any:
        headers = {"X-User-ID": caller}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            raw, status = self._send(method, path, data, headers)
        except (http.client.RemoteDisconnected, ConnectionError):  # closed after keep-alive
            self.connection.close()
            raw, status = self._send(method, path, data, headers)
        if status >= 300:
            raise RuntimeError(f"{method} {path}: {status} {raw[:200]!r}")
        return json.loads(raw) if raw else None

    def _send(self, method: str, path: str, data: Any, headers: Any) -> tuple[bytes, int]:
        self.connection.request(method, path, body=data, headers=headers)
        response = self.connection.getresponse()
        return response.read(), response.status


class Data:
    """Ids made once, through the API, then read by every round."""

    def __init__(self) -> None:
        self.authors = [str(uuid.uuid4()) for _ in range(20)]
        self.reader = str(uuid.uuid4())
        self.celebrity = str(uuid.uuid4())
        self.fans = [str(uuid.uuid4()) for _ in range(100)]
        self.posts: list[str] = []

    def make(self, posts: Client, followers: Client) -> None:
        for i, author in enumerate(self.authors):
            followers.call("POST", "/followers", self.reader, {"receiver_id": author})
            for j in range(5):
                body = {"content": f"CPU harness post {j} of author {i}."}
                self.posts.append(posts.call("POST", "/posts", author, body)["id"])
        for fan in self.fans:
            followers.call("POST", "/followers", fan, {"receiver_id": self.celebrity})

    def operations(self) -> dict[str, tuple[str, Callable[[int], Request]]]:
        """Each operation: the service answering it and its i-th request."""
        posts, fans = self.posts, self.fans

        def like(i: int) -> Request:  # like, then unlike: each fan in turn (write throttle)
            method = "PUT" if i % 2 == 0 else "DELETE"
            return (method, f"/posts/{posts[i // 200 % 100]}/like", fans[i // 2 % 100])

        return {
            "read_post": ("posts", lambda i: ("GET", f"/posts/{posts[i % 100]}", fans[i % 100])),
            "home_feed_20": ("posts", lambda i: ("GET", "/feed?limit=20", self.reader)),
            "like_unlike": ("posts", like),
            "followers_page": (
                "followers",
                lambda i: (
                    "GET",
                    f"/followers/user/{self.celebrity}/followers?limit=20",
                    fans[i % 100],
                ),
            ),
        }


@contextmanager
def recording(py_spy: str | None, pid: int, out: Path) -> Iterator[None]:
    """py-spy sampling this gunicorn's workers while the block runs (nothing without it)."""
    if not py_spy:
        yield
        return
    argv = [py_spy, "record", "--pid", str(pid), "--subprocesses", "--format", "raw", "--gil"]
    argv += ["--rate", "400"]
    process = subprocess.Popen([*argv, "--output", str(out), "--nonblocking"])
    time.sleep(1)  # py-spy attaches
    try:
        yield
    finally:
        process.send_signal(2)
        process.wait(30)


def one_mode(mode: str, data: Data, args: argparse.Namespace, env: dict[str, str]) -> Any:
    """CPU ms per request of each operation, with the services started in ``mode``."""
    sink = observability.Sink() if mode == "on" else None
    run_env = {**env, **observability.service_env(mode, sink)}
    if mode == "on":  # --on-env: which of the three signals costs what
        run_env |= dict(pair.split("=", 1) for pair in args.on_env)
    services = [
        procs.Service("posts", "settings.dev_posts", int(env["POSTS_PORT"])),
        procs.Service("followers", "settings.dev_followers", int(env["FOLLOWERS_PORT"])),
    ]
    found: dict[str, float] = {}
    try:
        with procs.running(services, run_env, args.workers, args.threads, OUT):
            clients = {s.name: Client(s.url) for s in services}
            pids = {s.name: s.process.pid for s in services if s.process}
            if not data.posts:
                data.make(clients["posts"], clients["followers"])
            chosen = data.operations()
            if args.only:
                chosen = {k: v for k, v in chosen.items() if k in args.only.split(",")}
            for name, (service, request) in chosen.items():
                for i in range(args.warmup):  # caches, connections, first-call imports
                    clients[service].call(*request(i))
                procs.settle(list(pids.values()))
                before = procs.cpu_seconds(pids[service])
                with recording(args.py_spy, pids[service], OUT / f"cpu-{mode}-{name}.txt"):
                    for i in range(args.requests):
                        clients[service].call(*request(i))
                used = procs.cpu_seconds(pids[service]) - before
                found[name] = round(used * 1000 / args.requests, 3)
                print(f"{mode:>3} {name:<16}{found[name]:>8.2f} ms/request", flush=True)
    finally:
        if sink is not None:
            sink.close()
    return found


def table(runs: dict[str, list[dict[str, float]]]) -> str:
    """Per operation: the least of the rounds off and on (whatever else the machine runs only
    adds to a process's CPU time: cache misses, frequency), the rise, and the means."""
    lines = [
        "| operation | off ms/req | on ms/req | rise | means off / on |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name in runs["off"][0]:
        off, on = (min(r[name] for r in runs[mode]) for mode in ("off", "on"))
        means = " / ".join(f"{statistics.mean(r[name] for r in runs[m]):.2f}" for m in runs)
        lines.append(f"| {name} | {off:.2f} | {on:.2f} | {(on / off - 1) * 100:+.0f}% | {means} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=600, help="measured, per operation")
    parser.add_argument("--warmup", type=int, default=100, help="unmeasured, per operation")
    parser.add_argument("--rounds", type=int, default=2, help="off then on, this many times")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--only", default="", help="comma-separated operations")
    parser.add_argument("--py-spy", default="", help="py-spy binary: record each service")
    parser.add_argument(
        "--on-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="laid over the 'on' environment (LOG_LEVEL=WARNING: on without request lines)",
    )
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    procs.stack("servers-up", name=STACK)
    procs.stack("schema", name=STACK)
    env = procs.stack_env(STACK)
    data = Data()
    runs: dict[str, list[dict[str, float]]] = {"off": [], "on": []}
    for _ in range(args.rounds):
        for mode in ("off", "on"):
            runs[mode].append(one_mode(mode, data, args, env))
    print(table(runs))
    (OUT / "cpu.json").write_text(json.dumps(runs, indent=1) + "\n")


if __name__ == "__main__":
    main()
