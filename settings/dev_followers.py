"""Followers service for development: browsable API, dev identity mode allowed."""

from settings.followers import *  # noqa: F403
from settings.followers import CACHES, REST_FRAMEWORK

# isort: split
from settings._dev import *  # noqa: F403  (after the service's values: these win)
from settings._dev import browsable, local_caches
from settings.base import env

CACHES = local_caches(CACHES, "dev")
REST_FRAMEWORK = browsable(REST_FRAMEWORK)
NEO4J_PASSWORD = env.str("NEO4J_PASSWORD", default="hornet-dev-password")
