"""``make run`` keeps its promise: Ctrl-C stops everything it started, nothing is left.

The test drives ``make run`` itself, as a new user would, on a stack of its own (free ports, a
temporary state folder), and sends SIGINT to the whole process group as a terminal's Ctrl-C
does: once started from a terminal-like parent, once from a parent that ignores SIGINT (a
shell that starts jobs in the background passes SIGINT on ignored, and bash cannot trap a
signal ignored on entry), and once as ``scripts/stack.sh run`` without make in between (make
then neither forwards nor outlives anything). Before the fix, the second way left both
database servers running and never printed "stopping...". Every case checks that the
document server, Neo4j and both gunicorns ran from the test's folder, and that none of them
(nor make, nor the script) is left once Ctrl-C has been handled.
"""

import os
import signal
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.helpers import ROOT, wait_for
from tests.support.env import mongo_server
from tests.support.services import free_port

pytestmark = pytest.mark.slow

# Variables of the test stack that must not leak into the stack under test.
_OURS = ("MONGO_", "NEO4J_", "POSTS_", "FOLLOWERS_", "HORNET_STATE_DIR", "CACHE_URL", "DJANGO_")


def processes_using(folder: Path) -> list[str]:
    """Live processes that name this folder in their command line or environment (servers and
    services)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            # Neo4j gets its folders from the environment, not its command line.
            environ = (proc / "environ").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if str(folder) in cmdline + environ and int(proc.name) != os.getpid():
            found.append(f"{proc.name}: {cmdline[:160]}")
    return found


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize(
    ("command", "sigint_ignored_on_entry"),
    [(["make", "run"], False), (["make", "run"], True), (["scripts/stack.sh", "run"], False)],
    ids=["make", "make-sigint-ignored", "stack.sh"],
)
def test_ctrl_c_stops_every_process_make_run_started(tmp_path, command, sigint_ignored_on_entry):
    state = tmp_path / "state"
    ports = {
        k: free_port() for k in ("MONGO_PORT", "NEO4J_BOLT_PORT", "POSTS_PORT", "FOLLOWERS_PORT")
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
    env |= {k: str(v) for k, v in ports.items()}
    env |= {"HORNET_STACK_STATE_DIR": str(state), "NEO4J_PASSWORD": "make-run-test-password"}
    env |= {"STACK": "dev"}  # what `make run` sets
    log = tmp_path / "run.log"
    with log.open("w") as out:
        run = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as a terminal's foreground job
            preexec_fn=_ignore_sigint if sigint_ignored_on_entry else None,
        )
    try:
        wait_for(lambda: "HorNet is running" in log.read_text() or run.poll() is not None, 300)
        assert run.poll() is None, log.read_text()[-3000:]
        for port in (ports["POSTS_PORT"], ports["FOLLOWERS_PORT"]):
            assert httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=10).status_code == 200
        # The servers, both services (gunicorn: two masters) and the fan-out worker run from the
        # test's folder.
        running = processes_using(state)
        for program, least in ((mongo_server(), 1), ("java", 1), ("gunicorn", 2), ("fanout", 1)):
            assert len([p for p in running if program in p]) >= least, (program, running)

        os.killpg(run.pid, signal.SIGINT)  # Ctrl-C
        run.wait(timeout=120)
        try:
            wait_for(lambda: not processes_using(state), 30)
        except AssertionError:
            raise AssertionError(
                f"left running: {processes_using(state)}\n{log.read_text()[-3000:]}"
            ) from None
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
        for line in processes_using(state):  # never leave servers behind, even on failure
            os.kill(int(line.split(":", 1)[0]), signal.SIGKILL)
    text = log.read_text()
    assert "stopping..." in text
    assert "stopped" in text.rsplit("stopping...", 1)[1]
    for port in ports.values():
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
