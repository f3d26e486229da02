"""How a HorNet service is launched, once: the gunicorn command line (settings module, bind
address, hornet/gunicorn_conf.py) and a process that starts, waits until ready and stops; and
the fan-out worker's command line (``manage.py fanout``).

Every launcher uses it: scripts/stack.sh (`make run`, `make up`) through the command lines
below, the tests' service processes (tests/support/services.py) and the benchmark
(bench/procs.py) by import. A launch is tuned only through the environment that
hornet/gunicorn_conf.py reads (WEB_CONCURRENCY, GUNICORN_THREADS, ...), never by another
command line.

    python scripts/launch.py SETTINGS_MODULE PORT   prints the argv, NUL-separated (for bash)
    python scripts/launch.py fanout SETTINGS_MODULE HEARTBEAT_FILE   the same for the worker
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent


def gunicorn_argv(settings_module: str, port: int | str) -> list[str]:
    """The command that serves ``settings_module`` on 127.0.0.1:``port`` (paths may hold
    spaces: an argv, never a string for a shell). Its Prometheus folder is one per port (one
    gunicorn listens on a port at a time), emptied by gunicorn when it starts."""
    return [
        "env",
        f"DJANGO_SETTINGS_MODULE={settings_module}",
        f"BIND=127.0.0.1:{port}",
        f"PROMETHEUS_MULTIPROC_DIR={Path(tempfile.gettempdir()) / f'hornet-metrics-{port}'}",
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "-c",
        "python:hornet.gunicorn_conf",
        "--chdir",
        str(ROOT),
        "hornet.wsgi:application",
    ]


def fanout_argv(settings_module: str, heartbeat: Path | str | None = None) -> list[str]:
    """The posts service's fan-out worker (docs/feed.md) under ``settings_module``; with
    ``heartbeat``, the file it touches while alive (scripts/stack.sh's "still ours" marker)."""
    argv = [
        "env",
        f"DJANGO_SETTINGS_MODULE={settings_module}",
        str(ROOT / ".venv" / "bin" / "python"),
        str(ROOT / "manage.py"),
        "fanout",
    ]
    return [*argv, "--heartbeat", str(heartbeat)] if heartbeat is not None else argv


class Gunicorn:
    """One service as a gunicorn process on loopback, its output appended to ``log``.

    ``env`` is laid over this process's environment; ``new_session`` starts it in a process
    group of its own (a terminal's Ctrl-C then does not reach it)."""

    def __init__(
        self,
        settings_module: str,
        port: int,
        log: Path,
        env: dict[str, str] | None = None,
        new_session: bool = False,
    ):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        self._out: IO[bytes] = log.open("ab")
        self.process = subprocess.Popen(
            gunicorn_argv(settings_module, port),
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdin=subprocess.DEVNULL,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            start_new_session=new_session,
        )

    def ready(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/readyz", timeout=2) as response:  # noqa: S310
                return bool(response.status == 200)
        except (OSError, urllib.error.URLError):
            return False

    def wait_ready(self, timeout: float = 60) -> None:
        """Until /readyz answers 200; RuntimeError (naming the log) if the process exits or
        the time runs out."""
        deadline = time.monotonic() + timeout
        while not self.ready():
            if self.process.poll() is not None:
                raise RuntimeError(f"service on {self.port} exited; see {self.log}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"service on {self.port} not ready; see {self.log}")
            time.sleep(0.2)  # the poll interval

    def stop(self, timeout: float = 20, quick: bool = False) -> None:
        """TERM (gunicorn's graceful stop: requests in flight finish) or, ``quick``, INT
        (workers end at once); KILL after ``timeout`` seconds."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT if quick else signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._out.close()


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "fanout":
        argv = fanout_argv(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3:
        argv = gunicorn_argv(sys.argv[1], sys.argv[2])
    else:
        sys.exit("usage: launch.py SETTINGS_MODULE PORT | fanout SETTINGS_MODULE HEARTBEAT")
    sys.stdout.write("".join(arg + "\0" for arg in argv))
