"""Processes of the benchmark: the bench stack's servers, our gunicorns, CPU accounting."""

import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from scripts.launch import Gunicorn, fanout_argv

ROOT = Path(__file__).resolve().parent.parent
STACK = ROOT / "scripts" / "stack.sh"
TICKS = os.sysconf("SC_CLK_TCK")


def stack_env(name: str = "bench") -> dict[str, str]:
    """A stack's variables (ports, database names) as scripts/stack.sh sets them: the bench
    stack's, or ``name``'s (bench/cpu.py runs on the test stack)."""
    out = subprocess.run(
        [str(STACK), "env"], env={**os.environ, "STACK": name}, capture_output=True, text=True
    )
    pairs = (line.split("=", 1) for line in out.stdout.splitlines() if "=" in line)
    return {k: v for k, v in pairs}


def stack(*args: str, name: str = "bench") -> None:
    subprocess.run([str(STACK), *args], env={**os.environ, "STACK": name}, check=True)


def servers_running(env: dict[str, str]) -> bool:
    """Both servers of the stack are up: the MongoDB-wire one HORNET_MONGO_SERVER names and
    Neo4j."""
    names = (env.get("HORNET_MONGO_SERVER", "secantus"), "neo4j")
    return all(server_running(env, name) for name in names)


def server_running(env: dict[str, str], name: str) -> bool:
    """The stack's server ``name`` (its pid file's name: secantus, ferretdb, neo4j) is up."""
    return pid_alive(Path(env["HORNET_STATE_DIR"]) / "run" / f"{name}.pid")


@dataclass
class Server:
    """A database server of the stack, by the name of its pid file (secantus, ferretdb...)."""

    name: str
    env: dict[str, str]

    @property
    def pid(self) -> int:
        return int((Path(self.env["HORNET_STATE_DIR"]) / "run" / f"{self.name}.pid").read_text())

    def memory(self) -> dict[str, int | None]:
        """Resident memory now and at its peak (VmRSS, VmHWM) in MB; None if unreadable."""
        return memory_mb(self.pid)


MEMORY_FIELDS = {"VmRSS": "rss", "VmHWM": "peak"}


def memory_mb(pid: int) -> dict[str, int | None]:
    found: dict[str, int | None] = dict.fromkeys(MEMORY_FIELDS.values())
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return found
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key in MEMORY_FIELDS:
            found[MEMORY_FIELDS[key]] = round(int(value.split()[0]) / 1024)  # kB
    return found


def pid_alive(pidfile: Path) -> bool:
    try:
        os.kill(int(pidfile.read_text().strip()), 0)
    except (OSError, ValueError):
        return False
    return True


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2 :].split()  # fields after "pid (comm)"


def _tree(root: int) -> list[int]:
    """``root`` and its descendants (gunicorn master and workers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))):
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def cpu_seconds(root: int) -> float:
    total = 0
    for pid in _tree(root):
        if fields := _stat(pid):
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def settle(pids: list[int], max_seconds: float = 90.0, idle_cores: float = 0.15) -> float:
    """Wait until these process trees together use less than ``idle_cores`` (over half a
    second): a saturated operation leaves requests queued in gunicorn and queries running in
    the database, which would otherwise be charged to the next operation. Returns the wait."""
    started = time.monotonic()
    while time.monotonic() - started < max_seconds:
        before = sum(cpu_seconds(pid) for pid in pids)
        time.sleep(0.5)
        if sum(cpu_seconds(pid) for pid in pids) - before < idle_cores * 0.5:
            break
    return round(time.monotonic() - started, 1)


def machine_busy_seconds() -> float:
    """CPU time used by everything on the machine (all cores), from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / TICKS


@dataclass
class Service:
    name: str
    settings: str
    port: int
    extra: dict[str, str] = field(default_factory=dict)
    gunicorn: Gunicorn | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def process(self) -> subprocess.Popen[bytes] | None:
        return self.gunicorn.process if self.gunicorn else None


def start(service: Service, env: dict[str, str], workers: int, threads: int, log: Path) -> None:
    """Launch as every launcher does (scripts/launch.py), with the benchmark's environment."""
    run_env = {
        **env,
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_THREADS": str(threads),
        "HORNET_AUTH_MODE": "mesh",  # production identity path: the X-User-ID header
        "DJANGO_DEBUG": "false",
        # The write throttle's counters in process memory: the stand-in for production's Redis
        # (one loopback round trip). The dev default, a file cache, lists its folder on every
        # write (~20% of a follow's time, py-spy), a cost production does not have.
        "CACHE_URL": "locmemcache://",
        **service.extra,
    }
    service.gunicorn = Gunicorn(service.settings, service.port, log, run_env, new_session=True)
    try:
        service.gunicorn.wait_ready(60)
    except RuntimeError as exc:
        raise RuntimeError(f"{service.name} did not become ready (see {log})") from exc


def stop(service: Service) -> None:
    if service.gunicorn is not None:
        service.gunicorn.stop(20)


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """The posts service's fan-out worker (scripts/launch.py's ``fanout_argv``), one process,
    as in ``make run``."""
    run_env = {**os.environ, **env, "DJANGO_DEBUG": "false"}
    with log.open("ab") as out:
        return subprocess.Popen(
            fanout_argv("settings.dev_posts"),
            env=run_env,
            stdout=out,
            stderr=out,
            start_new_session=True,
            cwd=ROOT,
        )


@contextmanager
def running(
    services: list[Service], env: dict[str, str], workers: int, threads: int, logs: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """The services and the fan-out worker (yielded, for its pid) while the block runs."""
    worker: subprocess.Popen[bytes] | None = None
    try:
        for service in services:
            start(service, env, workers, threads, logs / f"{service.name}.log")
        worker = start_worker(env, logs / "fanout.log")
        yield worker
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        for service in services:
            stop(service)
