"""Followers service under test: the test servers (own ports, own data), never development data."""

from settings._dev import local_caches
from settings.base import env
from settings.dev_followers import *  # noqa: F403
from settings.dev_followers import CACHES

NEO4J_URI = env.str("NEO4J_URI", default="bolt://127.0.0.1:7887")
NEO4J_PASSWORD = env.str("NEO4J_PASSWORD", default="hornet-test-password")
POSTS_SERVICE_URL = env.str("POSTS_SERVICE_URL", default="http://127.0.0.1:18001")
CACHES = local_caches(CACHES, "test")
