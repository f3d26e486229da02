"""The plumbing test urlconf plus the act-as view, routed unconditionally here so the view's
own per-request guard is tested (the services route it only through dev_urlpatterns())."""

from django.urls import path

from hornet import devtools
from tests.hornet.urls import handler404
from tests.hornet.urls import urlpatterns as plumbing

__all__ = ["handler404", "urlpatterns"]

urlpatterns = [*plumbing, path("dev/act-as", devtools.act_as)]
