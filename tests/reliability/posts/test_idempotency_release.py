"""Issue 13 item 8 on the posts service (the cases: idempotency_release_cases.py)."""

from typing import Any

import pytest

from posts import services
from tests.helpers import headers_for
from tests.reliability.idempotency_release_cases import *  # noqa: F403  (the shared tests)


@pytest.fixture
def keyed_create() -> Any:
    def create(api: Any, user: Any, key: str) -> Any:
        body = {"content": "hi"}
        return api.post(
            "/posts", body, format="json", **headers_for(user), HTTP_IDEMPOTENCY_KEY=key
        )

    return create


@pytest.fixture
def create_service() -> tuple[Any, str]:
    return services, "post_create"
