"""The posts service's routes (ROOT_URLCONF of settings.posts).

Every route answers with and without a trailing slash: the router's slash is the optional
group ``(?:/)?``, which the OpenAPI generator documents as the slash-less v1 path.
"""

from django.urls import re_path
from rest_framework.routers import SimpleRouter

from hornet.devtools import dev_urlpatterns
from hornet.urls import common_urlpatterns
from posts.feed_views import FeedView, FollowingChangedView
from posts.views import PostViewSet

handler404 = "hornet.views.not_found"
handler500 = "hornet.views.server_error"
handler400 = "hornet.views.bad_request"
handler403 = "hornet.views.permission_denied"

router = SimpleRouter()
router.trailing_slash = "(?:/)?"
router.register("posts", PostViewSet, basename="post")

# The shared routes first: /posts/schema and /posts/docs must not be read as post ids.
urlpatterns = [
    *common_urlpatterns("posts"),
    *dev_urlpatterns(),
    re_path(r"^feed/?$", FeedView.as_view(), name="feed"),
    re_path(
        r"^posts/internal/following-changed/?$",
        FollowingChangedView.as_view(),
        name="following-changed",
    ),
    *router.urls,
]
