"""The DRF browsable API as a developer meets it (development settings only, issue 20).

``BrowsableAPIRenderer`` adds to DRF's page: the acting user by name with links to switch user
or stop acting (hornet.devtools' act-as page), the service's name and home page in the top
bar, a write form pre-filled with the operation's documented example body (the first
``OpenApiExample`` of the serializer its ``extend_schema`` names as the request), and links:
the ``Link`` header's target made absolute, so DRF's ``urlize`` makes it clickable, and ids in
the JSON linked to the resource they name (``hornet_links``). Page titles and breadcrumbs come
from each route's ``title`` (hornet.urls.both_slashes).

Tested in Chromium: tests/browser/test_browsable.py.
"""

import json
import re
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from rest_framework import renderers

# JSON keys whose UUID value names a resource of this service, and where it lives.
_POST_ID_KEYS = ("id", "parent_post_id", "original_post_id")
_LINKS = {
    "posts": {**{key: "/posts/{}" for key in _POST_ID_KEYS}, "author_id": "/posts/author/{}"},
    "followers": {
        key: "/followers/user/{}" for key in ("user_id", "sender_id", "receiver_id", "followee_id")
    },
}
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
# An escaped JSON member: "key": "uuid" (quotes escaped as &quot; by Django's escape).
_MEMBER = re.compile(rf"(&quot;([a-z_]+)&quot;: &quot;)({_UUID})(&quot;)")


def link_ids(content: str, service: str) -> SafeString:
    """The escaped JSON text with each id that names a resource of ``service`` as a link."""
    routes = _LINKS.get(service, {})

    def link(match: re.Match[str]) -> str:
        route = routes.get(match.group(2))
        if route is None:
            return match.group(0)
        target = route.format(match.group(3))
        return f'{match.group(1)}<a href="{target}">{match.group(3)}</a>{match.group(4)}'

    return mark_safe(_MEMBER.sub(link, escape(content)))  # noqa: S308 - escaped above


def example_body(view: Any, method: str) -> dict[str, Any] | None:
    """The documented example request body of the view's handler for ``method``, if any."""
    actions = getattr(view, "action_map", None) or {}
    handler = getattr(view, actions.get(method.lower(), method.lower()), None)
    # ``@extend_schema`` leaves its schema class on the handler; asked as the generator asks
    # it (for this view and method), it names the request serializer.
    schema_class = getattr(handler, "kwargs", {}).get("schema")
    if schema_class is None:
        return None
    schema = schema_class()
    schema.view, schema.method = view, method.upper()
    serializer = schema.get_request_serializer()
    examples = getattr(serializer, "_spectacular_annotation", {}).get("examples") or []
    for example in examples:
        if not getattr(example, "response_only", False):
            value: dict[str, Any] = example.value
            return value
    return None


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    template = "hornet/browsable.html"

    def get_raw_data_form(self, data: Any, view: Any, method: str, request: Any) -> Any:
        form = super().get_raw_data_form(data, view, method, request)
        example = example_body(view, method)
        if form is not None and example is not None and not form.fields["_content"].initial:
            form.fields["_content"].initial = json.dumps(example, indent=2, ensure_ascii=False)
        return form

    def get_breadcrumbs(self, request: Any) -> list[tuple[str, str]]:
        """DRF's breadcrumbs without the twin of a route (each is declared with and without a
        trailing slash, hornet.urls.both_slashes), which DRF lists as a second crumb."""
        crumbs: list[tuple[str, str]] = []
        for name, url in super().get_breadcrumbs(request):
            if crumbs and crumbs[-1][1].rstrip("/") == url.rstrip("/"):
                crumbs[-1] = (name, url)
                continue
            crumbs.append((name, url))
        return crumbs

    def get_context(self, data: Any, accepted_media_type: Any, renderer_context: Any) -> Any:
        context = super().get_context(data, accepted_media_type, renderer_context)
        request: HttpRequest = renderer_context["request"]._request
        headers = context["response_headers"]
        link = headers.get("Link")
        if link and link.startswith("</"):  # a relative target: absolute, so urlize links it
            target, rest = link[1:].split(">", 1)
            headers["Link"] = f"<{request.build_absolute_uri(target)}>{rest}"
        # Imported here: DRF imports this renderer while it builds APIView, and hornet.devtools
        # imports the routes (hornet.urls), which import DRF's views.
        from hornet.devtools import ACT_AS_PATH, service_name

        service = service_name()
        context.update(
            {
                "service": service,
                "identity": getattr(request, "identity", None),
                "act_as_url": f"/{ACT_AS_PATH}",
                "docs_url": _url(f"{service}-docs"),
            }
        )
        # Shown by DRF's template through ``urlize``, which keeps the links of safe text.
        context["content"] = link_ids(context["content"], service)
        return context
