"""Dev mode: the act-as page and cookie, CSRF on cookie writes, and no way into production."""

import os
import re
import subprocess
import sys
import time
import uuid

import pytest
from django.core import signing
from django.test import Client
from rest_framework.test import APIClient

from hornet.devtools import DEMO_USERS, dev_urlpatterns
from hornet.identity import ACT_AS_COOKIE, ACT_AS_MAX_AGE, act_as_cookie_value
from tests.helpers import ROOT
from tests.identity.keyserver import ALICE, BOB

PAGE = "/dev/act-as"


@pytest.fixture
def dev(settings):  # type: ignore[no-untyped-def]
    settings.HORNET_AUTH_MODE = "dev"
    settings.HORNET_ALLOWED_AUTH_MODES = ("mesh", "jwt", "dev")


@pytest.fixture
def browser(dev) -> Client:  # type: ignore[no-untyped-def]
    """A client that, like a browser, gets no CSRF exemption."""
    return Client(enforce_csrf_checks=True)


def form_token(response) -> str:  # type: ignore[no-untyped-def]
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
    assert match, "the form carries no CSRF token"
    return match.group(1)


def act_as(browser: Client, **fields: str):  # type: ignore[no-untyped-def]
    token = form_token(browser.get(PAGE))
    return browser.post(PAGE, {"csrfmiddlewaretoken": token, **fields})


# --- the routes exist only in dev mode -----------------------------------------------------


@pytest.mark.parametrize("mode", ["mesh", "jwt"])
def test_no_dev_routes_outside_dev_mode(settings, mode):
    settings.HORNET_AUTH_MODE = mode
    settings.HORNET_ALLOWED_AUTH_MODES = ("mesh", "jwt", "dev")
    assert dev_urlpatterns() == []


def test_no_dev_routes_where_the_settings_module_does_not_allow_dev(settings):
    settings.HORNET_AUTH_MODE = "dev"
    settings.HORNET_ALLOWED_AUTH_MODES = ("mesh", "jwt")
    assert dev_urlpatterns() == []


def test_dev_routes_in_dev_mode(dev):
    assert [p.name for p in dev_urlpatterns()] == ["dev-home", "dev-act-as", None]


def test_home_page_is_404_outside_dev_mode_even_when_routed(api):
    assert api.get("/").status_code == 404


def test_home_page_names_the_service_and_links_the_entry_points(browser):
    html = browser.get("/").content.decode()
    assert "HorNet · posts service" in html  # these tests run under the posts settings
    for target in ("/feed", "/posts", "/posts/docs", "/posts/schema", "/healthz", PAGE):
        assert f'href="{target}' in html, target
    assert "Not acting as anyone" in html
    act_as(browser, user_id=str(DEMO_USERS[0].user_id), username="alice")
    html = browser.get("/").content.decode()
    assert "Acting as <strong>alice</strong>" in html
    assert f'href="/posts/author/{DEMO_USERS[0].user_id}"' in html


@pytest.mark.parametrize("method", ["get", "post"])
def test_page_is_404_outside_dev_mode_even_when_routed(api, method):
    response = getattr(api, method)(PAGE)
    assert response.status_code == 404


# --- the page -------------------------------------------------------------------------------


def test_page_lists_the_demo_users_with_their_ids(browser):
    response = browser.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    for user in DEMO_USERS:
        assert user.username in html
        assert str(user.user_id) in html
    assert "Not acting as anyone" in html
    assert response["X-Frame-Options"] == "DENY"
    assert "no-cache" in response["Cache-Control"]
    assert "csrftoken" in response.cookies


def test_post_without_csrf_token_is_refused(browser):
    browser.get(PAGE)
    response = browser.post(PAGE, {"user_id": str(ALICE), "username": "alice"})
    assert response.status_code == 403
    assert ACT_AS_COOKIE not in response.cookies


def test_acting_as_a_demo_user_sets_a_signed_cookie_and_redirects(browser):
    response = act_as(browser, user_id=str(ALICE), username="alice")
    assert response.status_code == 302
    assert response["Location"] == PAGE
    cookie = response.cookies[ACT_AS_COOKIE]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Strict"
    assert int(cookie["max-age"]) == ACT_AS_MAX_AGE
    assert signing.loads(cookie.value, salt=ACT_AS_COOKIE) == {
        "user_id": str(ALICE),
        "username": "alice",
    }
    assert browser.get("/whoami").json() == {"user_id": str(ALICE), "username": "alice"}
    assert "Acting as <strong>alice</strong>" in browser.get(PAGE).content.decode()


def test_acting_as_a_typed_in_user(browser):
    someone = uuid.uuid4()
    act_as(browser, user_id=str(someone), username="dora")
    assert browser.get("/whoami").json() == {"user_id": str(someone), "username": "dora"}


def test_username_is_optional(browser):
    act_as(browser, user_id=str(BOB))
    assert browser.get("/whoami").json() == {"user_id": str(BOB), "username": None}


