"""The posts service (MongoDB). DJANGO_SETTINGS_MODULE=settings.posts"""

from settings.base import *  # noqa: F403
from settings.base import CACHES, INSTALLED_APPS, SPECTACULAR_SETTINGS, env

INSTALLED_APPS = [*INSTALLED_APPS, "posts"]
ROOT_URLCONF = "posts.urls"
HORNET_SERVICE_NAME = "hornet-posts"  # in traces (OTEL_SERVICE_NAME overrides it)
HORNET_READINESS_CHECK = "posts.db.ping"
# Each service counts its own write budget, even when both share one cache server.
CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": "hornet-posts"}}
HORNET_IDEMPOTENCY_STORE = "posts.idempotency.MongoIdempotencyStore"
HORNET_METRICS_COLLECTORS = ["posts.fanout.lag_metrics"]

MONGO_URI = env.str("MONGO_URI", default="mongodb://127.0.0.1:27117/")
MONGO_DB = env.str("MONGO_DB", default="hornet")
# Acknowledged writes are journaled on a majority: nothing a client saw succeed is lost.
MONGO_WRITE_CONCERN = env.str("MONGO_WRITE_CONCERN", default="majority")
MONGO_JOURNAL = env.bool("MONGO_JOURNAL", default=True)
MONGO_TIMEOUT_MS = env.int("MONGO_TIMEOUT_MS", default=800)  # server selection / connect
MONGO_SOCKET_TIMEOUT_MS = env.int("MONGO_SOCKET_TIMEOUT_MS", default=5000)
# A request's reads carry maxTimeMS: the server ends a query that runs longer (a 503), instead
# of scanning on after the socket timeout. Below the socket timeout, so the server answers first.
MONGO_QUERY_TIMEOUT_MS = env.int("MONGO_QUERY_TIMEOUT_MS", default=3000)

FOLLOWERS_SERVICE_URL = env.str("FOLLOWERS_SERVICE_URL", default="http://127.0.0.1:8002")
FOLLOWERS_TIMEOUT_SECONDS = env.float("FOLLOWERS_TIMEOUT_SECONDS", default=0.5)
FOLLOWERS_BREAKER_FAILURES = env.int("FOLLOWERS_BREAKER_FAILURES", default=5)
FOLLOWERS_BREAKER_RESET_SECONDS = env.float("FOLLOWERS_BREAKER_RESET_SECONDS", default=5.0)
# How long the feed reuses a user's following list; a follow/unfollow invalidates it at once.
FEED_FOLLOWING_CACHE_SECONDS = env.float("FEED_FOLLOWING_CACHE_SECONDS", default=5.0)
# How long a user's blocks, mutes and blockers are reused (posts.following_cache): the signal of
# each change corrects them at once, and a mute's end is known in advance; this bounds only a
# signal that never arrived.
EXCLUSIONS_CACHE_SECONDS = env.float("EXCLUSIONS_CACHE_SECONDS", default=3600.0)
# Past that, how long they are still used while one followers call fetches them anew in the
# background (stale-while-revalidate); older ones are fetched before the read.
EXCLUSIONS_STALE_SECONDS = env.float("EXCLUSIONS_STALE_SECONDS", default=86400.0)
# Those background fetches a worker process makes a second at the most (a burst of returning
# callers is spread out; the ones not fetched yet are still served while they wait).
EXCLUSIONS_REFRESHES_PER_SECOND = env.float("EXCLUSIONS_REFRESHES_PER_SECOND", default=5.0)
# Home timelines (fan-out on write, docs/feed.md): entries kept per reader; days a reader may
# be idle before theirs is dropped; authors above this many followers are merged at read time
# instead of fanned out; a worker's claim on a post or a rebuild; posts of a new followee added
# at once; how often an idle worker looks for work.
FEED_TIMELINE_CAP = env.int("FEED_TIMELINE_CAP", default=800)
FEED_ACTIVE_DAYS = env.float("FEED_ACTIVE_DAYS", default=14.0)
# A read asks for its timeline's hourly trim at a random moment within this (posts.timelines).
FEED_TRIM_SPREAD_SECONDS = env.float("FEED_TRIM_SPREAD_SECONDS", default=600.0)
FEED_FANOUT_MAX_FOLLOWERS = env.int("FEED_FANOUT_MAX_FOLLOWERS", default=5000)
FEED_FANOUT_LEASE_SECONDS = env.float("FEED_FANOUT_LEASE_SECONDS", default=30.0)
FEED_FOLLOW_BACKFILL = env.int("FEED_FOLLOW_BACKFILL", default=100)
FEED_FANOUT_POLL_SECONDS = env.float("FEED_FANOUT_POLL_SECONDS", default=0.1)
FEED_FANOUT_THREADS = env.int("FEED_FANOUT_THREADS", default=4)  # workers per fanout process
# A post unclaimed this long means no worker is keeping up: feeds are pulled meanwhile.
FEED_FANOUT_STALE_SECONDS = env.float("FEED_FANOUT_STALE_SECONDS", default=30.0)
# The worker's own token (client credentials) for its followers calls; unset on loopback stacks.
FANOUT_CLIENT_ID = env.str("FANOUT_CLIENT_ID", default="")
FANOUT_CLIENT_SECRET = env.str("FANOUT_CLIENT_SECRET", default="")
FANOUT_TOKEN_URL = env.str("FANOUT_TOKEN_URL", default="")  # default: JWT_ISSUER's token URL
FEED_FANOUT_PAGE = env.int("FEED_FANOUT_PAGE", default=5000)  # follower ids per call, 1..5000
# How long an author's follower ids (one page of them) are reused by the next fan-out; every
# follow, unfollow and block forgets them at once (posts.follower_lists). 0: always asked.
FEED_FANOUT_FOLLOWERS_CACHE_SECONDS = env.float(
    "FEED_FANOUT_FOLLOWERS_CACHE_SECONDS", default=300.0
)

SPECTACULAR_SETTINGS = {
    **SPECTACULAR_SETTINGS,
    "TITLE": "HorNet posts service",
    "DESCRIPTION": "Posts, replies, shares, timelines and the home feed.",
}
