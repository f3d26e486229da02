"""Posts service for development: browsable API, dev identity mode allowed."""

from settings.posts import *  # noqa: F403
from settings.posts import CACHES, REST_FRAMEWORK

# isort: split
from settings._dev import *  # noqa: F403  (after the service's values: these win)
from settings._dev import browsable, local_caches

CACHES = local_caches(CACHES, "dev")
REST_FRAMEWORK = browsable(REST_FRAMEWORK)
