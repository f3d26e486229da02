"""The followers service's calls to the posts service: "this user's following changed" and
"this user's blocks or mutes changed" (docs/safety.md).

After a follow or unfollow, the posts service drops its cached following list for the caller
(posts.following_cache), so the caller's next feed page shows the change. The call is best
effort with a short timeout: if the posts service is down, the follow still succeeds and the
feed catches up when its cache entry expires (FEED_FOLLOWING_CACHE_SECONDS). It never raises:
the follow or unfollow is already saved when it runs, so no failure of this call (the posts
service, the network, or a header of the caller's that cannot be sent) may turn that saved
write into an error answer
(tests/feed/test_forwarded_headers.py::test_a_saved_follow_never_answers_500_when_the_notify_call_fails).
The follow services send it (followers.services.follows), with the ``Forward`` their view built.
"""

import functools
import logging
from typing import Any
from uuid import UUID

import httpx
from django.conf import settings

from hornet.background import background
from hornet.calls import per_worker, service_http
from hornet.headers import Forward

log = logging.getLogger(__name__)


@per_worker
def _posts_http() -> httpx.Client:
    # Built when each worker process starts (hornet.calls), never at import.
    timeout = settings.POSTS_NOTIFY_TIMEOUT_SECONDS
    return service_http(
        settings.POSTS_SERVICE_URL,
        agent="hornet-followers",
        timeout=timeout,
        connect_timeout=timeout,
    )


def _signal(
    forward: Forward, path: str, body: dict[str, Any], client: httpx.Client | None = None
) -> bool:
    """POST ``body`` to the posts service's internal ``path`` as the caller; never raises.
    False when it is worth sending again: the posts service could not be reached, or answered
    5xx (down, restarting, its database away); a 4xx would be refused again."""
    if not settings.POSTS_SERVICE_URL:
        return True
    try:
        response = (client or _posts_http()).post(path, headers=forward.headers, json=body)
    except httpx.HTTPError as exc:
        log.warning("posts service not told (%s): %s", path, type(exc).__name__)
        return False
    except Exception:  # the write is saved; nothing here may turn it into a 500
        log.exception("posts service not told (%s)", path)
        return True
    if response.status_code >= 400:
        log.warning("posts service answered %s to %s", response.status_code, path)
    return response.status_code < 500


# Seconds before each new attempt of a relationship signal the posts service did not take.
SIGNAL_RETRY_DELAYS = (2.0, 10.0, 60.0, 300.0)


def _signal_until_taken(
    forward: Forward,
    path: str,
    body: dict[str, Any],
    attempt: int = 0,
    client: httpx.Client | None = None,
) -> None:
    """``_signal``, sent again after each of ``SIGNAL_RETRY_DELAYS`` while the posts service
    does not take it (in the background: hornet.background), to the same posts service. A
    late copy is safe: the posts service marks the exclusions it corrects stale, so the
    caller's next read fetches the truth whatever the order the signals came in. Kept in
    this process only: a worker that stops drops what it was still retrying."""
    client = client or (_posts_http() if settings.POSTS_SERVICE_URL else None)
    if _signal(forward, path, body, client):
        return
    _again(forward, path, body, attempt, client)


def _again(
    forward: Forward,
    path: str,
    body: dict[str, Any],
    attempt: int,
    client: httpx.Client | None,
) -> None:
    """Send ``body`` again after ``SIGNAL_RETRY_DELAYS[attempt]`` (``_signal_until_taken``, in
    the background), or give it up and log it when the delays are used up."""
    if attempt >= len(SIGNAL_RETRY_DELAYS):
        log.warning("posts service never told (%s) after %d tries", path, attempt + 1)
        return
    key = f"signal {forward.identity.user_id} {path} {sorted(body.items())} #{attempt + 1}"
    again = functools.partial(_signal_until_taken, forward, path, body, attempt + 1, client)
    if not background.submit(key, again, delay=SIGNAL_RETRY_DELAYS[attempt]):
        log.warning("posts service not told (%s): too many signals waiting to be sent again", path)


def notify_following_changed(
    forward: Forward,
    *,
    followee_id: UUID,
    following: bool,
    follower_id: UUID | None = None,
    follow_id: UUID | None = None,
) -> None:
    """Tell the posts service that the caller now follows (or no longer follows)
    ``followee_id``; never raises (a failure only delays the feed: docs/feed.md).

    ``follower_id``: the follow is someone else's, ``follower_id`` -> the caller (the caller
    accepted their follow request), so posts updates the requester's feed, not the caller's.
    ``follow_id``: a new follow, which posts notifies (docs/notifications.md); when posts does
    not take the signal, that notification alone is sent again for a few minutes
    (``follow-made``), while the feed's part waits for its cache to expire."""
    body: dict[str, Any] = {"followee_id": str(followee_id), "following": following}
    if follower_id is not None:
        body["follower_id"] = str(follower_id)
    if follow_id is not None:
        body["follow_id"] = str(follow_id)
    if _signal(forward, "/posts/internal/following-changed", body) or follow_id is None:
        return
    # Not taken: the new follow's notification alone is sent again (``follow-made``). The
    # signal itself is not: a late copy, after the unfollow's, would put the followee's posts
    # back into the stored timeline (docs/notifications.md, "Delivery").
    made: dict[str, Any] = {
        k: body[k] for k in ("followee_id", "follow_id", "follower_id") if k in body
    }
    _again(forward, "/posts/internal/follow-made", made, 0, _posts_http())


def notify_follow_requested(forward: Forward, *, followee_id: UUID, request_id: UUID) -> None:
    """Tell the posts service that the caller asked the locked ``followee_id`` to follow them,
    so it notifies them (once per request); never raises. Sent again for a few minutes while
    the posts service does not take it (``_signal_until_taken``)."""
    body = {"followee_id": str(followee_id), "request_id": str(request_id)}
    _signal_until_taken(forward, "/posts/internal/follow-requested", body)


def notify_relationship_changed(forward: Forward, *, user_id: UUID, change: str) -> None:
    """Tell the posts service that the caller blocked, unblocked, muted or unmuted ``user_id``
    (``change``), so it drops its cached exclusions (and, for a block, the timelines' entries
    between the two); never raises. Sent again while the posts service does not take it
    (``_signal_until_taken``); lost, it is only late: the posts service's copy of the
    exclusions is fetched anew after ``EXCLUSIONS_CACHE_SECONDS``."""
    _signal_until_taken(
        forward, "/posts/internal/relationship-changed", {"user_id": str(user_id), "change": change}
    )
