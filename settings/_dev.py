"""Development overrides, applied on top of a service module by dev_posts / dev_followers.

Only these modules allow the ``dev`` identity mode; the production modules do not list it,
and hornet.apps refuses to start with a mode its settings module does not allow.
"""

import os
from pathlib import Path

os.environ.setdefault("DJANGO_SECRET_KEY", "dev-only-insecure-secret-key-not-for-production")
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("HORNET_AUTH_MODE", "dev")
# One throttle cache for every gunicorn worker of the local stack, and no server to run it.
os.environ.setdefault("HORNET_STATE_DIR", str(Path(__file__).parents[1] / ".state" / "dev"))
os.environ.setdefault(
    "CACHE_URL", "filecache://" + os.path.join(os.environ["HORNET_STATE_DIR"], "cache")
)
