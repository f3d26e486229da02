"""Fixtures for identity tests: the /whoami urlconf, a local key server, the real Keycloak."""

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from tests.helpers import ROOT
from tests.identity.keyserver import KeyServer, running_key_server
from tests.support.env import state_dir

KEYCLOAK_SCRIPT = ROOT / "scripts" / "keycloak.sh"


@pytest.fixture(autouse=True)
def identity_urls(settings):  # type: ignore[no-untyped-def]
    settings.ROOT_URLCONF = "tests.identity.urls"
    settings.HORNET_AUTH_MODE = "mesh"


@pytest.fixture
def key_server(settings) -> Iterator[KeyServer]:  # type: ignore[no-untyped-def]
    """jwt mode against a loopback JWKS server whose keys the test controls."""
    with running_key_server() as server:
        settings.HORNET_AUTH_MODE = "jwt"
        settings.HORNET_JWT_ISSUER = server.issuer
        settings.HORNET_JWT_JWKS_URL = server.jwks_url
        settings.HORNET_JWT_AUDIENCE = "hornet"
        yield server


@dataclass(frozen=True)
class Keycloak:
    base_url: str
    realm: str = "hornet"

    @property
    def issuer(self) -> str:
        return f"{self.base_url}/realms/{self.realm}"

    @property
    def jwks_url(self) -> str:
        return f"{self.issuer}/protocol/openid-connect/certs"

    def token_response(
        self, username: str, *, client_id: str = "hornet-app", scope: str | None = None
    ) -> dict[str, str]:
        """Password grant (direct access grants are on for the realm's test clients)."""
        data = {
            "grant_type": "password",
            "client_id": client_id,
            "username": username,
            "password": f"{username}-password",
        }
        if scope:
            data["scope"] = scope
        response = httpx.post(f"{self.issuer}/protocol/openid-connect/token", data=data, timeout=30)
        assert response.status_code == 200, response.text
        return response.json()

    def token(self, username: str, *, client_id: str = "hornet-app") -> str:
        return self.token_response(username, client_id=client_id)["access_token"]

    def admin_token(self) -> str:
        response = httpx.post(
            f"{self.base_url}/realms/master/protocol/openid-connect/token",
            data={
                "grant_type": "password",
                "client_id": "admin-cli",
                "username": os.environ.get("KC_BOOTSTRAP_ADMIN_USERNAME", "admin"),
                "password": os.environ.get("KC_BOOTSTRAP_ADMIN_PASSWORD", "hornet-dev-admin"),
            },
            timeout=30,
        )
        assert response.status_code == 200, response.text
        return response.json()["access_token"]


@pytest.fixture(scope="session")
def keycloak_server() -> Iterator[Keycloak]:
    """The real Keycloak of the test stack (scripts/keycloak.sh), started once per session."""
    if os.environ.get("HORNET_KEYCLOAK") != "1":
        pytest.skip(
            "needs the real Keycloak: set HORNET_KEYCLOAK=1 to start it with scripts/keycloak.sh "
            "(test stack, port 8280; the first start fetches and builds it, about 2 minutes)"
        )
    port = os.environ.get("HORNET_TEST_KEYCLOAK_PORT", "8280")
    env = {**os.environ, "HORNET_STATE_DIR": state_dir(), "KEYCLOAK_PORT": port}

    def script(action: str, timeout: float) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(KEYCLOAK_SCRIPT), action],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    was_running = script("status", 30).returncode == 0
    started = script("start", 600)
    if started.returncode != 0:
        pytest.fail(f"scripts/keycloak.sh start failed:\n{started.stdout}\n{started.stderr}")
    try:
        yield Keycloak(base_url=f"http://127.0.0.1:{port}")
    finally:
        if not was_running:  # leave a Keycloak someone else started running
            script("stop", 120)


@pytest.fixture
def keycloak(keycloak_server: Keycloak, settings) -> Keycloak:  # type: ignore[no-untyped-def]
    """jwt mode against the real Keycloak realm."""
    settings.HORNET_AUTH_MODE = "jwt"
    settings.HORNET_JWT_ISSUER = keycloak_server.issuer
    settings.HORNET_JWT_JWKS_URL = keycloak_server.jwks_url
    settings.HORNET_JWT_AUDIENCE = "hornet"
    return keycloak_server
