"""Real gunicorn services behind loopback TCP proxies to their databases, for fault tests.

The shared test database servers are never stopped here: a proxy between a service and its
database is cut (an outage) or slowed (a slow database) instead.
"""

import os
import time
import uuid
from pathlib import Path

import httpx

from tests.feed.stack import ROOT, Service, free_port
from tests.followers.proxy import TcpProxy

# The test stack's servers (scripts/stack.sh env exports their ports; these are its defaults).
MONGO = ("127.0.0.1", int(os.environ.get("MONGO_PORT", os.environ.get("FERRETDB_PORT", "27217"))))
NEO4J = ("127.0.0.1", int(os.environ.get("NEO4J_BOLT_PORT", "7887")))


def logs_dir() -> Path:
    path = Path(os.environ.get("HORNET_STATE_DIR", ROOT / ".state" / "test")) / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


class LatencyProxy(TcpProxy):
    """A TcpProxy that holds every chunk coming back from the server for ``delay`` seconds."""

    delay = 0.0

    def _relay(self, data: bytes, back: bool) -> None:
        if back and self.delay:
            time.sleep(self.delay)


def posts_service(mongo_port: int, name: str, **env: str) -> Service:
    return Service(
        "settings.test_posts",
        free_port(),
        {
            "HORNET_AUTH_MODE": "mesh",
            "MONGO_URI": f"mongodb://127.0.0.1:{mongo_port}/",
            "FOLLOWERS_SERVICE_URL": "http://127.0.0.1:9",  # feed degrades; not under test
            **env,
        },
        logs_dir() / f"reliability-{name}.log",
    )


def followers_service(neo4j_port: int, name: str, **env: str) -> Service:
    return Service(
        "settings.test_followers",
        free_port(),
        {
            "HORNET_AUTH_MODE": "mesh",
            "NEO4J_URI": f"bolt://127.0.0.1:{neo4j_port}",
            "POSTS_SERVICE_URL": "",
            **env,
        },
        logs_dir() / f"reliability-{name}.log",
    )


def as_user(user: uuid.UUID | str | None = None, timeout: float = 10.0) -> httpx.Client:
    return httpx.Client(headers={"X-User-ID": str(user or uuid.uuid4())}, timeout=timeout)


def record_numbers(name: str, values: dict[str, object]) -> None:
    """Keep measured numbers (latencies, counts) for docs/reliability.md in the logs folder."""
    import json

    path = logs_dir() / "reliability-numbers.json"
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        data = {}
    data[name] = values
    path.write_text(json.dumps(data, indent=2, sort_keys=True))
