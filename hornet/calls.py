"""The HTTP client one service keeps for calling the other (posts.clients, followers.clients).

One pooled client per process, built by the caller's ``lru_cache``d factory on first use (after
gunicorn forks, never at import), with the other service's base URL, a total timeout and a
connect timeout of its own. What each client does with a failure differs (the feed opens a
circuit breaker; the "following changed" signal only logs), so that stays with each client;
what is sent on a caller's behalf is a ``hornet.headers.Forward``.
"""

import httpx

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
