"""For mypy's Django plugin only: one module that declares every setting of both services.

Never used to run anything; mypy needs a single settings module to type ``django.conf.settings``.
"""

from settings.dev_posts import *  # noqa: F403
from settings.followers import (  # noqa: F401
    FOLLOWERS_IDS_PAGE_DEFAULT,
    FOLLOWERS_IDS_PAGE_MAX,
    FOLLOWERS_SUGGEST_MAX_FOLLOWEES,
    FOLLOWERS_SUGGEST_PER_FOLLOWEE,
    NEO4J_DB,
    NEO4J_PASSWORD,
    NEO4J_QUERY_TIMEOUT_SECONDS,
    NEO4J_RETRY_SECONDS,
    NEO4J_TIMEOUT_SECONDS,
    NEO4J_URI,
    NEO4J_USER,
    POSTS_NOTIFY_TIMEOUT_SECONDS,
    POSTS_SERVICE_URL,
)
