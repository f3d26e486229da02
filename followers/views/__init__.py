"""The followers service's DRF viewsets (thin: parse, call a service or selector, respond)."""

from followers.views.follows import FollowViewSet
from followers.views.suggestions import SuggestionViewSet
from followers.views.users import UserViewSet

__all__ = ["FollowViewSet", "SuggestionViewSet", "UserViewSet"]
