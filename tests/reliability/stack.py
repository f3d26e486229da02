"""Real gunicorn services behind loopback TCP proxies to their databases, for fault tests.

The shared test database servers are never stopped here: a proxy between a service and its
database is cut (an outage) or slowed (a slow database) instead.
"""

import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from tests.feed.stack import ROOT, Service, free_port
from tests.followers.proxy import TcpProxy


def _address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", int(parts.port or 0)


# The test database servers of this checkout (scripts/stack.sh env), 27217 / 7887 by default.
MONGO = _address(os.environ.get("MONGO_URI", "mongodb://127.0.0.1:27217/"))
NEO4J = _address(os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7887"))


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


@contextmanager
def serving(service: Service) -> Iterator[Service]:
    """The service, ready, for the ``with`` block; stopped after it, whatever happens."""
    try:
        service.wait_ready()
        yield service
    finally:
        service.stop()


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
