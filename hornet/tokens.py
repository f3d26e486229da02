"""Keycloak access-token verification for ``jwt`` mode (PyJWT with a cached JWKS client).

The JWKS client caches the realm's key set for HORNET_JWT_JWKS_CACHE_SECONDS and refetches it
early when a token names an unknown ``kid``, which is how Keycloak key rotation shows up; such
forced refetches are at most one per HORNET_JWT_JWKS_COOLDOWN_SECONDS, so tokens with made-up
``kid`` values cannot turn every request into a call to Keycloak. Keys are not cached one by
one beyond the key set, so a key that Keycloak withdraws stops verifying at the next fetch.

Only asymmetric algorithms are accepted, so ``alg: none`` and HMAC-with-the-public-key tricks
fail before any key is looked up, and a token must use its key's own algorithm. Issuer
(exact), audience, expiry, issued-at and subject are required; a Keycloak token of another
type (ID, refresh, logout) is refused by its ``typ``.
"""

import functools
from typing import Any

import jwt
from django.conf import settings

from hornet.errors import ErrorCode, InvalidIdentity, ServiceUnavailable

ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]


@functools.lru_cache(maxsize=4)
def _jwks_client(url: str, lifespan: float, cooldown: float) -> jwt.PyJWKClient:
    # Built on first use in each worker process, never at import.
    return jwt.PyJWKClient(
        url, cache_keys=False, lifespan=lifespan, cooldown_duration=cooldown, timeout=3
    )


def jwks_client() -> jwt.PyJWKClient:
    """The process's JWKS client for the configured realm."""
    return _jwks_client(
        settings.HORNET_JWT_JWKS_URL,
        float(settings.HORNET_JWT_JWKS_CACHE_SECONDS),
        float(settings.HORNET_JWT_JWKS_COOLDOWN_SECONDS),
    )


def _unavailable() -> ServiceUnavailable:
    return ServiceUnavailable(
        "The identity provider's keys cannot be fetched.",
        code=ErrorCode.IDENTITY_PROVIDER_UNAVAILABLE,
    )


def verify_token(token: str) -> dict[str, Any]:
    """Return the claims of a valid token; raise InvalidIdentity for any invalid one."""
    try:
        header = jwt.get_unverified_header(token)
        if header.get("alg") not in ALGORITHMS:
            raise InvalidIdentity("Token algorithm is not accepted.")
        key = jwks_client().get_signing_key_from_jwt(token)
        if key.algorithm_name not in ALGORITHMS:
            raise InvalidIdentity("Token key algorithm is not accepted.")
        claims: dict[str, Any] = jwt.decode(
            token,
            key.key,
            # Only the key's own algorithm: a header naming another one (say ES256 with an RSA
            # key) is refused as such, never tried against a key of another kind.
            algorithms=[key.algorithm_name],
            audience=settings.HORNET_JWT_AUDIENCE,
            issuer=settings.HORNET_JWT_ISSUER,
            leeway=settings.HORNET_JWT_LEEWAY,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except jwt.PyJWKClientConnectionError:
        raise _unavailable() from None
    except jwt.PyJWKSetError:  # the endpoint answered, but with no usable keys
        raise _unavailable() from None
    except jwt.PyJWTError as exc:  # every invalid token, unknown key or key/alg mismatch
        raise InvalidIdentity(f"Token rejected: {type(exc).__name__}.") from None
    if str(claims.get("typ", "Bearer")).lower() != "bearer":
        raise InvalidIdentity("Token rejected: not an access token.")
    return claims
