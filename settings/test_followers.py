"""Followers service under test: the test servers (own ports, own data), never development data."""

import os
from pathlib import Path

os.environ.setdefault("NEO4J_URI", "bolt://127.0.0.1:7887")
os.environ.setdefault("NEO4J_PASSWORD", "hornet-test-password")
os.environ.setdefault("POSTS_SERVICE_URL", "http://127.0.0.1:18001")
os.environ.setdefault("HORNET_STATE_DIR", str(Path(__file__).parents[1] / ".state" / "test"))
os.environ.setdefault(
    "CACHE_URL", "filecache://" + os.path.join(os.environ["HORNET_STATE_DIR"], "cache")
)

from settings.dev_followers import *  # noqa: F403
