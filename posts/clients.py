"""The posts service's client for the followers service: the ids a user follows (the feed),
the ids a user excludes (blocked, blocked by, muted: every read, posts.safety), the ids of a
user's followers (the fan-out worker, posts.fanout) and the ids of mentioned usernames
(posts.tags).

- one pooled httpx client per process (built on first use, after gunicorn forks);
- short connect/read timeouts; a bounded retry (tenacity) only for these idempotent GETs and
  only on connection failures, never on read timeouts (that would double the wait);
- a circuit breaker (pybreaker): after repeated failures calls fail in microseconds until a
  trial call succeeds, so a dead followers service costs the feed nothing;
- forwards the caller's identity the way the mesh expects (the original bearer token, which
  the followers sidecar re-validates, plus the identity headers) and Istio's trace headers:
  the ``hornet.headers.Forward`` the view built, sent as it is;
- only failures of the followers service itself count for the breaker: a connection error, a
  timeout, a 5xx. A 4xx (the caller's own request refused) or anything wrong on our side of
  the call is that caller's problem and must not open the breaker for everyone
  (tests/feed/test_feed.py::test_one_callers_bad_headers_never_open_the_breaker).
"""

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import pybreaker
from django.conf import settings
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_fixed

from hornet.calls import per_worker, service_http
from hornet.errors import ErrorCode, ServiceUnavailable
from hornet.headers import Forward
from hornet.metrics import breaker_listener

MAX_FOLLOWING = 5000  # the feed reads at most this many followed ids (one call in practice)


@dataclass(frozen=True)
class IdsPage:
    """A page of ids as this client reads it from the followers service: ``next_cursor`` is
    that service's opaque cursor string (from its ``Link`` header), sent back as it is. Not a
    ``hornet.pagination.Page``, whose ``next_cursor`` is a payload the answering process signs."""

    ids: list[uuid.UUID]
    next_cursor: str | None
    total: int | None  # the followers service's X-Total-Count, when it sends one


@dataclass(frozen=True)
class Exclusions:
    """Whom a user excludes (``GET /followers/user/{id}/excluded/ids``): the users they block,
    the users who block them, the users they mute now."""

    LISTS = ("blocked", "blocked_by", "muted")

    blocked: frozenset[uuid.UUID] = frozenset()
    blocked_by: frozenset[uuid.UUID] = frozenset()
    muted: frozenset[uuid.UUID] = frozenset()
    # When the soonest of those mutes ends (None: none does): the lists hold until then.
    next_mute_expiry: dt.datetime | None = field(default=None, compare=False)

    @property
    def hidden(self) -> frozenset[uuid.UUID]:
        """A block either way: their posts are hidden from every read of this user."""
        return self.blocked | self.blocked_by

    @property
    def quiet(self) -> frozenset[uuid.UUID]:
        """Hidden or muted: left out of this user's feed and of the replies they read."""
        return self.hidden | self.muted


class FollowersUnavailable(ServiceUnavailable):
    """The followers service did not answer usefully (down, slow, erroring, breaker open)."""

    code = ErrorCode.FOLLOWERS_UNAVAILABLE
    default_message = "The followers service is unavailable."


class _ServerError(Exception):
    """A 5xx answer: counts as a failure for the breaker."""


def _not_the_services_fault(exc: BaseException) -> bool:
    """Exceptions the breaker ignores: everything but transport failures and 5xx answers.

    ``LocalProtocolError`` is a transport error raised before anything is sent (a request
    httpx/h11 refuses to write), so it is ours, not the service's."""
    if isinstance(exc, httpx.LocalProtocolError):
        return True
    return not isinstance(exc, (httpx.TransportError, _ServerError))


