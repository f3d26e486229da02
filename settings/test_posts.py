"""Posts service under test: the test servers (own ports, own data), never development data."""

import os

os.environ.setdefault("MONGO_URI", "mongodb://127.0.0.1:27217/")
os.environ.setdefault("MONGO_DB", "hornet_test")
os.environ.setdefault("FOLLOWERS_SERVICE_URL", "http://127.0.0.1:18002")

from settings.dev_posts import *  # noqa: F403
