"""DRF authentication backed by the identity the middleware resolved."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, CSRFCheck
from rest_framework.request import Request

from hornet.errors import ErrorCode, Forbidden, Unauthenticated
from hornet.headers import Forward
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
        if identity is None:
            return None
        if identity.source == "cookie":
            # A cookie is sent by the browser on cross-site requests too (dev mode only).
            _enforce_csrf(django_request)
        return (identity, None)

    def authenticate_header(self, request: Request) -> str:
        # A value here makes DRF answer 401 (not 403) when credentials are missing.
        if settings.HORNET_AUTH_MODE == "jwt":
            return 'Bearer realm="hornet"'
        return f'Header name="{settings.HORNET_IDENTITY_HEADER}"'


def caller(request: Request) -> Identity:
    """The authenticated caller of a view (its permission has already refused anonymous
    requests; a view without that permission gets a 401 here, never a default user)."""
    user = request.user
    if not isinstance(user, Identity):
        raise Unauthenticated()
    return user


def forward(request: Request) -> Forward:
    """The caller of a view, with the headers a call made on their behalf forwards."""
    return Forward.of(caller(request), request.headers)


def _enforce_csrf(request: HttpRequest) -> None:
    """Django's CSRF check, as DRF's SessionAuthentication runs it (safe methods pass)."""
    check = CSRFCheck(lambda _request: None)  # type: ignore[arg-type,return-value]
    check.process_request(request)  # reads the CSRF cookie, so rendered forms reuse its secret
    reason = check.process_view(request, None, (), {})  # type: ignore[arg-type]
    if reason:
        raise Forbidden(f"CSRF check failed: {reason}", code=ErrorCode.CSRF_FAILED)


class IdentityAuthenticationScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """Documents the mesh identity header as an apiKey scheme in the OpenAPI schema."""

    target_class = "hornet.authentication.IdentityAuthentication"
    name = "meshIdentity"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        """What Swagger UI's "Authorize" asks for, in the identity mode in force."""
        header = settings.HORNET_IDENTITY_HEADER
        if settings.HORNET_AUTH_MODE == "jwt":
            return {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "JWT",
                "description": "A Keycloak access token of the `hornet` realm (without "
                "`Bearer `); the service validates it and reads the caller from `sub`.",
            }
        if settings.HORNET_AUTH_MODE == "dev":
            return {
                "type": "apiKey",
                "in": "header",
                "name": header,
                "description": f"Development: the caller's user id (a UUID) in `{header}`, "
                "e.g. alice `a11ce000-0000-4000-8000-000000000001`. Without it, the user "
                "chosen at `/dev/act-as` is used (a cookie this page sends along).",
            }
        return {
            "type": "apiKey",
            "in": "header",
            "name": header,
            "description": "The caller's Keycloak subject (UUID), written by Istio from the "
            "validated token; clients send the token to the gateway, never this header.",
        }
