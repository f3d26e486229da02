"""Posts service under test: the test servers (own ports, own data), never development data."""

from settings._dev import local_caches
from settings.base import env
from settings.dev_posts import *  # noqa: F403
from settings.dev_posts import CACHES

MONGO_URI = env.str("MONGO_URI", default="mongodb://127.0.0.1:27217/")
MONGO_DB = env.str("MONGO_DB", default="hornet_test")
FOLLOWERS_SERVICE_URL = env.str("FOLLOWERS_SERVICE_URL", default="http://127.0.0.1:18002")
CACHES = local_caches(CACHES, "test")
