"""The HTTP client one service keeps for calling the other (posts.clients, followers.clients).

One pooled client per process, built by the caller's factory (``per_worker``) when the gunicorn
worker starts (hornet.gunicorn_conf.post_worker_init: after the fork, never at import; elsewhere
on first use), with the other service's base URL, a total timeout and a connect timeout of its
own. What each client does with a failure differs (the feed opens a
circuit breaker; the "following changed" signal only logs), so that stays with each client;
what is sent on a caller's behalf is a ``hornet.headers.Forward``.
"""

import functools
from collections.abc import Callable
from typing import TypeVar

import httpx

T = TypeVar("T")
_FACTORIES: list[Callable[[], object]] = []

POOL = httpx.Limits(max_connections=100, max_keepalive_connections=20)  # httpx's own default


def service_http(
    base_url: str,
    *,
    agent: str,
    timeout: float,
    connect_timeout: float,
    limits: httpx.Limits = POOL,
) -> httpx.Client:
    """A client for ``base_url`` (a trailing slash is ignored) that sends ``User-Agent: agent``;
    ``limits`` sizes its connection pool."""
    return httpx.Client(
        base_url=base_url.rstrip("/"),
        timeout=httpx.Timeout(timeout, connect=connect_timeout),
        headers={"Accept": "application/json", "User-Agent": agent},
        limits=limits,
    )


def per_worker(factory: Callable[[], T]) -> Callable[[], T]:
    """``factory``'s result, built once per process (an ``lru_cache``: ``cache_clear`` builds it
    anew) and registered for ``build_clients``. Building an httpx client loads the CA bundle (tens
    of milliseconds of CPU, py-spy), and every thread of a worker whose first request met the
    client unbuilt built one of its own: that cost belongs to the worker's start, not to its
    first requests."""
    cached = functools.lru_cache(maxsize=1)(factory)
    _FACTORIES.append(cached)
    return cached


def build_clients() -> None:
    """Build the registered clients of this service: those of its installed Django app (posts
    or followers). A process that imported both services' code (the benchmark, the tests) only
    has one service's settings."""
    from django.apps import apps

    for factory in _FACTORIES:
        if apps.is_installed(factory.__module__.split(".")[0]):
            factory()
