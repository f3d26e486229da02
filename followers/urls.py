"""The followers service's routes (ROOT_URLCONF of settings.followers)."""

from hornet.urls import common_urlpatterns

handler404 = "hornet.views.not_found"
handler500 = "hornet.views.server_error"

urlpatterns = [*common_urlpatterns("followers")]
