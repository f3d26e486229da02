"""The posts service's routes (ROOT_URLCONF of settings.posts)."""

from hornet.urls import common_urlpatterns

handler404 = "hornet.views.not_found"
handler500 = "hornet.views.server_error"

urlpatterns = [*common_urlpatterns("posts")]
