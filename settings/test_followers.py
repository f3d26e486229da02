"""Followers service under test: the test servers (own ports, own data), never development data."""

import os

os.environ.setdefault("NEO4J_URI", "bolt://127.0.0.1:7887")
os.environ.setdefault("NEO4J_PASSWORD", "hornet-test-password")
os.environ.setdefault("POSTS_SERVICE_URL", "http://127.0.0.1:18001")

from settings.dev_followers import *  # noqa: F403
