"""The followers service's one call to the posts service: "this user's following changed".

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
from uuid import UUID

import httpx
from django.conf import settings

from hornet.calls import service_http
from hornet.headers import Forward

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def _posts_http() -> httpx.Client:
    # Built on first use in each worker process, never at import.
    timeout = settings.POSTS_NOTIFY_TIMEOUT_SECONDS
    return service_http(
        settings.POSTS_SERVICE_URL,
        agent="hornet-followers",
        timeout=timeout,
        connect_timeout=timeout,
    )


def notify_following_changed(forward: Forward, *, followee_id: UUID, following: bool) -> None:
    """Tell the posts service that the caller now follows (or no longer follows)
    ``followee_id``; never raises (a failure only delays the feed: docs/feed.md)."""
    if not settings.POSTS_SERVICE_URL:
        return
    try:
        response = _posts_http().post(
            "/posts/internal/following-changed",
            headers=forward.headers,
            json={"followee_id": str(followee_id), "following": following},
        )
        if response.status_code >= 400:
            log.warning("posts service answered %s to following-changed", response.status_code)
    except httpx.HTTPError as exc:
        log.warning("posts service not told of a following change: %s", type(exc).__name__)
    except Exception:  # the write is saved; nothing here may turn it into a 500
        log.exception("posts service not told of a following change")
