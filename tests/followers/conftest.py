"""Followers tests run against the real test Neo4j (settings.test_followers).

Each test starts from an empty graph; constraints and indexes are kept (installed once per
session by the same code as ``manage.py ensure_schema``).
"""

import io
from typing import Any

import pytest
from django.core.cache import cache

from followers import graph, services
from followers.graph_schema import schema_install


@pytest.fixture(scope="session", autouse=True)
def graph_schema() -> None:
    schema_install(io.StringIO())


@pytest.fixture(autouse=True)
def clean_graph(settings: Any) -> None:
    settings.HORNET_AUTH_MODE = "mesh"  # production identity rules, not the dev cookie
    graph.write("MATCH (n) DETACH DELETE n")
    services.forget_seen()  # the graph forgot every caller, so must the once-per-process cache
    cache.clear()  # write throttle counters
