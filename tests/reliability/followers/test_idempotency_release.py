"""Issue 13 item 8 on the followers service (the cases: idempotency_release_cases.py)."""

import uuid
from typing import Any

import pytest

from followers import services
from tests.helpers import headers_for
from tests.reliability.idempotency_release_cases import *  # noqa: F403  (the shared tests)

BOB = uuid.UUID("b0b00000-0000-4000-8000-000000000002")


@pytest.fixture
def keyed_create() -> Any:
    """A keyed follow of a fixed user: the same body every time."""

    def create(api: Any, user: Any, key: str) -> Any:
        body = {"receiver_id": str(BOB)}
        return api.post(
            "/followers", body, format="json", **headers_for(user), HTTP_IDEMPOTENCY_KEY=key
        )

    return create


@pytest.fixture
def create_service() -> tuple[Any, str]:
    return services, "follow_create"
