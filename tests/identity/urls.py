"""The plumbing test urlconf plus the act-as view and the home page, routed unconditionally
here so the views' own per-request guard is tested (the services route them only through
dev_urlpatterns())."""

from django.urls import path

from hornet import devtools
from tests.hornet.urls import handler404
from tests.hornet.urls import urlpatterns as plumbing

__all__ = ["handler404", "urlpatterns"]

urlpatterns = [*plumbing, path("dev/act-as", devtools.act_as), path("", devtools.home)]
