"""Database fixtures, registered for every package by ``pytest_plugins`` in tests/conftest.py
and switched on (autouse) by the packages that need them: tests/posts and
tests/reliability/posts use ``clean_posts``, tests/followers and tests/reliability/followers
``clean_graph``. Schemas are installed once per session by the same code as
``manage.py ensure_schema``; each test then starts from empty collections or an empty graph.

Imports are inside the fixtures: a package runs under one service's settings (or none, tests/k8s),
and only the fixtures it uses may touch that service's code.
"""

import io
from typing import Any

import pytest


@pytest.fixture(scope="session")
def posts_schema() -> None:
    from django.core.management import call_command

    call_command("ensure_schema", stdout=io.StringIO())


def posts_collection_names() -> list[str]:
    """Every collection the posts service writes (posts, author statistics, the following and
    exclusions cache, home timelines, likes and bookmarks, notifications and their settings, the
    tags' and mentions' statistics and entries): what a clean start empties."""
    from posts import timelines
    from posts.authors import stats_collection
    from posts.documents import posts_collection
    from posts.follower_lists import COLLECTION as FOLLOWER_LISTS
    from posts.following_cache import COLLECTION as FOLLOWING_CACHE
    from posts.list_entries import COLLECTION as LIST_ENTRIES
    from posts.marks import KINDS
    from posts.notifications import store as notifications
    from posts.tags import LIST_STATS

    fixed = [
        posts_collection().name,
        stats_collection().name,
        LIST_STATS,
        LIST_ENTRIES,
        FOLLOWING_CACHE,
        FOLLOWER_LISTS,
    ]
    timeline = [timelines.ENTRIES, timelines.OWNERS, timelines.BIG, timelines.BLOCKS]
    marks = [kind.collection_name for kind in KINDS]
    return [*fixed, *timeline, *marks, notifications.ENTRIES, notifications.SETTINGS]


@pytest.fixture
def clean_posts(posts_schema: None, settings: Any) -> None:
    """Empty posts collections (indexes kept: documents are deleted, collections not dropped)."""
    from posts.documents import posts_collection
    from posts.following_cache import refreshes
    from posts.notifications import stats

    settings.HORNET_AUTH_MODE = "mesh"  # production identity rules, not the dev cookie
    assert refreshes().drain(), "a background refresh of the last test is still running"
    database = posts_collection().database
    for name in posts_collection_names():
        database[name].delete_many({})
    stats.forget_written()  # the process's memory of statistics written into what was emptied


@pytest.fixture(scope="session")
def graph_schema() -> None:
    from followers.graph_schema import schema_install

    schema_install(io.StringIO())


@pytest.fixture
def clean_graph(graph_schema: None, settings: Any) -> None:
    """An empty graph (constraints and indexes kept) and no memory of it in this process."""
    from django.core.cache import cache

    from followers import graph, services
    from hornet.background import background

    settings.HORNET_AUTH_MODE = "mesh"  # production identity rules, not the dev cookie
    background.clear()  # signals of the last test still to be sent again
    graph.write("MATCH (n) DETACH DELETE n")
    services.forget_seen()  # the graph forgot every caller, so must the once-per-process cache
    cache.clear()  # write throttle counters
