"""Followers reliability tests: each from an empty graph (tests/support/databases.py)."""

import pytest


@pytest.fixture(autouse=True)
def _empty_graph(clean_graph: None) -> None:
    pass
