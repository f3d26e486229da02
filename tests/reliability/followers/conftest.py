"""Followers reliability tests: the followers test fixtures (empty graph per test)."""

from tests.followers.conftest import clean_graph, graph_schema  # noqa: F401  (fixtures)
