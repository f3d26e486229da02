"""Idempotency-Key on POST /followers (keys stored as IdempotencyKey nodes in Neo4j)."""

import io
import uuid
from datetime import UTC, datetime, timedelta

from django.core.management import call_command
from rest_framework.test import APIClient

from followers import graph, services
from hornet.errors import DatabaseUnavailable
from tests.followers.helpers import edge_count, stored_counts
from tests.helpers import all_at_once, headers_for


def follow(api, user, receiver, key):  # type: ignore[no-untyped-def]
    return api.post(
        "/followers",
        {"receiver_id": str(receiver)},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
        **headers_for(user),
    )


def keys() -> int:
    return int(graph.read("MATCH (k:IdempotencyKey) RETURN count(k) AS n")[0]["n"])


def test_replay_returns_the_first_answer(api, alice, bob):
    first = follow(api, alice, bob, "f-1")
    again = follow(api, alice, bob, "f-1")
    assert first.status_code == again.status_code == 201  # the first answer, not "already" 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert edge_count() == 1
    assert keys() == 1


def test_same_key_other_body_is_422(api, alice, bob):
    assert follow(api, alice, bob, "f-2").status_code == 201
    response = follow(api, alice, uuid.uuid4(), "f-2")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert edge_count() == 1


def test_keys_are_per_caller(api, alice, bob):
    carol = uuid.uuid4()
    assert follow(api, alice, carol, "same").status_code == 201
    assert follow(api, bob, carol, "same").status_code == 201
    assert edge_count() == 2


def test_concurrent_duplicates_make_one_edge_and_one_answer(alice, bob):
    services.user_upsert(user_id=alice, username=None)
    services.user_upsert(user_id=bob, username=None)
    responses = all_at_once(lambda _: follow(APIClient(), alice, bob, "burst"), 20)
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {201, 409}
    assert len({r.json()["id"] for r in responses if r.status_code == 201}) == 1
    assert edge_count() == 1
    assert stored_counts()[str(bob)] == (1, 1)


def test_retry_after_a_failure_reports_the_follow_as_created(api, alice, bob, monkeypatch):
    """The follow is written, then the request dies: the retry (same key, same id) answers 201
    with the same follow, as the first attempt would have."""
    from followers import clients

    real = clients.notify_following_changed

    def die(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise DatabaseUnavailable()

    monkeypatch.setattr(clients, "notify_following_changed", die)
    assert follow(api, alice, bob, "f-3").status_code == 503
    monkeypatch.setattr(clients, "notify_following_changed", real)
    retried = follow(api, alice, bob, "f-3")
    assert retried.status_code == 201
    assert edge_count() == 1
    assert stored_counts()[str(bob)] == (1, 1)


def test_expired_keys_are_absent_and_purged(api, alice, bob):
    assert follow(api, alice, bob, "old").status_code == 201
    past = datetime.now(UTC) - timedelta(hours=25)
    graph.write("MATCH (k:IdempotencyKey) SET k.expires_at = $past", past=past)
    again = follow(api, alice, bob, "old")
    assert again.status_code == 200  # not a replay: a new request, which finds the follow
    graph.write("MATCH (k:IdempotencyKey) SET k.expires_at = $past", past=past)
    call_command("purge_idempotency_keys", stdout=io.StringIO())
    assert keys() == 0


def test_the_header_is_documented_in_the_openapi_schema(api):
    schema = api.get("/followers/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    create = schema["paths"]["/followers"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in create["parameters"])
    assert {"409", "422"} <= set(create["responses"])
