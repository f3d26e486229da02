"""schemathesis against the followers service's OpenAPI (a real gunicorn, mesh identity)."""

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from hornet.pagination import encode_cursor
from tests.reliability.fuzz import run_schemathesis
from tests.reliability.stack import NEO4J, followers_service, record_numbers, serving
from tests.support.services import Service

pytestmark = pytest.mark.slow


@pytest.fixture
def followers() -> Iterator[Service]:
    with serving(
        followers_service(NEO4J[1], "fuzz-followers", HORNET_WRITE_RATE="100000/min")
    ) as service:
        yield service


def test_schemathesis_finds_nothing(followers, tmp_path):
    follows = encode_cursor({"t": datetime(2024, 1, 1, tzinfo=UTC).isoformat(), "id": "x"})
    suggestions = encode_cursor({"m": 1, "f": 1, "u": str(uuid.uuid4())})
    result = run_schemathesis(
        followers.url,
        "/followers/schema",
        tmp_path,
        parameters={"query.cursor": follows},
        operations=[
            {
                "include-operation-id": "suggestions_list",
                "parameters": {"query.cursor": suggestions},
            }
        ],
    )
    record_numbers("fuzz_followers", {"cases": result.cases, "failures": result.failures})
    assert result.cases > 0, result.output[-3000:]
    assert result.returncode == 0, result.output[-6000:]
