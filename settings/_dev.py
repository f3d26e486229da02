"""Development values, applied on top of a service module by dev_posts / dev_followers (and so
by test_*, which build on those). Each is read from the environment like every other setting,
with a development default; nothing here writes ``os.environ``.

Only these modules allow the ``dev`` identity mode; the production modules do not list it,
and hornet.apps refuses to start with a mode its settings module does not allow.
"""

from pathlib import Path
from typing import Any

from hornet.logs import logging_config
from settings.base import BASE_DIR, env

__all__ = [
    "DEBUG",
    "HORNET_ALLOWED_AUTH_MODES",
    "HORNET_AUTH_MODE",
    "LOGGING",
    "LOG_FORMAT",
    "SECRET_KEY",
]

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-only-insecure-secret-key-not-for-production")
DEBUG = env.bool("DJANGO_DEBUG", default=True)
HORNET_AUTH_MODE = env.str("HORNET_AUTH_MODE", default="dev")
HORNET_ALLOWED_AUTH_MODES = ("mesh", "jwt", "dev")
# `make run` and the tests' logs stay readable; LOG_FORMAT=json gives production's lines.
LOG_FORMAT = env.str("LOG_FORMAT", default="console")
LOGGING = logging_config(LOG_FORMAT, env.str("LOG_LEVEL", default="INFO"))


def local_caches(caches: dict[str, Any], stack: str) -> dict[str, Any]:
    """The service's ``CACHES`` with its key prefix, by default a file cache in the stack's
    folder (``HORNET_STATE_DIR``, else .state/<stack>): one throttle cache for every gunicorn
    worker of the local stack, and no server to run it. ``CACHE_URL`` still wins."""
    state = Path(env.str("HORNET_STATE_DIR", default=str(BASE_DIR / ".state" / stack)))
    chosen = env.cache("CACHE_URL", default=f"filecache://{state / 'cache'}")
    return {"default": {**caches["default"], **chosen}}


def browsable(rest_framework: dict[str, Any]) -> dict[str, Any]:
    """The service's DRF settings with the browsable API added."""
    return {
        **rest_framework,
        "DEFAULT_RENDERER_CLASSES": [
            "hornet.renderers.FastJSONRenderer",
            "hornet.browsable.BrowsableAPIRenderer",
        ],
    }
