"""The followers service's one call to the posts service: "this user's following changed".

After a follow or unfollow, the posts service drops its cached following list for the caller
(posts.following_cache), so the caller's next feed page shows the change. The call is best
effort with a short timeout: if the posts service is down, the follow still succeeds and the
feed catches up when its cache entry expires (FEED_FOLLOWING_CACHE_SECONDS). It never raises:
the follow or unfollow is already saved when it runs, so no failure of this call (the posts
service, the network, or a header of the caller's that cannot be sent) may turn that saved
write into an error answer (tests/followers/test_notify.py).
"""

import functools
import logging
from collections.abc import Mapping
from uuid import UUID

import httpx
from django.conf import settings

from hornet.headers import forwarded_headers
from hornet.identity import Identity

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def _posts_http() -> httpx.Client:
    # Built on first use in each worker process, never at import.
    timeout = settings.POSTS_NOTIFY_TIMEOUT_SECONDS
    return httpx.Client(
        base_url=settings.POSTS_SERVICE_URL.rstrip("/"),
        timeout=httpx.Timeout(timeout, connect=timeout),
        headers={"User-Agent": "hornet-followers"},
    )


def notify_following_changed(
    identity: Identity, incoming: Mapping[str, str], *, followee_id: UUID, following: bool
) -> None:
    """Tell the posts service that ``identity`` now follows (or no longer follows)
    ``followee_id``; never raises (a failure only delays the feed: docs/feed.md)."""
    if not settings.POSTS_SERVICE_URL:
        return
    try:
        headers = forwarded_headers(identity, incoming)
        response = _posts_http().post(
            "/posts/internal/following-changed",
            headers=headers,
            json={"followee_id": str(followee_id), "following": following},
        )
        if response.status_code >= 400:
            log.warning("posts service answered %s to following-changed", response.status_code)
    except httpx.HTTPError as exc:
        log.warning("posts service not told of a following change: %s", type(exc).__name__)
    except Exception:  # the write is saved; nothing here may turn it into a 500
        log.exception("posts service not told of a following change")
