"""The posts service's routes (ROOT_URLCONF of settings.posts).

Every route answers with and without a trailing slash: the router's slash is the optional
group ``(?:/)?``, which the OpenAPI generator documents as the slash-less v1 path.
"""

from rest_framework.routers import SimpleRouter

from hornet.urls import common_urlpatterns
from posts.views import PostViewSet

handler404 = "hornet.views.not_found"
handler500 = "hornet.views.server_error"

router = SimpleRouter()
router.trailing_slash = "(?:/)?"
router.register("posts", PostViewSet, basename="post")

# The shared routes first: /posts/schema and /posts/docs must not be read as post ids.
urlpatterns = [*common_urlpatterns("posts"), *router.urls]
