"""Keycloak access-token verification for ``jwt`` mode (PyJWT with a cached JWKS client).

The JWKS client caches the realm's keys and refetches when a token names an unknown ``kid``,
which is how Keycloak key rotation shows up. Only asymmetric algorithms are accepted, so
``alg: none`` and HMAC-with-the-public-key tricks fail before any key is looked up.
"""

import functools
from typing import Any

import jwt
from django.conf import settings

from hornet.errors import ServiceUnavailable
from hornet.identity import InvalidIdentity

ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"]


@functools.lru_cache(maxsize=4)
def _jwks_client(url: str) -> jwt.PyJWKClient:
    # Built on first use in each worker process, never at import.
    return jwt.PyJWKClient(url, cache_keys=True, lifespan=300, timeout=3)


def verify_token(token: str) -> dict[str, Any]:
    """Return the claims of a valid token; raise InvalidIdentity for any invalid one."""
    try:
        header = jwt.get_unverified_header(token)
        if header.get("alg") not in ALGORITHMS:
            raise InvalidIdentity("Token algorithm is not accepted.")
        key = _jwks_client(settings.HORNET_JWT_JWKS_URL).get_signing_key_from_jwt(token)
        claims: dict[str, Any] = jwt.decode(
            token,
            key.key,
            algorithms=ALGORITHMS,
            audience=settings.HORNET_JWT_AUDIENCE,
            issuer=settings.HORNET_JWT_ISSUER,
            leeway=settings.HORNET_JWT_LEEWAY,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except jwt.PyJWKClientConnectionError:
        raise ServiceUnavailable(
            "The identity provider's keys cannot be fetched.", code="identity_provider_unavailable"
        ) from None
    except (jwt.InvalidTokenError, jwt.PyJWKClientError) as exc:
        raise InvalidIdentity(f"Token rejected: {type(exc).__name__}.") from None
    return claims