class FollowersClient:
    def __init__(self, base_url: str, timeout: float, breaker: pybreaker.CircuitBreaker):
        self._http = service_http(
            base_url,
            agent="hornet-posts",
            timeout=timeout,
            connect_timeout=min(timeout, 0.3),
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=16),
        )
        self.breaker = breaker

    def following_ids(self, forward: Forward, user_id: uuid.UUID | None = None) -> list[uuid.UUID]:
        """The ids the caller (or ``user_id``, asked for by the fan-out worker) follows.
        Raises FollowersUnavailable instead of hanging."""
        path = f"/followers/user/{user_id or forward.identity.user_id}/following/ids"
        ids: list[uuid.UUID] = []
        cursor = None
        while len(ids) < MAX_FOLLOWING:
            page = self._call(self._ids_page, path, MAX_FOLLOWING, cursor, forward.headers)
            ids.extend(page.ids)
            cursor = page.next_cursor
            if cursor is None:
                break
        return ids[:MAX_FOLLOWING]

    def follower_ids_page(
        self, user_id: uuid.UUID, cursor: str | None, forward: Forward
    ) -> "IdsPage":
        """One page (up to 5000) of the ids of ``user_id``'s followers, for the fan-out worker;
        ``total`` (the follower count) comes with the first page."""
        path = f"/followers/user/{user_id}/followers/ids"
        page_size = settings.FEED_FANOUT_PAGE
        return self._call(self._ids_page, path, page_size, cursor, forward.headers)

    def excluded_ids(self, forward: Forward) -> Exclusions:
        """Whom the caller excludes (one call, no paging). Raises FollowersUnavailable."""
        path = f"/followers/user/{forward.identity.user_id}/excluded/ids"
        return self._call(self._exclusions, path, forward.headers)  # type: ignore[no-any-return]

    def user_ids(self, forward: Forward, usernames: list[str]) -> dict[str, uuid.UUID]:
        """The ids of the usernames the followers service knows (up to 50, one call), for
        ``@mentions``; the caller's headers forwarded. Raises FollowersUnavailable."""
        return self._call(self._user_ids, usernames, forward.headers)  # type: ignore[no-any-return]

    def _user_ids(self, usernames: list[str], headers: Mapping[str, str]) -> dict[str, uuid.UUID]:
        response = _ok(self._get("/followers/users/ids", {"username": usernames}, headers))
        return {str(name): uuid.UUID(value) for name, value in response.json().items()}

    def _call(self, fn: Any, *args: Any) -> Any:
        try:
            return self.breaker.call(fn, *args)
        except pybreaker.CircuitBreakerError:
            raise FollowersUnavailable("The followers service is failing; circuit open.") from None
        except FollowersUnavailable:
            raise
        except Exception as exc:  # transport, 5xx, a malformed answer, a header httpx refused
            raise FollowersUnavailable() from exc

    def _ids_page(
        self, path: str, limit: int, cursor: str | None, headers: Mapping[str, str]
    ) -> "IdsPage":
        params: dict[str, str | int] = {"limit": limit}
        if cursor is not None:
            params["cursor"] = cursor
        response = _ok(self._get(path, params, headers))
        ids = [uuid.UUID(value) for value in response.json()]
        next_url = response.links.get("next", {}).get("url")
        next_cursor = httpx.URL(next_url).params.get("cursor") if next_url else None
        total = response.headers.get("X-Total-Count")
        return IdsPage(ids, next_cursor or None, int(total) if total is not None else None)

    def _exclusions(self, path: str, headers: Mapping[str, str]) -> Exclusions:
        body = _ok(self._get(path, {}, headers)).json()
        lists = {name: frozenset(uuid.UUID(v) for v in body[name]) for name in Exclusions.LISTS}
        ends = body.get("next_mute_expiry")  # absent from a followers pod of an older version
        return Exclusions(
            **lists, next_mute_expiry=dt.datetime.fromisoformat(ends) if ends else None
        )

    @retry(
        retry=retry_if_exception_type((httpx.ConnectError, httpx.ConnectTimeout)),
        stop=stop_after_attempt(2),
        wait=wait_fixed(0.05),
        reraise=True,
    )
    def _get(
        self, path: str, params: Mapping[str, Any], headers: Mapping[str, str]
    ) -> httpx.Response:
        return self._http.get(path, params=params, headers=headers)  # raw bytes kept

    def close(self) -> None:
        self._http.close()


def _ok(response: httpx.Response) -> httpx.Response:
    """The 200 answer; a 5xx counts for the breaker, any other status is a refusal."""
    if response.status_code >= 500:
        raise _ServerError(response.status_code)
    if response.status_code != 200:
        raise FollowersUnavailable(
            f"The followers service answered {response.status_code}.",
            code=ErrorCode.FOLLOWERS_REFUSED,
        )
    return response


@per_worker
def followers_client() -> FollowersClient:
    """The process's client, built when the worker starts (hornet.calls), never at import."""
    breaker = pybreaker.CircuitBreaker(
        fail_max=settings.FOLLOWERS_BREAKER_FAILURES,
        reset_timeout=settings.FOLLOWERS_BREAKER_RESET_SECONDS,
        name="followers",
        exclude=[_not_the_services_fault],
        listeners=[breaker_listener("followers")],
    )
    return FollowersClient(
        settings.FOLLOWERS_SERVICE_URL, settings.FOLLOWERS_TIMEOUT_SECONDS, breaker
    )
