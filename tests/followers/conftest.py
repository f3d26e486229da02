"""Followers tests run against the real test Neo4j (settings.test_followers), each from an
empty graph (tests/support/databases.py)."""

import pytest


@pytest.fixture(autouse=True)
def _empty_graph(clean_graph: None) -> None:
    pass
