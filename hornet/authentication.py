"""DRF authentication backed by the identity the middleware resolved."""

from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from hornet.identity import Identity, attach_identity


class IdentityAuthentication(BaseAuthentication):
    """Expose ``request.identity`` to DRF; a malformed identity is refused, never defaulted."""

    def authenticate(self, request: Request) -> tuple[Identity, None] | None:
        django_request = request._request
        if not hasattr(django_request, "identity"):
            attach_identity(django_request)  # the middleware is not installed (tests, scripts)
        error = getattr(django_request, "identity_error", None)
        if error is not None:
            raise error
        identity: Identity | None = getattr(django_request, "identity", None)
        return (identity, None) if identity is not None else None

    def authenticate_header(self, request: Request) -> str:
        # A value here makes DRF answer 401 (not 403) when credentials are missing.
        if settings.HORNET_AUTH_MODE == "jwt":
            return 'Bearer realm="hornet"'
        return f'Header name="{settings.HORNET_IDENTITY_HEADER}"'


class IdentityAuthenticationScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """Documents the mesh identity header as an apiKey scheme in the OpenAPI schema."""

    target_class = "hornet.authentication.IdentityAuthentication"
    name = "meshIdentity"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": settings.HORNET_IDENTITY_HEADER,
            "description": "The caller's Keycloak subject (UUID), written by Istio.",
        }
