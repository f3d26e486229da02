"""Issue 13 item 8: a keyed create that fails releases its claim, even when the database that
failed it cannot take the release at that moment; the client's retry then goes through."""

import uuid

import pytest

from hornet import idempotency
from hornet.errors import DatabaseUnavailable
from posts import services
from tests.helpers import FlakyStore, headers_for, wait_for


def post(api, user, key, **body):  # type: ignore[no-untyped-def]
    return api.post("/posts", body, format="json", **headers_for(user), HTTP_IDEMPOTENCY_KEY=key)


@pytest.fixture
def outage(monkeypatch):  # type: ignore[no-untyped-def]
    """The next create fails with 503 and the database stays down until ``flaky.down = False``."""
    flaky = FlakyStore(idempotency.store())
    monkeypatch.setattr(idempotency, "store", lambda: flaky)
    real = services.post_create

    def fail(**kwargs):  # type: ignore[no-untyped-def]
        monkeypatch.setattr(services, "post_create", real)
        flaky.down = True
        raise DatabaseUnavailable()

    monkeypatch.setattr(services, "post_create", fail)
    return flaky


def test_the_retry_after_an_outage_goes_through(api, alice, outage):
    assert post(api, alice, "k-outage", content="hi").status_code == 503
    outage.down = False  # the database is back; the client retries at once
    retry = post(api, alice, "k-outage", content="hi")
    assert retry.status_code == 201, retry.content
    assert post(api, alice, "k-outage", content="hi")["Idempotent-Replayed"] == "true"


def test_the_release_is_written_once_the_database_answers_without_another_request(
    api, alice, outage
):
    key = f"k-{uuid.uuid4()}"
    assert post(api, alice, key, content="hi").status_code == 503
    assert outage.real.get(f"{alice}:{key}").state == idempotency.IN_PROGRESS
    outage.down = False
    # No request in this process: the background retry writes it (a retry on another worker
    # or pod then finds the key free).
    wait_for(lambda: outage.real.get(f"{alice}:{key}").state == idempotency.FAILED, timeout=5)


def test_a_failure_with_the_database_up_releases_at_once(api, alice, monkeypatch):
    def boom(**kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("anything")

    monkeypatch.setattr(services, "post_create", boom)
    assert post(api, alice, "k-boom", content="hi").status_code == 500
    monkeypatch.undo()
    assert post(api, alice, "k-boom", content="hi").status_code == 201
