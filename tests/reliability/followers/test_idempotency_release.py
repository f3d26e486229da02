"""Issue 13 item 8 on the followers service (the cases: idempotency_release_cases.py)."""

import uuid
from typing import Any

import pytest

from followers import services
from tests.reliability.idempotency_release_cases import *  # noqa: F403  (the shared tests)

BOB = uuid.UUID("b0b00000-0000-4000-8000-000000000002")


@pytest.fixture
def keyed_request() -> tuple[str, dict[str, Any]]:
    """A follow of a fixed user: the same body every time."""
    return "/followers", {"receiver_id": str(BOB)}


@pytest.fixture
def create_service() -> tuple[Any, str]:
    return services, "follow_create"
