"""Fixtures for the image check: the HorNet image run by podman against the test stack's
database servers. `make image-check` (scripts/image.sh check) builds the image, starts those
servers and runs exactly this:

    .venv/bin/python -m pytest -p no:cacheprovider -p no:django --confcutdir=tests/image tests/image

with HORNET_IMAGE (the tag), HORNET_PODMAN_ULIMITS and CONTAINERS_CONF set and the test stack's
environment (`STACK=test scripts/stack.sh env`) exported. Without HORNET_IMAGE every test here
is skipped (`make test` never runs this folder). Each container's log is written to
.state/test/logs/image-check/<name>.log when the session ends, so a failure shows why.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.helpers import wait_for
from tests.support import env

ROOT = Path(__file__).resolve().parents[2]
IMAGE = os.environ.get("HORNET_IMAGE", "")
# The settings the containers get: what the Kubernetes ConfigMaps and Secrets give them
# (k8s/base/*.env), with this machine's loopback servers. `mesh` is production's identity mode:
# the header Istio writes, here written by the test client on loopback (no Keycloak needed).
COMMON_ENV = {
    "HORNET_AUTH_MODE": "mesh",
    "IDENTITY_HEADER": "X-User-ID",
    "USERNAME_HEADER": "X-Username",
    "DJANGO_SECRET_KEY": "image-check-only-" + "k" * 40,
    "LOG_FORMAT": "json",
    "LOG_LEVEL": "INFO",
    "WEB_CONCURRENCY": "1",
    "GUNICORN_THREADS": "4",
}
SETTINGS = {"posts": "settings.posts", "followers": "settings.followers"}
HARDENING = (
    "--read-only",
    "--tmpfs=/tmp",
    "--cap-drop=ALL",
    "--security-opt=no-new-privileges",
    "--network=host",
)


def podman(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["podman", *args], check=check, capture_output=True, text=True, timeout=300
    )


def ulimits() -> list[str]:
    return shlex.split(os.environ.get("HORNET_PODMAN_ULIMITS", ""))


@dataclass
class Stack:
    """The test stack's servers as the image check sees them (its environment)."""

    mongo_uri: str
    mongo_db: str
    neo4j_uri: str
    neo4j_password: str
    posts_port: int
    followers_port: int
    mongo_server: str

    @classmethod
    def from_env(cls) -> Stack:
        return cls(
            mongo_uri=env.mongo_uri(),
            # A database of its own: the test suite's clean starts never meet the check's data.
            mongo_db="hornet_image_check",
            neo4j_uri=env.neo4j_uri(),
            neo4j_password=env.neo4j_auth()[1],
            posts_port=int(env.var("POSTS_PORT")),
            followers_port=int(env.var("FOLLOWERS_PORT")),
            mongo_server=env.var("HORNET_MONGO_SERVER"),
        )

    @property
    def posts_url(self) -> str:
        return f"http://127.0.0.1:{self.posts_port}"

    @property
    def followers_url(self) -> str:
        return f"http://127.0.0.1:{self.followers_port}"

    def env(self, service: str) -> dict[str, str]:
        values = {**COMMON_ENV, "DJANGO_SETTINGS_MODULE": SETTINGS[service]}
        if service == "posts":
            values |= {
                "MONGO_URI": self.mongo_uri,
                "MONGO_DB": self.mongo_db,
                "FOLLOWERS_SERVICE_URL": self.followers_url,
                "PORT": str(self.posts_port),  # the HEALTHCHECK's port
                "BIND": f"127.0.0.1:{self.posts_port}",  # loopback only (host network)
            }
        else:
            values |= {
                "NEO4J_URI": self.neo4j_uri,
                "NEO4J_DB": "neo4j",
                "NEO4J_USER": "neo4j",
                "NEO4J_PASSWORD": self.neo4j_password,
                "POSTS_SERVICE_URL": self.posts_url,
                "PORT": str(self.followers_port),
                "BIND": f"127.0.0.1:{self.followers_port}",
            }
        return values

    def mongo(self, action: str) -> None:
        """Stop or start the test stack's MongoDB-wire server (its own script)."""
        script = ROOT / "scripts" / "db" / f"{self.mongo_server}.sh"
        subprocess.run([str(script), action], check=True, timeout=120)


def run_argv(stack: Stack, service: str, *, name: str | None, detach: bool) -> list[str]:
    argv = ["run", *HARDENING, *ulimits()]
    argv += ["--detach", f"--name={name}"] if detach else ["--rm"]
    for key, value in stack.env(service).items():
        argv.append(f"--env={key}={value}")
    return argv


@dataclass
class Containers:
    stack: Stack
    names: dict[str, str]

    def exec_python(self, role: str, code: str) -> subprocess.CompletedProcess[str]:
        return podman("exec", self.names[role], "python", "-c", code, check=False)

    def running(self, role: str) -> bool:
        state = podman("inspect", "--format", "{{.State.Running}}", self.names[role])
        return state.stdout.strip() == "true"


@pytest.fixture(scope="session")
def stack() -> Stack:
    if not IMAGE:
        pytest.skip("HORNET_IMAGE is not set: run `make image-check`")
    return Stack.from_env()


@pytest.fixture(scope="session")
def schema(stack: Stack) -> None:
    """`manage.py ensure_schema` from the image, as the Kubernetes init containers run it."""
    for service in SETTINGS:
        argv = run_argv(stack, service, name=None, detach=False)
        done = podman(
            *argv, "--entrypoint=python", IMAGE, "manage.py", "ensure_schema", check=False
        )
        assert done.returncode == 0, f"{service} ensure_schema:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="session")
def containers(stack: Stack, schema: None) -> Iterator[Containers]:
    """The posts and followers services and the fan-out worker, each in its own container."""
    suffix = f"{stack.posts_port}"
    names = {role: f"hornet-check-{role}-{suffix}" for role in ("posts", "followers", "fanout")}
    state = Path(os.environ.get("HORNET_STATE_DIR", str(ROOT / ".state" / "test")))
    logs = state / "logs" / "image-check"
    logs.mkdir(parents=True, exist_ok=True)
    for name in names.values():
        podman("rm", "--force", "--ignore", name)
    try:
        for role in ("posts", "followers"):
            podman(*run_argv(stack, role, name=names[role], detach=True), IMAGE)
        # The Deployment's command (k8s/base/fanout.yaml), from the same image and settings.
        podman(
            *run_argv(stack, "posts", name=names["fanout"], detach=True),
            "--entrypoint=python",
            IMAGE,
            *("manage.py", "fanout", "--heartbeat", "/tmp/fanout-alive"),
        )
        for url in (stack.posts_url, stack.followers_url):
            wait_for(lambda url=url: ready(url), timeout=60)
        yield Containers(stack, names)
    finally:
        for name in names.values():
            log = podman("logs", name, check=False)
            (logs / f"{name}.log").write_text(log.stdout + log.stderr)
            podman("rm", "--force", "--ignore", "--time=10", name, check=False)


def ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def image_inspect() -> dict[str, object]:
    found: list[dict[str, object]] = json.loads(podman("image", "inspect", IMAGE).stdout)
    return found[0]
