"""Issue 13 item 8 on the posts service (the cases: idempotency_release_cases.py)."""

from typing import Any

import pytest

from posts import services
from tests.reliability.idempotency_release_cases import *  # noqa: F403  (the shared tests)


@pytest.fixture
def keyed_request() -> tuple[str, dict[str, Any]]:
    return "/posts", {"content": "hi"}


@pytest.fixture
def create_service() -> tuple[Any, str]:
    return services, "post_create"
