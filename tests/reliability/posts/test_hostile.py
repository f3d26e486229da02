"""Hostile input to the posts service: every case is a clear 4xx JSON error and stores nothing."""

import uuid

import pytest
from django.core import signing
from django.test import Client

from hornet.pagination import encode_cursor
from posts.documents import posts_collection
from tests.helpers import headers_for
from tests.posts.helpers import created

OPERATORS = [{"$gt": ""}, {"$ne": None}, {"$where": "sleep(1000)"}, {"$regex": ".*"}, ["$gt"]]
BODY_FIELDS = ["content", "parent_post_id", "original_post_id"]
LIST_URLS = ["/posts/author/{user}", "/posts/{post}/replies", "/feed", "/posts/{post}/context"]


def raw_post(body: bytes, user: uuid.UUID, **extra: str):  # type: ignore[no-untyped-def]
    return Client().post(
        "/posts", body, content_type="application/json", **headers_for(user), **extra
    )


def assert_refused(response, status: int = 400) -> dict:  # type: ignore[no-untyped-def,type-arg]
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    return dict(body)


@pytest.mark.parametrize("field", BODY_FIELDS)
@pytest.mark.parametrize("operator", OPERATORS, ids=str)
def test_operator_injection_in_body_fields_is_refused(api, alice, field, operator):
    body = {"content": "x", field: operator}
    assert_refused(api.post("/posts", body, format="json", **headers_for(alice)))
    assert_refused(
        api.patch(
            f"/posts/{uuid.uuid4()}", {"content": operator}, format="json", **headers_for(alice)
        )
    )
    assert posts_collection().count_documents({}) == 0


@pytest.mark.parametrize("key", ["$where", "$gt", "content.$", "__proto__", "_id", "author_id"])
def test_unknown_and_operator_keys_are_refused(api, alice, key):
    body = assert_refused(
        api.post("/posts", {"content": "x", key: "1"}, format="json", **headers_for(alice))
    )
    assert key in body["details"]
    assert posts_collection().count_documents({}) == 0


@pytest.mark.parametrize("url", LIST_URLS)
@pytest.mark.parametrize("param", ["limit", "cursor"])
@pytest.mark.parametrize(
    "value", ['{"$gt": ""}', "[$ne]=1", "1;db.dropDatabase()", "-1", "0", "1e3", "99999999999999"]
)
def test_operator_injection_and_junk_in_query_params_is_refused(api, alice, url, param, value):
    post = created(api, alice)
    target = url.format(user=alice, post=post["id"])
    response = api.get(target, {param: value}, **headers_for(alice))
    body = assert_refused(response)
    assert param in body["details"]
    assert posts_collection().count_documents({}) == 1


def test_bracket_style_operator_params_are_ignored_not_interpreted(api, alice):
    created(api, alice)
    response = api.get(f"/posts/author/{alice}?author_id[$ne]=x&limit[$gt]=0", **headers_for(alice))
    assert response.status_code == 200  # unknown parameters: plain strings, never operators
    assert len(response.json()) == 1


@pytest.mark.parametrize("path_id", ['{"$gt":""}', "' OR 1=1 --", "..%2F..%2Fetc", "0" * 5000])
def test_junk_ids_in_paths_are_400(api, alice, path_id):
    for method, url in (("get", f"/posts/{path_id}"), ("delete", f"/posts/{path_id}")):
        response = getattr(api, method)(url, **headers_for(alice))
        assert response.status_code in (400, 404)
        assert response.json()["code"] in ("invalid_uuid", "not_found")


def test_huge_limit_is_400(api, alice):
    for limit in ("101", "100000", "9" * 400):
        body = assert_refused(api.get(f"/posts/author/{alice}?limit={limit}", **headers_for(alice)))
        assert "limit" in body["details"]


def test_forged_cursors_are_400(api, alice):
    post = created(api, alice)
    valid = encode_cursor({"t": 1, "id": uuid.uuid4().hex})
    forged = [
        "abc",
        valid[:-3] + "xyz",  # signature broken
        signing.dumps({"t": 1, "id": uuid.uuid4().hex}, salt="another.salt"),
        signing.dumps({"t": 1, "id": "x"}, key="not-our-secret", salt="hornet.cursor"),
        encode_cursor({"t": "1; drop", "id": uuid.uuid4().hex}),  # signed, wrong types
        encode_cursor({"t": {"$gt": 0}, "id": {"$ne": None}}),  # signed operators
        encode_cursor({"m": 1, "f": 1, "u": "x"}),  # a followers cursor
        "A" * 600,
    ]
    for cursor in forged:
        for url in (f"/posts/author/{alice}", f"/posts/{post['id']}/replies", "/feed"):
            body = assert_refused(api.get(url, {"cursor": cursor}, **headers_for(alice)))
            assert body["code"] == "invalid_cursor"


def test_oversized_body_is_413_without_reading_it(alice):
    big = b'{"content": "' + b"x" * (70 * 1024) + b'"}'
    body = assert_refused(raw_post(big, alice), 413)
    assert body["code"] == "payload_too_large"
    assert posts_collection().count_documents({}) == 0


def test_oversized_content_within_the_body_limit_is_400(api, alice):
    assert_refused(api.post("/posts", {"content": "x" * 5001}, format="json", **headers_for(alice)))


def test_deeply_nested_json_is_400(alice):
    deep = b'{"content": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    assert_refused(raw_post(deep, alice))
    nested = b'{"content": ' + b'{"a":' * 20 + b"1" + b"}" * 20 + b"}"
    assert_refused(raw_post(nested, alice))
    assert posts_collection().count_documents({}) == 0


@pytest.mark.parametrize(
    "raw",
    [
        b'{"content": "\xff\xfe"}',  # invalid UTF-8
        b'{"content": "\xc3\x28"}',  # invalid continuation byte
        b'{"content": "\xed\xa0\x80"}',  # an encoded surrogate
        b'{"content": "x"',  # truncated
        b'["content"]',  # not an object
        b'{"content": NaN}',
        b"\x00\x01\x02",
    ],
)
def test_invalid_json_and_utf8_are_400(alice, raw):
    body = assert_refused(raw_post(raw, alice))
    assert body["code"] in ("malformed_request", "invalid_input")
    assert posts_collection().count_documents({}) == 0


def test_nul_characters_in_content_are_400(api, alice):
    assert_refused(api.post("/posts", {"content": "a\x00b"}, format="json", **headers_for(alice)))


def test_wrong_content_type_is_415(alice):
    response = Client().post("/posts", "content=x", content_type="text/plain", **headers_for(alice))
    assert response.status_code == 415
    assert posts_collection().count_documents({}) == 0


@pytest.mark.parametrize("identity", ['{"$gt": ""}', "' OR 1=1", "00000000", "", "null"])
def test_forged_identities_are_401(api, identity):
    response = api.post("/posts", {"content": "x"}, format="json", HTTP_X_USER_ID=identity)
    assert response.status_code == 401
    assert posts_collection().count_documents({}) == 0
