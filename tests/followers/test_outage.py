"""Neo4j unreachable: 503 JSON without driver text; the service recovers by itself."""

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import pytest

from followers import db
from tests.followers.helpers import follow
from tests.helpers import get, wait_for
from tests.support.proxies import TcpProxy


@pytest.fixture
def outage(settings: Any) -> Iterator[TcpProxy]:
    original, timeout = settings.NEO4J_URI, settings.NEO4J_TIMEOUT_SECONDS
    target = urlparse(original)
    proxy = TcpProxy((target.hostname or "127.0.0.1", target.port or 7687))
    proxy.start()
    settings.NEO4J_URI = f"bolt://127.0.0.1:{proxy.port}"
    settings.NEO4J_TIMEOUT_SECONDS = 0.3  # retries give up after 3x this: a quick test
    db.connect()
    try:
        yield proxy
    finally:
        proxy.stop()
        settings.NEO4J_URI = original
        settings.NEO4J_TIMEOUT_SECONDS = timeout
        db.connect()


def test_database_down_is_503_json_then_recovers(api, alice, bob, outage):
    assert follow(api, alice, bob).status_code == 201
    outage.stop()
    for response in (
        get(api, alice, f"/followers/user/{bob}/followers/count"),
        follow(api, alice, bob),
        api.get("/readyz"),
    ):
        assert response.status_code == 503
        body = response.json()
        assert body["code"] == "database_unavailable"
        assert "bolt" not in response.content.decode().lower()
        assert "errno" not in response.content.decode().lower()
    outage.start()  # same port: the driver finds the server again, no restart
    wait_for(lambda: get(api, alice, f"/followers/user/{bob}/followers/count").status_code == 200)
    assert get(api, alice, f"/followers/user/{bob}/followers/count").json() == {"count": 1}


def test_driver_errors_map_to_503_without_their_text():
    from neo4j.exceptions import Neo4jError, ServiceUnavailable

    from hornet.error_handler import translate

    rate_limited = Neo4jError._hydrate_neo4j(  # type: ignore[attr-defined]
        code="Neo.ClientError.Security.AuthenticationRateLimit", message="secret text"
    )
    timed_out = Neo4jError._hydrate_neo4j(  # type: ignore[attr-defined]
        code="Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration", message="x"
    )
    for exc in (ServiceUnavailable("Couldn't connect to 127.0.0.1:7887"), rate_limited, timed_out):
        error = translate(exc)
        assert error is not None
        assert error.status_code == 503
        assert "127.0.0.1" not in error.message
        assert "secret" not in error.message
    syntax = Neo4jError._hydrate_neo4j(code="Neo.ClientError.Statement.SyntaxError", message="x")  # type: ignore[attr-defined]
    assert translate(syntax) is None  # our bug: a logged 500, not a 503
