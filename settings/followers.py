"""The followers service (Neo4j). DJANGO_SETTINGS_MODULE=settings.followers"""

from settings.base import *  # noqa: F403
from settings.base import CACHES, INSTALLED_APPS, SPECTACULAR_SETTINGS, env

INSTALLED_APPS = [*INSTALLED_APPS, "followers"]
ROOT_URLCONF = "followers.urls"
HORNET_SERVICE_NAME = "hornet-followers"  # in traces (OTEL_SERVICE_NAME overrides it)
HORNET_READINESS_CHECK = "followers.db.ping"
# Each service counts its own write budget, even when both share one cache server.
CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": "hornet-followers"}}
HORNET_IDEMPOTENCY_STORE = "followers.idempotency.GraphIdempotencyStore"

NEO4J_URI = env.str("NEO4J_URI", default="bolt://127.0.0.1:7787")
NEO4J_DB = env.str("NEO4J_DB", default="neo4j")
NEO4J_USER = env.str("NEO4J_USER", default="neo4j")
NEO4J_PASSWORD = env.str("NEO4J_PASSWORD", default="")
NEO4J_TIMEOUT_SECONDS = env.float("NEO4J_TIMEOUT_SECONDS", default=1.0)  # connect / acquire
NEO4J_QUERY_TIMEOUT_SECONDS = env.float("NEO4J_QUERY_TIMEOUT_SECONDS", default=5.0)
# How long the driver retries a failed transaction (a lost connection...); deadlocks are
# retried by followers.graph on top of it, so a dead server is a 503 within about a second.
NEO4J_RETRY_SECONDS = env.float("NEO4J_RETRY_SECONDS", default=0.3)

POSTS_SERVICE_URL = env.str("POSTS_SERVICE_URL", default="http://127.0.0.1:8001")
# After a follow/unfollow the posts service is told to refresh the caller's feed (best effort).
POSTS_NOTIFY_TIMEOUT_SECONDS = env.float("POSTS_NOTIFY_TIMEOUT_SECONDS", default=0.3)

# /following/ids is read once per home-feed request by the posts service: it wants every id
# in one call, so its page is far larger than the public lists' (20 by default, 100 at most).
FOLLOWERS_IDS_PAGE_DEFAULT = env.int("FOLLOWERS_IDS_PAGE_DEFAULT", default=5000)
FOLLOWERS_IDS_PAGE_MAX = env.int("FOLLOWERS_IDS_PAGE_MAX", default=5000)
# Suggestions walk me -> followee -> candidate. A followee who follows 100k accounts would make
# that walk O(100k); it looks at no more than MAX_FOLLOWEES of the caller's followees and
# PER_FOLLOWEE of each one's followees, so one request reads at most MAX_FOLLOWEES *
# PER_FOLLOWEE relationships (200 * 50 = 10,000 by default) whatever the graph.
FOLLOWERS_SUGGEST_MAX_FOLLOWEES = env.int("FOLLOWERS_SUGGEST_MAX_FOLLOWEES", default=200)
FOLLOWERS_SUGGEST_PER_FOLLOWEE = env.int("FOLLOWERS_SUGGEST_PER_FOLLOWEE", default=50)

SPECTACULAR_SETTINGS = {
    **SPECTACULAR_SETTINGS,
    "TITLE": "HorNet followers service",
    "DESCRIPTION": "The follow graph: follows, lists, counts, relationships, suggestions.",
}
