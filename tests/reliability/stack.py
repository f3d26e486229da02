"""Real gunicorn services behind loopback TCP proxies to their databases, for fault tests.

The shared test database servers are never stopped here: a proxy between a service and its
database is cut (an outage) or slowed (a slow database) instead.
"""

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from tests.support import env
from tests.support.services import Service, free_port

# The test database servers of this checkout (scripts/stack.sh env).
MONGO = env.address(env.mongo_uri())
NEO4J = env.address(env.neo4j_uri())


def posts_service(mongo_port: int, name: str, *, followers: str, **extra: str) -> Service:
    """A posts service; ``followers`` is the followers service its reads ask whom the caller
    blocks (the session's, tests/support/followers.py: without one they fail closed)."""
    return Service(
        "settings.test_posts",
        free_port(),
        {
            "HORNET_AUTH_MODE": "mesh",
            "MONGO_URI": f"mongodb://127.0.0.1:{mongo_port}/",
            "FOLLOWERS_SERVICE_URL": followers,
            **extra,
        },
        env.logs_dir() / f"reliability-{name}.log",
    )


def followers_service(neo4j_port: int, name: str, **extra: str) -> Service:
    return Service(
        "settings.test_followers",
        free_port(),
        {
            "HORNET_AUTH_MODE": "mesh",
            "NEO4J_URI": f"bolt://127.0.0.1:{neo4j_port}",
            "POSTS_SERVICE_URL": "",
            **extra,
        },
        env.logs_dir() / f"reliability-{name}.log",
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
    path = env.logs_dir() / "reliability-numbers.json"
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        data = {}
    data[name] = values
    path.write_text(json.dumps(data, indent=2, sort_keys=True))
