"""Mesh mode beyond tests/hornet: the header decides; a bearer token is only carried along."""

import uuid

import pytest
from django.test import RequestFactory

from hornet.errors import InvalidIdentity
from hornet.identity import (
    ACT_AS_COOKIE,
    Identity,
    act_as_cookie_value,
    resolve_identity,
)
from tests.identity.keyserver import ALICE, BOB, forge

rf = RequestFactory()
# A token that names bob; in mesh mode it is never read for identity (Istio validated it).
BOB_TOKEN = forge({"alg": "RS256", "kid": "k"}, {"sub": str(BOB)}, "sig")


def test_bearer_token_is_carried_but_the_header_decides():
    request = rf.get("/", HTTP_X_USER_ID=str(ALICE), HTTP_AUTHORIZATION=f"Bearer {BOB_TOKEN}")
    identity = resolve_identity(request)
    assert identity is not None
    assert identity.user_id == ALICE
    assert identity.token == BOB_TOKEN
    assert identity.source == "header"


def test_token_without_the_header_is_no_identity(api):
    response = api.get("/whoami", HTTP_AUTHORIZATION=f"Bearer {BOB_TOKEN}")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("authorization", ["Basic YWxpY2U6cHc=", "Bearer", "Bearer   ", ""])
def test_non_bearer_authorization_is_not_carried(authorization):
    request = rf.get("/", HTTP_X_USER_ID=str(ALICE), HTTP_AUTHORIZATION=authorization)
    identity = resolve_identity(request)
    assert identity is not None
    assert identity.token is None


def test_token_never_appears_in_repr_or_equality():
    with_token = Identity(user_id=ALICE, username="alice", token="secret.jwt.value")
    assert "secret" not in repr(with_token)
    assert with_token == Identity(user_id=ALICE, username="alice")


@pytest.mark.parametrize(
    "raw",
    [
        "A11CE000-0000-4000-8000-000000000001",
        "{a11ce000-0000-4000-8000-000000000001}",
        " a11ce000-0000-4000-8000-000000000001 ",
    ],
)
def test_header_uuid_spellings_normalise_to_one_user(api, raw):
    assert api.get("/whoami", HTTP_X_USER_ID=raw).json()["user_id"] == str(ALICE)


@pytest.mark.parametrize(
    "raw",
    [
        f"{ALICE},{BOB}",  # two headers, joined by the server
        f"{ALICE} {BOB}",
        "a11ce000-0000-4000-8000-00000000000",  # one digit short
        "a11ce000-0000-4000-8000-0000000000011",
        "\x00" + str(ALICE),
    ],
)
def test_ambiguous_or_malformed_header_is_401(api, raw):
    response = api.get("/whoami", HTTP_X_USER_ID=raw)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_identity"
    assert response["WWW-Authenticate"] == 'Header name="X-User-ID"'


def test_username_header_alone_is_no_identity(api):
    assert api.get("/whoami", HTTP_X_USERNAME="alice").status_code == 401


def test_signed_act_as_cookie_is_ignored_in_mesh_mode(api):
    # Even a correctly signed cookie (from a development setup) gives no identity here.
    api.cookies[ACT_AS_COOKIE] = act_as_cookie_value(ALICE, "alice")
    response = api.get("/whoami")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert api.get("/whoami", HTTP_X_USER_ID=str(BOB)).json()["user_id"] == str(BOB)


def test_signed_act_as_cookie_is_ignored_in_jwt_mode(api, settings):
    settings.HORNET_AUTH_MODE = "jwt"
    settings.HORNET_JWT_ISSUER = "http://127.0.0.1:1/realms/hornet"
    settings.HORNET_JWT_JWKS_URL = "http://127.0.0.1:1/certs"
    api.cookies[ACT_AS_COOKIE] = act_as_cookie_value(ALICE, "alice")
    assert api.get("/whoami").status_code == 401


@pytest.mark.parametrize("mode", ["mesh", "jwt", "dev"])
def test_options_never_yields_identity_in_any_mode(settings, mode):
    settings.HORNET_AUTH_MODE = mode
    settings.HORNET_ALLOWED_AUTH_MODES = ("mesh", "jwt", "dev")
    request = rf.options(
        "/whoami",
        HTTP_X_USER_ID=str(ALICE),
        HTTP_AUTHORIZATION=f"Bearer {BOB_TOKEN}",
    )
    request.COOKIES[ACT_AS_COOKIE] = act_as_cookie_value(ALICE, "alice")
    assert resolve_identity(request) is None


def test_options_request_never_reads_the_header(api):
    # CORS preflights are exempt from Istio's JWT checks, so a header on one proves nothing:
    # even a well-formed one is not read (the route still needs an identity, hence 401).
    for raw in ("garbage", str(ALICE)):
        response = api.options("/whoami", HTTP_X_USER_ID=raw)
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("mode", ["", "none", "anonymous", "DEV"])
def test_unknown_mode_is_refused(settings, mode):
    settings.HORNET_AUTH_MODE = mode
    settings.HORNET_ALLOWED_AUTH_MODES = (mode,)
    with pytest.raises(InvalidIdentity):
        resolve_identity(rf.get("/", HTTP_X_USER_ID=str(uuid.uuid4())))


def test_gunicorn_drops_underscore_lookalikes_of_the_identity_header():
    # "X_User_ID" would reach Django as HTTP_X_USER_ID, past Istio's overwrite of "x-user-id".
    from gunicorn.config import Config

    import hornet.gunicorn_conf as conf

    assert getattr(conf, "header_map", Config().header_map) in ("drop", "refuse")
