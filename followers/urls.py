"""The followers service's routes (ROOT_URLCONF of settings.followers).

Every route answers with and without a trailing slash (hornet.urls.both_slashes).
"""

from django.urls import URLPattern

from followers.views import (
    BlockViewSet,
    ExcludedIdsViewSet,
    FollowViewSet,
    MuteViewSet,
    SuggestionViewSet,
    UserViewSet,
)
from hornet.devtools import dev_urlpatterns
from hornet.urls import both_slashes, common_urlpatterns

handler404 = "hornet.views.not_found"
handler500 = "hornet.views.server_error"
handler400 = "hornet.views.bad_request"
handler403 = "hornet.views.permission_denied"

USER = "followers/user/<str:user_id>"

urlpatterns: list[URLPattern] = [
    *common_urlpatterns("followers"),  # first: /followers/schema is not a follow id
    *dev_urlpatterns(),
    *both_slashes("followers", FollowViewSet, {"post": "create"}, name="follow-create"),
    *both_slashes("followers/suggestions", SuggestionViewSet, {"get": "list"}, name="suggestions"),
    *both_slashes(
        "followers/suggestions/<str:user_id>",
        SuggestionViewSet,
        {"delete": "dismiss"},
        name="suggestion-dismiss",
    ),
    *both_slashes(
        "followers/following/<str:user_id>", FollowViewSet, {"delete": "unfollow"}, name="unfollow"
    ),
    # Before followers/<follow_id>, which would take "blocks" and "mutes" for follow ids.
    *both_slashes("followers/blocks", BlockViewSet, {"get": "list"}, name="blocks"),
    *both_slashes(
        "followers/blocks/<str:user_id>",
        BlockViewSet,
        {"post": "create", "delete": "destroy"},
        name="block",
    ),
    *both_slashes("followers/mutes", MuteViewSet, {"get": "list"}, name="mutes"),
    *both_slashes(
        "followers/mutes/<str:user_id>",
        MuteViewSet,
        {"post": "create", "delete": "destroy"},
        name="mute",
    ),
    *both_slashes(
        USER + "/excluded/ids", ExcludedIdsViewSet, {"get": "retrieve"}, name="excluded-ids"
    ),
    *both_slashes(USER, UserViewSet, {"get": "retrieve"}, name="user-relationship"),
    *both_slashes(USER + "/followers", UserViewSet, {"get": "followers"}, name="user-followers"),
    *both_slashes(USER + "/following", UserViewSet, {"get": "following"}, name="user-following"),
    *both_slashes(
        USER + "/followers/count", UserViewSet, {"get": "followers_count"}, name="followers-count"
    ),
    *both_slashes(
        USER + "/following/count", UserViewSet, {"get": "following_count"}, name="following-count"
    ),
    *both_slashes(
        USER + "/following/ids", UserViewSet, {"get": "following_ids"}, name="following-ids"
    ),
    *both_slashes(
        USER + "/followers/ids", UserViewSet, {"get": "follower_ids"}, name="follower-ids"
    ),
    *both_slashes(USER + "/mutual", UserViewSet, {"get": "mutual"}, name="user-mutual"),
    *both_slashes(
        "followers/<str:follow_id>", FollowViewSet, {"delete": "destroy"}, name="follow-delete"
    ),
]
