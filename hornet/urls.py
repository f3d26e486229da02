"""Routes both services share (probes, the OpenAPI schema and Swagger UI), and
``both_slashes``, the one way either service declares a route.

Every route answers with and without a trailing slash: APPEND_SLASH is off, since its redirect
would turn a POST into a GET, so each route is declared twice, and the slash twin is left out
of the OpenAPI schema so each operation appears once, at its slash-less (v1) path. Ids are
matched as plain strings (``<str:id>``) and validated by the views, so a malformed id is a 400
naming the field (hornet.ids), not a 404.
"""

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny

from hornet.health import healthz, readyz
from hornet.metrics import metrics_view


def both_slashes(
    route: str,
    view: Any,
    actions: dict[str, str] | None = None,
    *,
    name: str,
    title: str | None = None,
    **initkwargs: Any,
) -> list[URLPattern]:
    """``route`` and ``route/`` to a DRF view class (``actions``: a viewset's method -> action
    map), the second without a schema entry; or to a plain Django view function.

    ``title`` names what the route's page shows in the browsable API (its heading, its
    breadcrumb); a viewset's routes without one are titled from ``name`` ("user-followers":
    "User followers"), a plain APIView keeps DRF's name from its class ("FeedView": "Feed")."""
    if not hasattr(view, "as_view"):
        return [path(route, view, name=name), path(route + "/", view)]
    if actions is not None:
        initkwargs["name"] = title or name.replace("-", " ").capitalize()

    def as_view(**extra: Any) -> Any:
        if actions is None:
            return view.as_view(**initkwargs, **extra)
        return view.as_view(actions, **initkwargs, **extra)

    return [path(route, as_view(), name=name), path(route + "/", as_view(schema=None))]


def common_urlpatterns(prefix: str) -> list[URLPattern]:
    """Probes at /healthz and /readyz, Prometheus at /metrics (none of them routed by the
    mesh); schema at /<prefix>/schema, UI at /<prefix>/docs."""
    public: dict[str, Any] = {"authentication_classes": [], "permission_classes": [AllowAny]}
    return [
        path("healthz", healthz, name="healthz"),
        path("readyz", readyz, name="readyz"),
        path("metrics", metrics_view, name="metrics"),
        *both_slashes(f"{prefix}/schema", SpectacularAPIView, name=f"{prefix}-schema", **public),
        *both_slashes(
            f"{prefix}/docs",
            SpectacularSwaggerView,
            name=f"{prefix}-docs",
            url_name=f"{prefix}-schema",
            **public,
        ),
    ]
