"""Idempotency-Key on POST /posts: replay, reuse with another body, concurrency, expiry, and a
retry that resumes a create which died halfway."""

import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from hornet.errors import DatabaseUnavailable
from posts import intents, services
from posts.db import database
from posts.documents import Post, now_ms, posts_collection
from posts.idempotency import COLLECTION
from tests.helpers import all_at_once, get, headers_for
from tests.posts.helpers import created


def post(api, user, key, **body):  # type: ignore[no-untyped-def]
    extra = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    return api.post("/posts", body, format="json", **headers_for(user), **extra)


def test_replay_returns_the_first_answer_and_creates_nothing(api, alice):
    first = post(api, alice, "k-1", content="hello")
    again = post(api, alice, "k-1", content="hello")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert posts_collection().count_documents({}) == 1


def test_replayed_reply_is_counted_once(api, alice, bob):
    parent = created(api, alice)
    for _ in range(3):
        response = post(api, bob, "reply-1", content="re", parent_post_id=parent["id"])
        assert response.status_code == 201
    assert get(api, alice, f"/posts/{parent['id']}").json()["replies_count"] == 1


def test_same_key_with_another_body_is_422(api, alice):
    assert post(api, alice, "k-2", content="one").status_code == 201
    response = post(api, alice, "k-2", content="two")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert posts_collection().count_documents({}) == 1


def test_keys_are_scoped_per_caller(api, alice, bob):
    a = post(api, alice, "shared", content="same")
    b = post(api, bob, "shared", content="same")
    assert a.status_code == b.status_code == 201
    assert a.json()["id"] != b.json()["id"]
    assert b.json()["author_id"] == str(bob)


def test_without_a_key_each_post_is_new(api, alice):
    post(api, alice, None, content="x")
    post(api, alice, None, content="x")
    assert posts_collection().count_documents({}) == 2


@pytest.mark.parametrize("key", ["", "has space", "x" * 256, "ünïcode"])
def test_malformed_keys_are_400(api, alice, key):
    response = api.post(
        "/posts",
        {"content": "x"},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key.encode().decode("latin-1"),
        **headers_for(alice),
    )
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["details"]
    assert posts_collection().count_documents({}) == 0


def test_an_error_answer_is_not_stored_and_the_key_can_be_retried(api, alice):
    parent_id = uuid.uuid4()
    assert post(api, alice, "k-3", content="x", parent_post_id=str(parent_id)).status_code == 404
    Post(id=parent_id, author_id=alice, content="late", created_at=now_ms()).save(force_insert=True)
    retried = post(api, alice, "k-3", content="x", parent_post_id=str(parent_id))
    assert retried.status_code == 201
    assert retried.json()["parent_post_id"] == str(parent_id)


def test_concurrent_duplicates_create_one_post(alice):
    responses = all_at_once(lambda _: post(APIClient(), alice, "burst", content="once"), 20)
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {201, 409}
    assert 201 in statuses
    ids = {r.json()["id"] for r in responses if r.status_code == 201}
    assert len(ids) == 1  # every 201 is the same post: the first answer
    for response in responses:
        if response.status_code == 409:
            assert response.json()["code"] == "idempotency_in_progress"
    assert posts_collection().count_documents({}) == 1


def test_expired_key_counts_as_absent_and_is_purged(api, alice):
    first = post(api, alice, "old", content="x")
    keys = database()[COLLECTION]
    past = datetime.now(UTC) - timedelta(hours=25)
    keys.update_many({}, {"$set": {"expires_at": past}})
    second = post(api, alice, "old", content="x")
    assert second.status_code == 201
    assert second.json()["id"] != first.json()["id"]  # a new request, not a replay
    keys.insert_one({"_id": "someone:gone", "expires_at": past, "state": "done"})
    call_command("purge_idempotency_keys", stdout=io.StringIO())
    assert keys.count_documents({"expires_at": {"$lt": datetime.now(UTC)}}) == 0
    assert keys.count_documents({}) == 1  # the live key stays


def test_keys_expire_after_24_hours(api, alice):
    post(api, alice, "ttl", content="x")
    record = database()[COLLECTION].find_one({})
    assert record is not None
    lifetime = record["expires_at"] - datetime.now(UTC)
    assert timedelta(hours=23, minutes=59) < lifetime <= timedelta(hours=24)


def test_retry_resumes_a_reply_that_died_between_its_writes(api, alice, bob, monkeypatch):
    """The database vanishes after the reply is inserted, before its intent is closed: 503.
    The retry with the same key finishes it: one reply, counted once, same id."""
    parent = created(api, alice)
    real_close = intents.close_creation

    def die(**kwargs):  # type: ignore[no-untyped-def]
        raise DatabaseUnavailable()

    monkeypatch.setattr(intents, "close_creation", die)
    failed = post(api, bob, "resume", content="re", parent_post_id=parent["id"])
    assert failed.status_code == 503
    monkeypatch.setattr(intents, "close_creation", real_close)
    retried = post(api, bob, "resume", content="re", parent_post_id=parent["id"])
    assert retried.status_code == 201
    replies = list(posts_collection().find({"parent_post_id": uuid.UUID(parent["id"])}))
    assert [str(r["_id"]) for r in replies] == [retried.json()["id"]]
    stored = posts_collection().find_one({"_id": uuid.UUID(parent["id"])})
    assert stored["replies_count"] == 1
    assert not stored.get("_pending")  # the intent was closed by the retry


def test_retry_resumes_a_reply_that_died_before_its_insert(api, alice, bob, monkeypatch):
    parent = created(api, alice)
    real_insert = services._insert

    def die(post):  # type: ignore[no-untyped-def]
        raise DatabaseUnavailable()

    monkeypatch.setattr(services, "_insert", die)
    assert post(api, bob, "resume2", content="re", parent_post_id=parent["id"]).status_code == 503
    # Counted by the open intent, not yet inserted: the retry must not count it again.
    monkeypatch.setattr(services, "_insert", real_insert)
    retried = post(api, bob, "resume2", content="re", parent_post_id=parent["id"])
    assert retried.status_code == 201
    stored = posts_collection().find_one({"_id": uuid.UUID(parent["id"])})
    assert stored["replies_count"] == 1
    assert posts_collection().count_documents({"parent_post_id": uuid.UUID(parent["id"])}) == 1


def test_the_header_is_documented_in_the_openapi_schema(api):
    schema = api.get("/posts/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    create = schema["paths"]["/posts"]["post"]
    header = next(p for p in create["parameters"] if p["name"] == "Idempotency-Key")
    assert header["in"] == "header"
    assert not header.get("required", False)
    assert header["schema"]["maxLength"] == 255
    assert {"409", "422"} <= set(create["responses"])
