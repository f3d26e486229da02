"""Development only: a home page at ``/`` and an "act as" page for using the DRF browsable API
as a seeded user.

GET / says what the service is, who the browser acts as, and links to the browsable API's
entry points, Swagger UI, the schema, the probes and the act-as page.

GET /dev/act-as lists the demo users (the Keycloak test realm's users, whose ids are fixed in
keycloak/hornet-realm.json) and a form for any UUID + username; POST signs the choice into the
``hornet_act_as`` cookie (read by hornet.identity in ``dev`` mode only) and redirects; an
empty POST clears it. The routes exist only when the settings module allows ``dev`` mode and
it is the mode in force (``dev_urlpatterns``), and the view checks that again per request.
The form is CSRF-protected; writes made with the cookie are CSRF-checked too
(hornet.authentication).
"""

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_deny
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from hornet.errors import InvalidIdentity
from hornet.identity import (
    ACT_AS_COOKIE,
    ACT_AS_MAX_AGE,
    act_as_cookie_value,
    parse_user_id,
    parse_username,
)
from hornet.urls import both_slashes

ACT_AS_PATH = "dev/act-as"


@dataclass(frozen=True)
class DemoUser:
    """A user of the Keycloak test realm (password: username + "-password")."""

    user_id: uuid.UUID
    username: str


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser(uuid.UUID("a11ce000-0000-4000-8000-000000000001"), "alice"),
    DemoUser(uuid.UUID("b0b00000-0000-4000-8000-000000000002"), "bob"),
    DemoUser(uuid.UUID("ca401000-0000-4000-8000-000000000003"), "carol"),
)


def dev_mode_enabled() -> bool:
    """True only in a settings module that allows ``dev`` mode, with that mode in force."""
    return settings.HORNET_AUTH_MODE == "dev" and "dev" in settings.HORNET_ALLOWED_AUTH_MODES


def dev_urlpatterns() -> list[URLPattern]:
    """The development routes; empty unless dev mode is in force (so never in production)."""
    if not dev_mode_enabled():
        return []
    return [path("", home, name="dev-home"), *both_slashes(ACT_AS_PATH, act_as, name="dev-act-as")]


def service_name() -> str:
    """``posts`` or ``followers``: the service app the settings module installs."""
    return "posts" if "posts" in settings.INSTALLED_APPS else "followers"


# What each service's home page links to: (label, path, what it shows). ``{me}``: the acting
# user's id.
ENTRY_POINTS = {
    "posts": (
        ("Home feed", "/feed", "posts by the people you follow and you, newest first"),
        ("Write a post", "/posts", "a form with an example body (POST)"),
        ("My posts", "/posts/author/{me}", "your timeline"),
    ),
    "followers": (
        ("Follow someone", "/followers", "a form with an example body (POST)"),
        ("Suggestions", "/followers/suggestions", "people you may know"),
        ("Whom I follow", "/followers/user/{me}/following", "your follows, newest first"),
        ("My followers", "/followers/user/{me}/followers", "who follows you"),
    ),
}


@never_cache
@xframe_options_deny
@require_http_methods(["GET", "HEAD"])
def home(request: HttpRequest) -> HttpResponse:
    """The service's development home page."""
    if not dev_mode_enabled():
        raise Http404("Development mode is off.")
    service = service_name()
    identity = getattr(request, "identity", None)
    me = str(identity.user_id) if identity is not None else None
    entry_points = [
        (label, route.format(me=me), text)
        for label, route, text in ENTRY_POINTS[service]
        if me is not None or "{me}" not in route
    ]
    context = {
        "service": service,
        "identity": identity,
        "entry_points": entry_points,
        # The paths hornet.urls.common_urlpatterns and dev_urlpatterns give them.
        "docs": f"/{service}/docs",
        "schema": f"/{service}/schema",
        "act_as": f"/{ACT_AS_PATH}",
    }
    return render(request, "hornet/home.html", context)


def _next_url(request: HttpRequest) -> str:
    """Where to go after a choice: a local path from ``next``, else back to this page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return request.path


def _links() -> list[tuple[str, str]]:
    links = []
    for name, label in (("posts-docs", "Posts API docs"), ("followers-docs", "Followers docs")):
        try:
            links.append((label, reverse(name)))
        except NoReverseMatch:
            continue
    return links


def _page(request: HttpRequest, error: str | None = None, status: int = 200) -> HttpResponse:
    context = {
        "demo_users": DEMO_USERS,
        "identity": getattr(request, "identity", None),
        "identity_error": getattr(request, "identity_error", None),
        "identity_header": settings.HORNET_IDENTITY_HEADER,
        "next": _next_url(request),
        "links": _links(),
        "error": error,
    }
    return render(request, "hornet/act_as.html", context, status=status)


@never_cache
@xframe_options_deny
@csrf_protect
@require_http_methods(["GET", "POST"])
def act_as(request: HttpRequest) -> HttpResponse:
    """Show the act-as form (GET) or set / clear the act-as cookie (POST)."""
    if not dev_mode_enabled():
        raise Http404("Development mode is off.")
    if request.method == "GET":
        return _page(request)
    raw_id = request.POST.get("user_id", "").strip()
    raw_username = request.POST.get("username", "").strip()
    response = HttpResponseRedirect(_next_url(request))
    if not raw_id and not raw_username:
        response.delete_cookie(ACT_AS_COOKIE, samesite="Strict")
        return response
    try:
        user_id = parse_user_id(raw_id, "user_id")
        username = parse_username(raw_username, "username")
    except InvalidIdentity as exc:
        return _page(request, error=exc.message, status=400)
    response.set_cookie(
        ACT_AS_COOKIE,
        act_as_cookie_value(user_id, username),
        max_age=ACT_AS_MAX_AGE,
        httponly=True,
        samesite="Strict",
        secure=request.is_secure(),
    )
    return response
