"""The followers service's Neo4j connection: one driver per process, opened lazily.

``connect()`` runs from AppConfig.ready in each gunicorn worker (no preload), builds a neo4j
driver (which opens no socket until used) and hands it to neomodel, so neomodel nodes and our
Cypher share one pool. Short connect/acquire timeouts make a dead server a fast 503.
"""

import neo4j
from django.conf import settings
from neo4j import exceptions as neo4j_errors
from neomodel import db, get_config

from hornet.errors import DatabaseUnavailable, DomainError

_UNAVAILABLE = (
    neo4j_errors.ServiceUnavailable,
    neo4j_errors.SessionExpired,
    neo4j_errors.TransientError,
    neo4j_errors.DriverError,  # pool exhausted / acquisition timeout and similar
    OSError,
)


# Codes of a transaction ended by its timeout: while running, or while it waited for a lock.
_TIMED_OUT = ("TransactionTimedOut", "LockClientStopped")


def connect() -> None:
    config = get_config()
    if config.driver is not None:
        config.driver.close()
    db.close_connection()
    config.database_url = None
    config.database_name = settings.NEO4J_DB
    config.driver = neo4j.GraphDatabase.driver(
        settings.NEO4J_URI,
        auth=(settings.NEO4J_USER, settings.NEO4J_PASSWORD),
        connection_timeout=settings.NEO4J_TIMEOUT_SECONDS,
        connection_acquisition_timeout=settings.NEO4J_TIMEOUT_SECONDS * 2,
        # Retries (deadlocks between opposite follows, a lost connection) start fast and stop
        # soon: a server that is gone must be a 503 within about a second, not after 30 s.
        max_transaction_retry_time=settings.NEO4J_RETRY_SECONDS,
        initial_retry_delay=0.05,
        liveness_check_timeout=30,
        user_agent="hornet-followers",
        # Planner notices (for example "relationship type DISMISSED not seen yet") are logged
        # by the driver on every query; they are noise in production logs.
        notifications_min_severity="OFF",
    )


def driver() -> neo4j.Driver:
    drv = get_config().driver
    if drv is None:
        connect()
        drv = get_config().driver
    assert drv is not None
    return drv


def ping() -> None:
    """Raise DatabaseUnavailable unless Neo4j answers a query now."""
    try:
        driver().execute_query("RETURN 1", database_=settings.NEO4J_DB)
    except _UNAVAILABLE as exc:
        raise DatabaseUnavailable() from exc


def translate_error(exc: BaseException) -> DomainError | None:
    """Map driver errors that mean "the database is not there" to a 503."""
    if isinstance(exc, neo4j_errors.AuthError) or (
        isinstance(exc, neo4j_errors.Neo4jError)
        and (exc.code or "").startswith("Neo.ClientError.Security.")  # e.g. auth rate limit
    ):
        return DatabaseUnavailable("The graph database refused our credentials.")
    if isinstance(exc, _UNAVAILABLE):
        return DatabaseUnavailable()
    code = getattr(exc, "code", None) or ""
    if isinstance(exc, neo4j_errors.ClientError) and any(t in code for t in _TIMED_OUT):
        # The per-query timeout (NEO4J_QUERY_TIMEOUT_SECONDS) fired, while running or while
        # waiting for a lock: overloaded or contended, not our bug.
        return DatabaseUnavailable("The graph database did not answer in time.")
    return None
