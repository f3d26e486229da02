"""The followers service (Neo4j). DJANGO_SETTINGS_MODULE=settings.followers"""

from settings.base import *  # noqa: F403
from settings.base import CACHES, INSTALLED_APPS, SPECTACULAR_SETTINGS, env

INSTALLED_APPS = [*INSTALLED_APPS, "followers"]
ROOT_URLCONF = "followers.urls"
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
SERVICE_PORT = env.int("FOLLOWERS_PORT", default=8002)

SPECTACULAR_SETTINGS = {
    **SPECTACULAR_SETTINGS,
    "TITLE": "HorNet followers service",
    "DESCRIPTION": "The follow graph: follows, lists, counts, relationships, suggestions.",
}
