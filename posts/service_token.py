"""The fan-out worker's own identity for its calls to the followers service.

The worker lists an author's followers on nobody's behalf: there is no caller whose token it
could forward. In production it gets a token of its own from Keycloak (OAuth2 client
credentials, client ``FANOUT_CLIENT_ID``, a confidential client with a service account and the
``hornet`` audience), so its calls carry a validated request principal like every other call in
the mesh, and the followers policy admits them only from the worker's service account
(docs/feed.md). Without a client configured (the loopback dev and test stacks, where the
identity header is trusted) it calls as the author.
"""

import threading
import time
import uuid
from dataclasses import dataclass

import httpx
import jwt
from django.conf import settings

from hornet.errors import ErrorCode
from hornet.identity import Identity
from posts.clients import FollowersUnavailable

_RENEW_BEFORE = 30.0  # seconds before expiry a token is replaced


@dataclass(frozen=True)
class _Token:
    identity: Identity
    renew_at: float  # time.monotonic()


_lock = threading.Lock()
_current: list[_Token] = []


def token_url() -> str:
    return settings.FANOUT_TOKEN_URL or (
        settings.HORNET_JWT_ISSUER.rstrip("/") + "/protocol/openid-connect/token"
    )


def _fetch() -> _Token:
    try:
        response = httpx.post(
            token_url(),
            data={
                "grant_type": "client_credentials",
                "client_id": settings.FANOUT_CLIENT_ID,
                "client_secret": settings.FANOUT_CLIENT_SECRET,
            },
            timeout=5.0,
        )
        response.raise_for_status()
        body = response.json()
        value = body["access_token"]
        # Our own token, just received from the issuer over its URL: read, not verified here
        # (the followers service, or its sidecar, verifies it on every call).
        claims = jwt.decode(value, options={"verify_signature": False})
        identity = Identity(
            user_id=uuid.UUID(claims["sub"]),
            username=claims.get("preferred_username"),
            token=value,
        )
        lifetime = float(body.get("expires_in", 60))
    except (httpx.HTTPError, KeyError, ValueError, jwt.PyJWTError) as exc:
        raise FollowersUnavailable(
            f"No service token from {token_url()}: {type(exc).__name__}.",
            code=ErrorCode.TOKEN_UNAVAILABLE,
        ) from exc
    return _Token(identity, time.monotonic() + max(lifetime - _RENEW_BEFORE, 1.0))


def worker_identity(author: uuid.UUID) -> Identity:
    """Who the worker's call to list ``author``'s followers is made as."""
    if not settings.FANOUT_CLIENT_ID:
        return Identity(user_id=author)
    with _lock:
        if not _current or time.monotonic() >= _current[0].renew_at:
            _current[:] = [_fetch()]
        return _current[0].identity
