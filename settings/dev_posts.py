"""Posts service for development: browsable API, dev identity mode allowed."""

import settings._dev  # noqa: F401  (sets development defaults before the base reads them)
from settings.posts import *  # noqa: F403
from settings.posts import REST_FRAMEWORK

HORNET_ALLOWED_AUTH_MODES = ("mesh", "jwt", "dev")
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_RENDERER_CLASSES": [
        "hornet.renderers.FastJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
