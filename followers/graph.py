"""How the followers service runs Cypher: managed transactions on the one driver of followers.db.

Managed transactions (``execute_query`` and ``execute_write``) retry transient failures such as
deadlocks between two opposite follows, and route reads and writes in a cluster. Every call
shares the driver's bookmark manager, so a read sees the caller's own earlier writes even on
another cluster member. Driver errors propagate untouched: followers.db translates them once,
in the exception handler (a dead server is a 503).

Every MATCH that starts from a user (or a follow id) names its index with ``USING INDEX SEEK``.
An equality on a unique property is what the planner picks on a real graph anyway, but on a
near-empty graph (tests, a fresh deployment) or with stale index statistics it was seen reading
the whole index (``NodeIndexScan`` + ``Filter``), or a label, and caching that plan; a plain
``USING INDEX`` hint still allows the index scan, ``SEEK`` pins the plan that scales. MERGE
takes no hints, and needs none: it always seeks the uniqueness constraint's index (with locking).
"""

import random
import sys
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, LiteralString, TypeVar

import neo4j
from django.conf import settings
from neo4j import ManagedTransaction, Query, Record, RoutingControl, unit_of_work
from neo4j import exceptions as neo4j_errors
from neo4j.time import DateTime

from followers.db import driver
from hornet.metrics import NEO4J_SECONDS, timed
from hornet.telemetry import span

T = TypeVar("T")


# The driver's own retry window is short (followers.db: a server that is gone must be a fast
# 503), so deadlocks between concurrent follows are retried here, and only they: a
# TransientError means "try again" (DeadlockDetected...), never "the server is gone".
DEADLOCK_ATTEMPTS = 10


def merge_user(var: LiteralString, user_id: LiteralString) -> LiteralString:
    """``MERGE (<var>:User {user_id: <user_id>})``: the one way a query brings in a user it may
    be the first to see. A new user starts with ``followers_count = 0``, so the stored count
    always exists and equals the in-degree (follows raise it only when they create an edge).
    ``user_id`` is a Cypher expression (``$sender_id``, ``row.user_id``)."""
    return f"""
MERGE ({var}:User {{user_id: {user_id}}})
  ON CREATE SET {var}.followers_count = 0
"""


def write_lock(var: LiteralString) -> LiteralString:
    """Take the write lock of the node ``<var>``, held until the transaction ends, leaving no
    trace: set a property, then remove it. Statements after it read every change committed
    before the lock was granted.

    Why not another way (each measured on Neo4j 5.26, tests/followers/test_concurrency.py):
    - ``SET n.p = n.p`` (any SET that reads what it writes) locks, but when the transaction
      touches the node again (the follow that comes next) the lock manager reports a deadlock
      to every transaction queued on that lock (neo4j/neo4j#13291): 50 fans following one user
      at once spent seconds in retries and some got 503s.
    - ``REMOVE n.p`` or ``SET n.p = null`` alone takes no lock while the property key has never
      been written in the database: two unfollows of one pair then both decremented."""
    return f"SET {var}.write_lock = true REMOVE {var}.write_lock\n"


def _transient(exc: Exception) -> bool:
    # A work function whose statement failed with a deadlock may surface it as the
    # ResultFailedError the driver raises while rolling back (it re-reads the failed result),
    # with the TransientError as its cause: the same "try again".
    if isinstance(exc, neo4j_errors.ResultFailedError):
        return isinstance(exc.__cause__, neo4j_errors.TransientError)
    return isinstance(exc, neo4j_errors.TransientError)


def _caller() -> str:
    """The query's name in metrics and traces: the function that called read, write or
    write_tx (``selectors.lists.followers_page``), a bounded set, with no call site naming it."""
    frame = sys._getframe(2)  # 0: here, 1: read/write/write_tx, 2: their caller
    module = str(frame.f_globals.get("__name__", "?")).removeprefix("followers.")
    return f"{module}.{frame.f_code.co_name}"


def _transaction(name: str, call: Callable[[], T]) -> T:
    """``call`` (a managed transaction, deadlocks retried) timed and traced under ``name``
    (the driver has no OpenTelemetry instrumentation of its own)."""
    with timed(NEO4J_SECONDS, name), span(f"neo4j {name}", {"db.system": "neo4j"}):
        return _retrying(call)


def _retrying(call: Callable[[], T]) -> T:
    for attempt in range(1, DEADLOCK_ATTEMPTS + 1):
        try:
            return call()
        except (neo4j_errors.TransientError, neo4j_errors.ResultFailedError) as exc:
            if attempt == DEADLOCK_ATTEMPTS or not _transient(exc):
                raise
            # Exponential backoff with full jitter (~4 s in all on average, 9 s at most): the
            # contenders spread out instead of colliding again.
            time.sleep(random.uniform(0, min(1.5, 0.05 * 2**attempt)))
    raise AssertionError("unreachable")


def _query(text: LiteralString) -> Query:
    return Query(text, timeout=settings.NEO4J_QUERY_TIMEOUT_SECONDS)


def read(text: LiteralString, **params: Any) -> list[Record]:
    """Run one read query in a managed read transaction; return all its records."""
    return _execute(_caller(), text, RoutingControl.READ, params)


def write(text: LiteralString, **params: Any) -> list[Record]:
    """Run one write query in a managed write transaction; return all its records."""
    return _execute(_caller(), text, RoutingControl.WRITE, params)


def _execute(
    name: str, text: LiteralString, routing: RoutingControl, params: dict[str, Any]
) -> list[Record]:
    records, _, _ = _transaction(
        name,
        lambda: driver().execute_query(
            _query(text), params, routing_=routing, database_=settings.NEO4J_DB
        ),
    )
    return records


def write_tx(work: Callable[[ManagedTransaction], T]) -> T:
    """Run ``work`` (several statements) in one managed write transaction, retried as a whole
    on transient errors, so ``work`` must not have side effects outside the transaction."""
    name = _caller()
    drv = driver()
    configured = unit_of_work(timeout=settings.NEO4J_QUERY_TIMEOUT_SECONDS)(work)

    def run() -> T:
        with drv.session(
            database=settings.NEO4J_DB, bookmark_manager=drv.execute_query_bookmark_manager
        ) as session:
            return session.execute_write(configured)

    return _transaction(name, run)


def profile(text: LiteralString, **params: Any) -> neo4j.ResultSummary:
    """Run ``PROFILE <text>`` (tests and diagnostics): the summary holds the executed plan.

    Routed as a write because PROFILE executes the query, writes included."""
    _, summary, _ = driver().execute_query(
        _query("CYPHER replan=force PROFILE " + text),
        params,
        routing_=RoutingControl.WRITE,
        database_=settings.NEO4J_DB,
    )
    return summary


def native(value: Any) -> datetime:
    """A Neo4j DateTime as a timezone-aware Python datetime (microsecond precision)."""
    if isinstance(value, DateTime):
        return value.to_native()  # type: ignore[no-any-return]
    if isinstance(value, datetime):
        return value
    raise TypeError(f"expected a DateTime, got {type(value).__name__}")


def native_or_none(value: Any) -> datetime | None:
    """``native`` of an optional DateTime (an expiry that may be unset)."""
    return None if value is None else native(value)
