"""schemathesis against the posts service's OpenAPI (a real gunicorn, mesh identity header)."""

import uuid
from collections.abc import Iterator

import pytest

from hornet.pagination import encode_cursor
from tests.reliability.fuzz import run_schemathesis
from tests.reliability.stack import MONGO, posts_service, record_numbers, serving
from tests.support.services import Service

pytestmark = pytest.mark.slow


@pytest.fixture
def posts(followers_url: str) -> Iterator[Service]:
    with serving(
        posts_service(
            MONGO[1], "fuzz-posts", followers=followers_url, HORNET_WRITE_RATE="100000/min"
        )
    ) as service:
        yield service


def test_schemathesis_finds_nothing(posts, tmp_path):
    cursor = encode_cursor({"t": 1_700_000_000_000, "id": uuid.uuid4().hex})
    result = run_schemathesis(
        posts.url,
        "/posts/schema",
        tmp_path,
        parameters={"query.cursor": cursor},
        operations=[
            # A post's likes stay listable after one caller's DELETE /posts/{id}/like: the
            # check reads "likes" below "like" (it matches singular and plural) as the deleted
            # resource.
            {
                "include-operation-id": "posts_likes",
                "checks": {"use_after_free": {"enabled": False}},
            }
        ],
    )
    record_numbers("fuzz_posts", {"cases": result.cases, "failures": result.failures})
    assert result.cases > 0, result.output[-3000:]
    assert result.returncode == 0, result.output[-6000:]
