"""Issue 13 item 2: every username Keycloak accepts is accepted, in mesh and jwt modes.

Envoy's outputClaimToHeaders copies the claim's UTF-8 bytes into X-Username, and WSGI decodes
header bytes as latin-1; ``wsgi`` below builds exactly what gunicorn hands Django.
"""

import pytest
from django.test import RequestFactory

from hornet.errors import InvalidIdentity
from hornet.identity import resolve_identity
from tests.identity.keyserver import ALICE

rf = RequestFactory()
NAMES = ["José", "Zoë", "Łukasz", "李", "JÜRGEN", "probe-josé", "Ωmega_2", "a" * 156, "b" * 255]


def wsgi(text: str) -> str:
    """A header value as WSGI presents the UTF-8 bytes Envoy wrote."""
    return text.encode("utf-8").decode("latin-1")


@pytest.mark.parametrize("name", NAMES)
def test_mesh_username_is_read_as_utf8(name):
    identity = resolve_identity(rf.get("/", HTTP_X_USER_ID=str(ALICE), HTTP_X_USERNAME=wsgi(name)))
    assert identity is not None
    assert identity.username == name


@pytest.mark.parametrize("raw", ["\xff", "Jos\xe9", "\xc3"])  # bytes that are not UTF-8
def test_mesh_username_that_is_not_utf8_is_refused(raw):
    with pytest.raises(InvalidIdentity):
        resolve_identity(rf.get("/", HTTP_X_USER_ID=str(ALICE), HTTP_X_USERNAME=raw))


@pytest.mark.parametrize("name", ["c" * 256, "a<b", "x'}) DETACH DELETE n //", "a\nb", "a,b"])
def test_what_keycloak_refuses_is_refused(name):
    with pytest.raises(InvalidIdentity):
        resolve_identity(rf.get("/", HTTP_X_USER_ID=str(ALICE), HTTP_X_USERNAME=wsgi(name)))


@pytest.mark.parametrize("name", NAMES)
def test_jwt_username_of_any_length_keycloak_allows(api, key_server, name):
    token = key_server.token(preferred_username=name)
    response = api.get("/whoami", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content
    assert response.json()["username"] == name
