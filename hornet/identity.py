"""Who is calling: the one place that turns a request into an ``Identity``.

Modes (settings.HORNET_AUTH_MODE):
- ``mesh``: trust the identity header that Istio writes from the validated Keycloak JWT
  (``outputClaimToHeaders`` overwrites a client-sent header and strips it without a token).
  A bearer token, when Istio forwards one (``forwardOriginalToken``), is carried unverified
  for calls to the other service and never used for identity.
- ``jwt``: verify ``Authorization: Bearer`` against the realm's JWKS (see hornet.tokens); if
  the identity header is present too, both must name the same user.
- ``dev``: development settings only; the header, or else the signed "act as" cookie
  (see hornet.devtools).

CORS preflights (OPTIONS) never carry an identity: Istio exempts them from JWT checks, so a
header on one proves nothing.
"""

import re
import uuid
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from django.conf import settings
from django.core import signing
from django.http import HttpRequest

from hornet.errors import DomainError, InvalidIdentity
from hornet.headers import utf8_header
from hornet.numbers import ascii_uuid
from hornet.tokens import verify_token

ACT_AS_COOKIE = "hornet_act_as"
ACT_AS_MAX_AGE = 7 * 24 * 3600  # seconds; the signed value carries its own timestamp
USERNAME_MAX = 255  # Keycloak's own limit (its default user profile: 3-255)
# What Keycloak's username-prohibited-characters validator refuses (<>&"'$%!#?§,;:*~/\|^=[]{}()`,
# whitespace other than a plain space, ASCII controls), plus every other control, surrogate and
# line/paragraph separator. Anything else Keycloak accepts (José, Zoë, Łukasz, 李) is a username.
_USERNAME_RE = re.compile(
    r"^[^<>&\"'$%!#?§,;:*~/\\|^=\[\]{}()`\x00-\x1f\x7f-\x9f\t\n\v\f\r"
    r"\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ud800-\udfff]{1,"
    + str(USERNAME_MAX)
    + "}$"
)


IdentitySource = Literal["header", "token", "cookie"]


@dataclass(frozen=True)
class Identity:
    """The authenticated caller: Keycloak ``sub`` and, when known, the username.

    ``token`` is the caller's bearer token, kept only to be forwarded on calls to the other
    service: verified in ``jwt`` mode, as Istio passed it (already validated there) in ``mesh``
    mode. It never decides who the caller is there, and it is left out of ``repr`` so it
    cannot leak into logs. ``source`` says where the identity came from (a cookie identity
    needs CSRF protection on writes).
    """

    user_id: uuid.UUID
    username: str | None = None
    token: str | None = field(default=None, repr=False, compare=False)
    source: IdentitySource = field(default="header", compare=False)

    is_authenticated: ClassVar[bool] = True  # lets DRF permissions treat it as a user
    is_anonymous: ClassVar[bool] = False

    @property
    def pk(self) -> str:
        return str(self.user_id)


def parse_user_id(raw: str, source: str) -> uuid.UUID:
    try:
        value = ascii_uuid(raw.strip())
    except (ValueError, AttributeError):
        raise InvalidIdentity(
            f"{source} must be a UUID (the Keycloak subject).", details={source: ["not a UUID"]}
        ) from None
    return value


def parse_username(raw: str | None, source: str) -> str | None:
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str) or not _USERNAME_RE.fullmatch(raw):
        raise InvalidIdentity(
            f"{source} is not a valid username.",
            details={source: [f"1-{USERNAME_MAX} characters, as Keycloak allows in a username"]},
        )
    return raw


def _header(request: HttpRequest, name: str) -> str | None:
    return request.headers.get(name)


def _bearer_token(request: HttpRequest) -> str | None:
    """The token of ``Authorization: Bearer <token>``; None without one, or for another scheme."""
    scheme, _, token = (_header(request, "Authorization") or "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def _from_header(request: HttpRequest) -> Identity | None:
    raw = _header(request, settings.HORNET_IDENTITY_HEADER)
    if raw is None:
        return None
    user_id = parse_user_id(raw, settings.HORNET_IDENTITY_HEADER)
    name = settings.HORNET_USERNAME_HEADER
    try:
        # Envoy writes the claim's UTF-8 bytes; WSGI decoded them as latin-1 (hornet.headers).
        text = utf8_header(_header(request, name))
    except UnicodeError:
        raise InvalidIdentity(
            f"{name} is not valid UTF-8.", details={name: ["not UTF-8"]}
        ) from None
    username = parse_username(text, name)
    # Carried for forwarding only (see Identity); the header alone says who the caller is.
    return Identity(user_id=user_id, username=username, token=_bearer_token(request))


def _from_bearer(request: HttpRequest) -> Identity | None:
    if not _header(request, "Authorization"):
        return None
    token = _bearer_token(request)
    if token is None:
        raise InvalidIdentity("Authorization must be 'Bearer <token>'.")
    claims = verify_token(token)
    user_id = parse_user_id(str(claims.get("sub", "")), "token sub")
    username = parse_username(claims.get("preferred_username"), "token preferred_username")
    return Identity(user_id=user_id, username=username, token=token, source="token")


def act_as_cookie_value(user_id: uuid.UUID, username: str | None) -> str:
    """The signed value of the dev "act as" cookie (read back by ``_from_cookie``)."""
    return signing.dumps({"user_id": str(user_id), "username": username}, salt=ACT_AS_COOKIE)


def _from_cookie(request: HttpRequest) -> Identity | None:
    raw = request.COOKIES.get(ACT_AS_COOKIE)
    if not raw:
        return None
    try:
        value = signing.loads(raw, salt=ACT_AS_COOKIE, max_age=ACT_AS_MAX_AGE)
    except signing.BadSignature:  # also SignatureExpired
        raise InvalidIdentity("The act-as cookie is not valid.") from None
    if not isinstance(value, dict):
        raise InvalidIdentity("The act-as cookie is not valid.")
    return Identity(
        user_id=parse_user_id(str(value.get("user_id", "")), "act-as cookie"),
        username=parse_username(value.get("username"), "act-as cookie"),
        source="cookie",
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
