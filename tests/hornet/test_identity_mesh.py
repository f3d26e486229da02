"""Mesh mode: the identity header, as Istio writes it, becomes request.identity."""

import uuid

import pytest
from django.test import RequestFactory

from hornet.errors import InvalidIdentity
from hornet.identity import resolve_identity
from tests.helpers import headers_for


def test_header_becomes_identity(api, alice):
    response = api.get("/whoami", **headers_for(alice, "alice"))
    assert response.status_code == 200
    assert response.json() == {"user_id": str(alice), "username": "alice"}


def test_username_is_optional(api, alice):
    assert api.get("/whoami", **headers_for(alice)).json()["username"] is None


def test_missing_identity_is_401_json(api):
    response = api.get("/whoami")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert "X-User-ID" in response["WWW-Authenticate"]


@pytest.mark.parametrize("raw", ["", "nobody", "1234", "00000000-0000-0000-0000", "' OR 1=1"])
def test_malformed_identity_is_401_naming_the_header(api, raw):
    response = api.get("/whoami", HTTP_X_USER_ID=raw)
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "invalid_identity"
    assert "X-User-ID" in body["details"]


def test_malformed_username_is_refused(api, alice):
    response = api.get("/whoami", HTTP_X_USER_ID=str(alice), HTTP_X_USERNAME="a\x00b<script>")
    assert response.status_code == 401
    assert "X-Username" in response.json()["details"]


def test_header_name_is_configurable(api, alice, settings):
    settings.HORNET_IDENTITY_HEADER = "x-auth-request-user"
    assert api.get("/whoami", HTTP_X_USER_ID=str(alice)).status_code == 401
    response = api.get("/whoami", HTTP_X_AUTH_REQUEST_USER=str(alice))
    assert response.json()["user_id"] == str(alice)


def test_options_never_yields_identity():
    request = RequestFactory().options("/whoami", HTTP_X_USER_ID=str(uuid.uuid4()))
    assert resolve_identity(request) is None


def test_options_with_malformed_header_is_not_an_error():
    request = RequestFactory().options("/whoami", HTTP_X_USER_ID="garbage")
    assert resolve_identity(request) is None


def test_dev_mode_is_refused_at_request_time_where_not_allowed(settings):
    settings.HORNET_AUTH_MODE = "dev"
    settings.HORNET_ALLOWED_AUTH_MODES = ("mesh", "jwt")
    with pytest.raises(InvalidIdentity):
        resolve_identity(RequestFactory().get("/", HTTP_X_USER_ID=str(uuid.uuid4())))
