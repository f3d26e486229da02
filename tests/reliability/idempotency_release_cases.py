"""Issue 13 item 8, for both services: a keyed create that fails releases its claim, even when
the database that failed it cannot take the release at that moment; the client's retry then
goes through. Each service's test module imports these tests and gives two fixtures:
``keyed_request`` (the create's path and body, the same every time) and ``create_service``
(the module and name of the service function the create calls)."""

import uuid
from typing import Any

import pytest

from hornet import idempotency
from hornet.errors import DatabaseUnavailable
from tests.helpers import FlakyStore, headers_for, wait_for


@pytest.fixture
def keyed_create(keyed_request: tuple[str, dict[str, Any]]) -> Any:
    """``create(api, user, key)``: the service's create with that ``Idempotency-Key``."""
    path, body = keyed_request

    def create(api: Any, user: Any, key: str) -> Any:
        return api.post(path, body, format="json", **headers_for(user), HTTP_IDEMPOTENCY_KEY=key)

    return create


@pytest.fixture
def outage(monkeypatch: pytest.MonkeyPatch, create_service: tuple[Any, str]) -> FlakyStore:
    """The next create fails with 503 and the database stays down until ``flaky.down = False``."""
    flaky = FlakyStore(idempotency.store())
    monkeypatch.setattr(idempotency, "store", lambda: flaky)
    module, name = create_service
    real = getattr(module, name)

    def fail(**kwargs: Any) -> Any:
        monkeypatch.setattr(module, name, real)
        flaky.down = True
        raise DatabaseUnavailable()

    monkeypatch.setattr(module, name, fail)
    return flaky


def test_the_retry_after_an_outage_goes_through(api, alice, outage, keyed_create):  # type: ignore[no-untyped-def]
    assert keyed_create(api, alice, "k-outage").status_code == 503
    outage.down = False  # the database is back; the client retries at once
    retry = keyed_create(api, alice, "k-outage")
    assert retry.status_code == 201, retry.content
    assert keyed_create(api, alice, "k-outage")["Idempotent-Replayed"] == "true"


def test_the_release_is_written_once_the_database_answers_without_another_request(  # type: ignore[no-untyped-def]
    api, alice, outage, keyed_create
):
    key = f"k-{uuid.uuid4()}"
    assert keyed_create(api, alice, key).status_code == 503
    assert outage.real.get(f"{alice}:{key}").state == idempotency.IN_PROGRESS
    outage.down = False
    # No request in this process: the background retry writes it (a retry on another worker
    # or pod then finds the key free).
    wait_for(lambda: outage.real.get(f"{alice}:{key}").state == idempotency.FAILED, timeout=5)


def test_a_failure_with_the_database_up_releases_at_once(  # type: ignore[no-untyped-def]
    api, alice, monkeypatch, keyed_create, create_service
):
    def boom(**kwargs: Any) -> Any:
        raise RuntimeError("anything")

    monkeypatch.setattr(*create_service, boom)
    assert keyed_create(api, alice, "k-boom").status_code == 500
    monkeypatch.undo()
    assert keyed_create(api, alice, "k-boom").status_code == 201
