"""Tunables of the followers service, read from Django settings with documented defaults.

They live here rather than in settings/ so the service's knobs sit beside the code they
bound; a deployment overrides any of them by defining the setting.
"""

from django.conf import settings

# /following/ids is read once per home-feed request by the posts service: it wants every id
# in one call, so its page is far larger than the public lists' (20 by default, 100 at most).
IDS_PAGE_DEFAULT_SETTING = "FOLLOWERS_IDS_PAGE_DEFAULT"
IDS_PAGE_MAX_SETTING = "FOLLOWERS_IDS_PAGE_MAX"

# Suggestions walk me -> followee -> candidate. A followee who follows 100k accounts would make
# that walk O(100k); we look at no more than SUGGEST_MAX_FOLLOWEES of the caller's followees
# and SUGGEST_PER_FOLLOWEE of each one's followees, so one request reads at most
# MAX_FOLLOWEES * PER_FOLLOWEE relationships (200 * 50 = 10,000) whatever the graph.
SUGGEST_MAX_FOLLOWEES_SETTING = "FOLLOWERS_SUGGEST_MAX_FOLLOWEES"
SUGGEST_PER_FOLLOWEE_SETTING = "FOLLOWERS_SUGGEST_PER_FOLLOWEE"

# Callers seen through the identity headers are upserted once per process per (id, username).
SEEN_CACHE_SIZE = 50_000


def ids_page_default() -> int:
    return int(getattr(settings, IDS_PAGE_DEFAULT_SETTING, 5000))


def ids_page_max() -> int:
    return int(getattr(settings, IDS_PAGE_MAX_SETTING, 5000))


def suggest_max_followees() -> int:
    return int(getattr(settings, SUGGEST_MAX_FOLLOWEES_SETTING, 200))


def suggest_per_followee() -> int:
    return int(getattr(settings, SUGGEST_PER_FOLLOWEE_SETTING, 50))
