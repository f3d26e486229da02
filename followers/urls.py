"""The followers service's routes (ROOT_URLCONF of settings.followers).

Every route answers with and without a trailing slash (APPEND_SLASH is off: a redirect would
turn a POST into a GET). The slash variant is left out of the OpenAPI schema so each operation
appears once. Ids are matched as plain strings and validated by the views, so a malformed id
is a 400 naming the field, not a 404.
"""

from typing import Any

from django.urls import URLPattern, path
from rest_framework.viewsets import ViewSet

from followers.views import FollowViewSet, SuggestionViewSet, UserViewSet
from hornet.devtools import dev_urlpatterns
from hornet.urls import common_urlpatterns

handler404 = "hornet.views.not_found"
handler500 = "hornet.views.server_error"
handler400 = "hornet.views.bad_request"
handler403 = "hornet.views.permission_denied"


def both(route: str, viewset: type[ViewSet], actions: dict[str, Any], name: str) -> list[Any]:
    """``route`` and ``route/``, the second without a schema entry."""
    return [
        path(route, viewset.as_view(actions), name=name),
        path(route + "/", viewset.as_view(actions, schema=None)),
    ]


USER = "followers/user/<str:user_id>"

urlpatterns: list[URLPattern] = [
    *common_urlpatterns("followers"),  # first: /followers/schema is not a follow id
    *dev_urlpatterns(),
    *both("followers", FollowViewSet, {"post": "create"}, "follow-create"),
    *both("followers/suggestions", SuggestionViewSet, {"get": "list"}, "suggestions"),
    *both(
        "followers/suggestions/<str:user_id>",
        SuggestionViewSet,
        {"delete": "dismiss"},
        "suggestion-dismiss",
    ),
    *both("followers/following/<str:user_id>", FollowViewSet, {"delete": "unfollow"}, "unfollow"),
    *both(USER, UserViewSet, {"get": "retrieve"}, "user-relationship"),
    *both(USER + "/followers", UserViewSet, {"get": "followers"}, "user-followers"),
    *both(USER + "/following", UserViewSet, {"get": "following"}, "user-following"),
    *both(USER + "/followers/count", UserViewSet, {"get": "followers_count"}, "followers-count"),
    *both(USER + "/following/count", UserViewSet, {"get": "following_count"}, "following-count"),
    *both(USER + "/following/ids", UserViewSet, {"get": "following_ids"}, "following-ids"),
    *both(USER + "/followers/ids", UserViewSet, {"get": "follower_ids"}, "follower-ids"),
    *both(USER + "/mutual", UserViewSet, {"get": "mutual"}, "user-mutual"),
    *both("followers/<str:follow_id>", FollowViewSet, {"delete": "destroy"}, "follow-delete"),
]
