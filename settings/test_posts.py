"""Posts service under test: the test servers (own ports, own data), never development data."""

import os
from pathlib import Path

os.environ.setdefault("MONGO_URI", "mongodb://127.0.0.1:27217/")
os.environ.setdefault("MONGO_DB", "hornet_test")
os.environ.setdefault("FOLLOWERS_SERVICE_URL", "http://127.0.0.1:18002")
os.environ.setdefault("HORNET_STATE_DIR", str(Path(__file__).parents[1] / ".state" / "test"))
os.environ.setdefault(
    "CACHE_URL", "filecache://" + os.path.join(os.environ["HORNET_STATE_DIR"], "cache")
)

from settings.dev_posts import *  # noqa: F403
