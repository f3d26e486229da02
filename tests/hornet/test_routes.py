"""Both services declare their routes one way (hornet.urls.both_slashes): every route answers
with and without its trailing slash, and only the slash-less one is in the OpenAPI schema."""

import importlib

import pytest

PROBES = {"healthz", "readyz", "metrics"}  # for machines: one exact path each


@pytest.mark.parametrize("urlconf", ["posts.urls", "followers.urls"])
def test_every_route_has_a_slash_twin_left_out_of_the_schema(urlconf):
    routes = {str(p.pattern): p for p in importlib.import_module(urlconf).urlpatterns}
    assert list(routes)[:3] == ["healthz", "readyz", "metrics"]  # shared routes first
    own = [r for r in routes if r not in PROBES and not r.endswith("/")]
    assert own
    assert all(r + "/" in routes for r in own)
    assert len(routes) == len(PROBES) + 2 * len(own)
    for route in own:
        twin = routes[route + "/"].callback
        assert routes[route].name
        assert routes[route + "/"].name is None
        if hasattr(twin, "cls"):  # a DRF view: the twin is not documented
            assert twin.initkwargs.get("schema", "absent") is None
            assert routes[route].callback.initkwargs.get("schema", "absent") == "absent"
