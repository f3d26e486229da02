"""The followers service's DRF viewsets (thin: parse, call a service or selector, respond)."""

from followers.views.follows import FollowViewSet
from followers.views.safety import BlockViewSet, ExcludedIdsViewSet, MuteViewSet
from followers.views.suggestions import SuggestionViewSet
from followers.views.users import UserViewSet

__all__ = [
    "BlockViewSet",
    "ExcludedIdsViewSet",
    "FollowViewSet",
    "MuteViewSet",
    "SuggestionViewSet",
    "UserViewSet",
]
