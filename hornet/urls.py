"""Routes both services share: probes, the OpenAPI schema and Swagger UI."""

from django.urls import URLPattern, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny

from hornet.health import healthz, readyz


def common_urlpatterns(prefix: str) -> list[URLPattern]:
    """Probes at /healthz and /readyz; schema at /<prefix>/schema, UI at /<prefix>/docs."""
    schema = SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[AllowAny])
    docs = SpectacularSwaggerView.as_view(
        url_name=f"{prefix}-schema", authentication_classes=[], permission_classes=[AllowAny]
    )
    return [
        path("healthz", healthz, name="healthz"),
        path("readyz", readyz, name="readyz"),
        path(f"{prefix}/schema", schema, name=f"{prefix}-schema"),
        path(f"{prefix}/schema/", schema),
        path(f"{prefix}/docs", docs, name=f"{prefix}-docs"),
        path(f"{prefix}/docs/", docs),
    ]
