"""Who is calling: the one place that turns a request into an ``Identity``.

Modes (settings.HORNET_AUTH_MODE):
- ``mesh``: trust the identity header that Istio writes from the validated Keycloak JWT
  (``outputClaimToHeaders`` overwrites a client-sent header and strips it without a token).
- ``jwt``: verify ``Authorization: Bearer`` against the realm's JWKS (see hornet.jwt); if the
  identity header is present too, both must name the same user.
- ``dev``: development settings only; the header, or else the signed "act as" cookie.

CORS preflights (OPTIONS) never carry an identity: Istio exempts them from JWT checks, so a
header on one proves nothing.
"""

import re
import uuid
from dataclasses import dataclass
from typing import ClassVar

from django.conf import settings
from django.core import signing
from django.http import HttpRequest

from hornet.errors import DomainError, Unauthenticated

ACT_AS_COOKIE = "hornet_act_as"
_USERNAME_RE = re.compile(r"^[\w.@+\- ]{1,150}$")


class InvalidIdentity(Unauthenticated):
    """An identity was presented but is malformed, unverifiable or contradictory."""

    code = "invalid_identity"
    default_message = "The identity presented with the request is not valid."


@dataclass(frozen=True)
class Identity:
    """The authenticated caller: Keycloak ``sub`` and, when known, the username."""

    user_id: uuid.UUID
    username: str | None = None
    token: str | None = None  # the verified bearer token, forwarded on calls to other services

    is_authenticated: ClassVar[bool] = True  # lets DRF permissions treat it as a user
    is_anonymous: ClassVar[bool] = False

    @property
    def pk(self) -> str:
        return str(self.user_id)


def parse_user_id(raw: str, source: str) -> uuid.UUID:
    try:
        value = uuid.UUID(raw.strip())
    except (ValueError, AttributeError):
        raise InvalidIdentity(
            f"{source} must be a UUID (the Keycloak subject).", details={source: ["not a UUID"]}
        ) from None
    return value


def parse_username(raw: str | None, source: str) -> str | None:
    if raw is None or raw == "":
        return None
    if not _USERNAME_RE.fullmatch(raw):
        raise InvalidIdentity(
            f"{source} is not a valid username.",
            details={source: ["1-150 letters, digits, spaces or . @ + - _"]},
        )
    return raw


def _header(request: HttpRequest, name: str) -> str | None:
    return request.headers.get(name)


def _from_header(request: HttpRequest) -> Identity | None:
    raw = _header(request, settings.HORNET_IDENTITY_HEADER)
    if raw is None:
        return None
    user_id = parse_user_id(raw, settings.HORNET_IDENTITY_HEADER)
    username = parse_username(
        _header(request, settings.HORNET_USERNAME_HEADER), settings.HORNET_USERNAME_HEADER
    )
    return Identity(user_id=user_id, username=username)


def _from_bearer(request: HttpRequest) -> Identity | None:
    auth = _header(request, "Authorization")
    if not auth:
        return None
    scheme, _, token = auth.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidIdentity("Authorization must be 'Bearer <token>'.")
    from hornet.tokens import verify_token  # imported lazily: only jwt deployments need it

    claims = verify_token(token.strip())
    user_id = parse_user_id(str(claims.get("sub", "")), "token sub")
    username = parse_username(claims.get("preferred_username"), "token preferred_username")
    return Identity(user_id=user_id, username=username, token=token.strip())


def _from_cookie(request: HttpRequest) -> Identity | None:
    raw = request.COOKIES.get(ACT_AS_COOKIE)
    if not raw:
        return None
    try:
        value = signing.loads(raw, salt=ACT_AS_COOKIE)
    except signing.BadSignature:
        raise InvalidIdentity("The act-as cookie is not valid.") from None
    return Identity(
        user_id=parse_user_id(str(value.get("user_id", "")), "act-as cookie"),
        username=parse_username(value.get("username"), "act-as cookie"),
    )


def resolve_identity(request: HttpRequest) -> Identity | None:
    """Return the caller's identity, None when there is none, or raise ``InvalidIdentity``."""
    if request.method == "OPTIONS":
        return None
    mode = settings.HORNET_AUTH_MODE
    # Checked again here (not only at start-up) so no code path can reach dev mode in production.
    if mode not in settings.HORNET_ALLOWED_AUTH_MODES:
        raise InvalidIdentity("Identity mode is misconfigured.")
    if mode == "mesh":
        return _from_header(request)
    if mode == "jwt":
        from_token = _from_bearer(request)
        from_header = _from_header(request)
        if from_header is not None and (
            from_token is None or from_header.user_id != from_token.user_id
        ):
            raise InvalidIdentity(
                f"{settings.HORNET_IDENTITY_HEADER} does not match the bearer token."
            )
        return from_token
    if mode == "dev":
        return _from_header(request) or _from_cookie(request)
    raise InvalidIdentity("Identity mode is misconfigured.")


def attach_identity(request: HttpRequest) -> None:
    """Set ``request.identity`` (or ``request.identity_error``) once per request."""
    request.identity = None  # type: ignore[attr-defined]
    request.identity_error = None  # type: ignore[attr-defined]
    try:
        request.identity = resolve_identity(request)  # type: ignore[attr-defined]
    except DomainError as exc:
        request.identity_error = exc  # type: ignore[attr-defined]
