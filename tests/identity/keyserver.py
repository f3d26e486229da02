"""A tiny identity provider stand-in on loopback: a JWKS endpoint and a token minter.

It signs with RSA keys made in the test, so tests can produce tokens Keycloak never would
(expired, wrong issuer, rotated keys) and count how often the services fetch the key set.
"""

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ALICE = uuid.UUID("a11ce000-0000-4000-8000-000000000001")
BOB = uuid.UUID("b0b00000-0000-4000-8000-000000000002")
_KEY_POOL: dict[str, rsa.RSAPrivateKey] = {}


class KeyServer:
    """Serves ``/certs`` (the published keys) and signs tokens with any key it holds."""

    def __init__(self) -> None:
        self.private: dict[str, rsa.RSAPrivateKey] = {}
        self.published: list[str] = []
        self.fetches = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.port = self._server.server_address[1]
        self.issuer = f"http://127.0.0.1:{self.port}/realms/hornet"
        self.jwks_url = f"{self.issuer}/protocol/openid-connect/certs"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if not self.path.endswith("/certs"):
                    self.send_error(404)
                    return
                server.fetches += 1
                body = json.dumps({"keys": [server.jwk(kid) for kid in server.published]})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler

    def add_key(self, kid: str, *, publish: bool = True) -> str:
        if kid not in _KEY_POOL:  # RSA generation is slow; a kid names the same key all session
            _KEY_POOL[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.private[kid] = _KEY_POOL[kid]
        if publish:
            self.published.append(kid)
        return kid

    def jwk(self, kid: str) -> dict[str, Any]:
        data = RSAAlgorithm.to_jwk(self.private[kid].public_key(), as_dict=True)
        return {**data, "kid": kid, "use": "sig", "alg": "RS256"}

    def claims(self, **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": "hornet",
            "sub": str(ALICE),
            "preferred_username": "alice",
            "typ": "Bearer",
            "iat": now,
            "exp": now + 300,
        }
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}  # None removes a claim

    def token(self, kid: str | None = None, *, alg: str = "RS256", **overrides: Any) -> str:
        kid = kid or self.published[0]
        return jwt.encode(
            self.claims(**overrides), self.private[kid], algorithm=alg, headers={"kid": kid}
        )

    def start(self) -> None:
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def running_key_server() -> Iterator[KeyServer]:
    server = KeyServer()
    server.add_key("key-1")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def token_parts(token: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    header, payload, signature = token.split(".")
    return json.loads(unb64url(header)), json.loads(unb64url(payload)), signature


def forge(header: dict[str, Any], payload: dict[str, Any], signature: str = "") -> str:
    """A token with the given parts and a made-up (or empty) signature."""
    return ".".join(
        [b64url(json.dumps(header).encode()), b64url(json.dumps(payload).encode()), signature]
    )


def hs256_with(secret: bytes, payload: dict[str, Any], kid: str | None) -> str:
    """The classic key-confusion forgery: HMAC-SHA256 keyed with the issuer's *public* key."""
    header = {"alg": "HS256", "typ": "JWT", **({"kid": kid} if kid else {})}
    signing_input = ".".join(
        [b64url(json.dumps(header).encode()), b64url(json.dumps(payload).encode())]
    )
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(mac)}"
