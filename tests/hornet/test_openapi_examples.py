"""Swagger UI shows an example for every operation of both services (issue 20): each request
body and each successful JSON response has one, taken from the serializers' documented
examples (hornet.openapi.example). A new operation without one fails here."""

from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator


def operations(urlconf: str) -> list[tuple[str, str, dict[str, Any]]]:
    schema = SchemaGenerator(urlconf=urlconf).get_schema(request=None, public=True)
    return [
        (method.upper(), path, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]


def has_example(content: dict[str, Any]) -> bool:
    body = content.get("application/json", {})
    return bool(
        body.get("examples") or body.get("example") or body.get("schema", {}).get("example")
    )


@pytest.mark.parametrize("urlconf", ["posts.urls", "followers.urls"])
def test_every_request_body_and_success_response_has_an_example(urlconf):
    missing = []
    for method, path, operation in operations(urlconf):
        body = operation.get("requestBody")
        if body and not has_example(body["content"]):
            missing.append(f"{method} {path}: request")
        for status, response in operation["responses"].items():
            if (
                status.startswith("2")
                and "content" in response
                and not has_example(response["content"])
            ):
                missing.append(f"{method} {path}: {status}")
    assert not missing, missing
    assert len(operations(urlconf)) > 5  # the schema was really generated


def test_a_request_example_is_a_valid_body():
    """The examples are bodies the service accepts (a wrong one would mislead every reader)."""
    from posts.serializers import PostCreateIn

    for example in PostCreateIn._spectacular_annotation["examples"]:
        assert PostCreateIn(data=example.value).is_valid(), example.name


@pytest.mark.parametrize(
    ("mode", "scheme"),
    [
        ("dev", {"type": "apiKey", "in": "header", "name": "X-User-ID"}),
        ("mesh", {"type": "apiKey", "in": "header", "name": "X-User-ID"}),
        ("jwt", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}),
    ],
)
def test_authorize_asks_for_the_identity_of_the_mode_in_force(settings, mode, scheme):
    settings.HORNET_AUTH_MODE = mode
    schema = SchemaGenerator(urlconf="posts.urls").get_schema(request=None, public=True)
    (definition,) = schema["components"]["securitySchemes"].values()
    assert {k: v for k, v in definition.items() if k != "description"} == scheme
    assert ("/dev/act-as" in definition["description"]) == (mode == "dev")


def test_response_examples_have_exactly_the_fields_of_their_serializer():
    """An example that lacks a field the API returns (or shows one it does not) misleads."""
    from followers import serializers as followers_out
    from posts import serializers as posts_out

    checked = 0
    for module in (posts_out, followers_out):
        for serializer in vars(module).values():
            annotation = getattr(serializer, "_spectacular_annotation", None)
            if not isinstance(serializer, type) or not annotation or "examples" not in annotation:
                continue
            fields = set(serializer().fields)
            for example in annotation["examples"]:
                if example.response_only:
                    assert set(example.value) == fields, (serializer.__name__, example.name)
                    checked += 1
    assert checked > 8
