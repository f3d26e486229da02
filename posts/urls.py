"""The posts service's routes (ROOT_URLCONF of settings.posts).

Every route answers with and without a trailing slash (hornet.urls.both_slashes).
"""

from django.urls import URLPattern

from hornet.devtools import dev_urlpatterns
from hornet.urls import both_slashes, common_urlpatterns
from posts.engagement_views import EngagementViewSet
from posts.feed_views import (
    FeedView,
    FollowingChangedView,
    FollowMadeView,
    FollowRequestedView,
    RelationshipChangedView,
)
from posts.notifications.views import (
    NotificationsView,
    PolicyView,
    ReadMarkerView,
    UnreadCountView,
)
from posts.views import PostViewSet

handler404 = "hornet.views.not_found"
handler500 = "hornet.views.server_error"
handler400 = "hornet.views.bad_request"
handler403 = "hornet.views.permission_denied"

POST = "posts/<str:id>"
POST_ACTIONS = {"get": "retrieve", "patch": "partial_update", "delete": "destroy"}
LIKE = {"put": "like", "delete": "unlike"}
BOOKMARK = {"put": "bookmark", "delete": "unbookmark"}

# The shared routes first: /posts/schema and /posts/docs must not be read as post ids; nor
# must /posts/author/..., /posts/internal/..., /posts/liked, /posts/bookmarks... be read as
# a post's sub-routes.
urlpatterns: list[URLPattern] = [
    *common_urlpatterns("posts"),
    *dev_urlpatterns(),
    *both_slashes("feed", FeedView, name="feed"),
    *both_slashes(
        "posts/internal/following-changed", FollowingChangedView, name="following-changed"
    ),
    *both_slashes(
        "posts/internal/relationship-changed",
        RelationshipChangedView,
        name="relationship-changed",
    ),
    *both_slashes("posts/internal/follow-requested", FollowRequestedView, name="follow-requested"),
    *both_slashes("posts/internal/follow-made", FollowMadeView, name="follow-made"),
    *both_slashes("notifications", NotificationsView, name="notifications"),
    *both_slashes("notifications/unread_count", UnreadCountView, name="notifications-unread-count"),
    *both_slashes("notifications/read", ReadMarkerView, name="notifications-read"),
    *both_slashes("notifications/policy", PolicyView, name="notifications-policy"),
    *both_slashes("posts", PostViewSet, {"post": "create"}, name="post-list", title="Posts"),
    *both_slashes(
        "posts/author/<str:author_id>",
        PostViewSet,
        {"get": "author"},
        name="post-author",
        title="Author timeline",
    ),
    *both_slashes(
        "posts/liked", EngagementViewSet, {"get": "liked"}, name="post-liked", title="Liked posts"
    ),
    *both_slashes(
        "posts/bookmarks",
        EngagementViewSet,
        {"get": "bookmarks"},
        name="bookmarks",
        title="Bookmarks",
    ),
    *both_slashes(
        "posts/mentions",
        EngagementViewSet,
        {"get": "mentions"},
        name="mentions",
        title="Mentions of me",
    ),
    *both_slashes(
        "posts/tags/<str:tag>", EngagementViewSet, {"get": "tag"}, name="post-tag", title="Tag"
    ),
    *both_slashes(POST, PostViewSet, POST_ACTIONS, name="post-detail", title="Post"),
    *both_slashes(POST + "/like", EngagementViewSet, LIKE, name="post-like", title="Like"),
    *both_slashes(
        POST + "/likes", EngagementViewSet, {"get": "likes"}, name="post-likes", title="Likes"
    ),
    *both_slashes(
        POST + "/bookmark", EngagementViewSet, BOOKMARK, name="post-bookmark", title="Bookmark"
    ),
    *both_slashes(
        POST + "/context",
        PostViewSet,
        {"get": "context"},
        name="post-context",
        title="Thread context",
    ),
    *both_slashes(
        POST + "/replies", PostViewSet, {"get": "replies"}, name="post-replies", title="Replies"
    ),
]
