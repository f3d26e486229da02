"""The write throttle both services use: DRF's scoped rate throttle, on writes only, failing open.

Reads pass untouched: they are cheap, and a client paging a timeline must not be slowed.

Its counters live in the shared cache (settings CACHES: Redis or Memcached in production). If
that cache is unreachable, writes go on unthrottled (and it is logged) rather than every write
failing with a 500: the rate limit protects the databases, it must not become their outage.
"""

import logging
from typing import Any

from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle

log = logging.getLogger(__name__)


class WriteRateThrottle(ScopedRateThrottle):
    def allow_request(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        try:
            return bool(super().allow_request(request, view))
        except Exception:  # the cache backend's own errors (redis, pymemcache, OSError...)
            log.warning("throttle cache unavailable; request not throttled", exc_info=True)
            return True
