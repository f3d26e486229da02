from urllib.parse import urlsplit

from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class HornetConfig(AppConfig):
    name = "hornet"

    def ready(self) -> None:
        # Refuse to start with an unsafe identity mode or no secret, whatever the environment
        # says: production settings modules do not list "dev" among the allowed modes.
        mode = settings.HORNET_AUTH_MODE
        if mode not in settings.HORNET_ALLOWED_AUTH_MODES:
            raise ImproperlyConfigured(
                f"HORNET_AUTH_MODE={mode!r} is not allowed by {settings.SETTINGS_MODULE}; "
                f"allowed: {', '.join(settings.HORNET_ALLOWED_AUTH_MODES)}"
            )
        if not settings.SECRET_KEY:
            raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set")
        base = urlsplit(settings.HORNET_PUBLIC_BASE_URL)
        if settings.HORNET_PUBLIC_BASE_URL and (
            base.scheme not in ("http", "https") or not base.netloc or base.query or base.fragment
        ):
            raise ImproperlyConfigured("PUBLIC_BASE_URL must be an http(s) URL without a query")
        if mode == "jwt" and not (settings.HORNET_JWT_ISSUER and settings.HORNET_JWT_JWKS_URL):
            raise ImproperlyConfigured("jwt mode needs JWT_ISSUER and JWT_JWKS_URL")