@pytest.mark.parametrize(
    ("user_id", "username"), [("nobody", "x"), ("", "alice"), (str(ALICE), "<script>")]
)
def test_invalid_choice_is_400_and_sets_nothing(browser, user_id, username):
    response = act_as(browser, user_id=user_id, username=username)
    assert response.status_code == 400
    assert ACT_AS_COOKIE not in response.cookies
    assert 'role="alert"' in response.content.decode()
    assert "<script>" not in response.content.decode()


def test_empty_post_clears_the_cookie(browser):
    act_as(browser, user_id=str(ALICE), username="alice")
    response = act_as(browser)
    assert response.status_code == 302
    assert response.cookies[ACT_AS_COOKIE].value == ""
    assert response.cookies[ACT_AS_COOKIE]["max-age"] == 0
    assert browser.get("/whoami").status_code == 401


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/whoami", "/whoami"),
        ("https://attacker.example/", PAGE),
        ("//attacker.example/", PAGE),
        ("/\\attacker.example", PAGE),
        ("javascript:alert(1)", PAGE),
    ],
)
def test_redirect_goes_only_to_a_local_path(browser, next_url, expected):
    response = act_as(browser, user_id=str(ALICE), next=next_url)
    assert response["Location"] == expected


# --- the cookie as an identity ----------------------------------------------------------------


def test_tampered_cookie_is_401(dev, api):
    value = act_as_cookie_value(ALICE, "alice")
    api.cookies[ACT_AS_COOKIE] = value.replace(str(ALICE)[:4], str(BOB)[:4]) + "x"
    response = api.get("/whoami")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_identity"


def test_cookie_signed_for_another_purpose_is_401(dev, api):
    api.cookies[ACT_AS_COOKIE] = signing.dumps({"user_id": str(ALICE)}, salt="another")
    assert api.get("/whoami").status_code == 401


def test_expired_cookie_is_401(dev, api, monkeypatch):
    issued = time.time() - ACT_AS_MAX_AGE - 60
    monkeypatch.setattr(signing.time, "time", lambda: issued)
    value = act_as_cookie_value(ALICE, "alice")
    monkeypatch.undo()
    api.cookies[ACT_AS_COOKIE] = value
    assert api.get("/whoami").status_code == 401


def test_header_takes_precedence_over_the_cookie(dev, api):
    api.cookies[ACT_AS_COOKIE] = act_as_cookie_value(ALICE, "alice")
    assert api.get("/whoami", HTTP_X_USER_ID=str(BOB)).json()["user_id"] == str(BOB)


def test_write_with_the_cookie_needs_a_csrf_token(dev):
    client = APIClient(enforce_csrf_checks=True)
    client.cookies[ACT_AS_COOKIE] = act_as_cookie_value(ALICE, "alice")
    response = client.post("/whoami", {"content": "hi"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    # What the browsable API does: the csrftoken cookie echoed in X-CSRFToken.
    client.get(PAGE)
    token = client.cookies["csrftoken"].value
    response = client.post("/whoami", {"content": "hi"}, format="json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201


def test_browsable_api_form_token_works_with_the_cookie(dev):
    client = APIClient(enforce_csrf_checks=True)
    client.get(PAGE)  # sets csrftoken, as a visit to the act-as page does
    client.cookies[ACT_AS_COOKIE] = act_as_cookie_value(ALICE, "alice")
    page = client.get("/whoami", HTTP_ACCEPT="text/html")
    assert page.status_code == 200
    # The browsable API's forms post by script with this token in X-CSRFToken.
    match = re.search(r'"csrfToken": "([^"]+)"', page.content.decode())
    assert match, "the browsable API page carries no CSRF token"
    token = match.group(1)
    response = client.post("/whoami", {"content": "hi"}, format="json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201


def test_write_with_the_header_needs_no_csrf_token(dev):
    # A browser cannot send a custom header cross-site without a CORS preflight.
    client = APIClient(enforce_csrf_checks=True)
    response = client.post("/whoami", {"content": "hi"}, format="json", HTTP_X_USER_ID=str(ALICE))
    assert response.status_code == 201


# --- production settings refuse dev mode ---------------------------------------------------


def manage_check(settings_module: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "HORNET_", "JWT_", "IDENTITY_", "USERNAME_HEADER"))
    }
    clean.update({"DJANGO_SETTINGS_MODULE": settings_module, "DJANGO_SECRET_KEY": "x", **env})
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("module", ["settings.posts", "settings.followers"])
def test_dev_mode_is_impossible_with_production_settings(module):
    result = manage_check(module, HORNET_AUTH_MODE="dev")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"HORNET_AUTH_MODE='dev' is not allowed by {module}" in result.stderr


@pytest.mark.parametrize("module", ["settings.posts", "settings.followers"])
def test_production_settings_start_in_mesh_mode(module):
    # The control for the test above: the same command passes with the production mode.
    result = manage_check(module, HORNET_AUTH_MODE="mesh")
    assert result.returncode == 0, result.stderr


def test_production_settings_default_to_mesh_mode():
    result = manage_check("settings.posts")
    assert result.returncode == 0, result.stderr


def test_jwt_mode_without_issuer_is_refused():
    result = manage_check("settings.posts", HORNET_AUTH_MODE="jwt")
    assert result.returncode != 0
    assert "jwt mode needs JWT_ISSUER and JWT_JWKS_URL" in result.stderr
