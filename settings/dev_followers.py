"""Followers service for development: browsable API, dev identity mode allowed."""

import os

import settings._dev  # noqa: F401  (sets development defaults before the base reads them)

os.environ.setdefault("NEO4J_PASSWORD", "hornet-dev-password")
from settings.followers import *  # noqa: F403
from settings.followers import REST_FRAMEWORK

HORNET_ALLOWED_AUTH_MODES = ("mesh", "jwt", "dev")
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_RENDERER_CLASSES": [
        "hornet.renderers.FastJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
