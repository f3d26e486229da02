"""The write throttle of both services: every non-GET request of every DRF view, per identity,
failing open.

It is the default throttle class (settings REST_FRAMEWORK), with its own fixed scope
``writes``, so no view can forget it: an internal route such as
``POST /posts/internal/following-changed`` is throttled like every public write
(``tests/hornet/test_throttling.py`` checks every route of both services).

Reads pass untouched: they are cheap, and a client paging a timeline must not be slowed.

Its counters live in the shared cache (settings CACHES: Redis or Memcached in production). If
that cache is unreachable, writes go on unthrottled (and it is logged) rather than every write
failing with a 500: the rate limit protects the databases, it must not become their outage.
"""

import logging
from typing import Any

from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle

from hornet.metrics import THROTTLED

log = logging.getLogger(__name__)


class WriteRateThrottle(ScopedRateThrottle):
    """DRF's scoped throttle with the scope fixed to ``writes`` instead of read from the view
    (a view without ``throttle_scope`` would otherwise not be throttled at all)."""

    scope = "writes"  # the rate is REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["writes"]

    def allow_request(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        try:
            self.rate = self.get_rate()
            self.num_requests, self.duration = self.parse_rate(self.rate)
            allowed = bool(SimpleRateThrottle.allow_request(self, request, view))
        except Exception:  # the cache backend's own errors (redis, pymemcache, OSError...)
            log.warning("throttle cache unavailable; request not throttled", exc_info=True)
            return True
        if not allowed:
            THROTTLED.inc()
        return allowed
