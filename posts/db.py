"""The posts service's MongoDB connection: configured once per process, opened lazily.

``connect()`` runs from AppConfig.ready in each gunicorn worker (the app is not preloaded in
the master), and pymongo's ``connect=False`` defers sockets and monitor threads until the
first operation, so nothing is shared across a fork.
"""

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import mongoengine
import pymongo
from django.conf import settings
from django.core.management.base import CommandError
from pymongo import errors as mongo_errors
from pymongo import monitoring
from pymongo.database import Database

from hornet.errors import DatabaseUnavailable, DomainError
from hornet.metrics import MONGO_SECONDS
from hornet.metrics import child as metric_child
from hornet.metrics import enabled as metrics_enabled

ALIAS = "default"

_UNAVAILABLE = (
    mongo_errors.ConnectionFailure,  # includes AutoReconnect, NetworkTimeout, ServerSelection...
    mongo_errors.ExecutionTimeout,
    mongo_errors.WTimeoutError,
)


def connect() -> None:
    _time_commands()
    mongoengine.disconnect(alias=ALIAS)
    mongoengine.connect(
        db=settings.MONGO_DB,
        host=settings.MONGO_URI,
        alias=ALIAS,
        connect=False,
        uuidRepresentation="standard",
        tz_aware=True,
        appname="hornet-posts",
        serverSelectionTimeoutMS=settings.MONGO_TIMEOUT_MS,
        connectTimeoutMS=settings.MONGO_TIMEOUT_MS,
        socketTimeoutMS=settings.MONGO_SOCKET_TIMEOUT_MS,
        w=settings.MONGO_WRITE_CONCERN if settings.MONGO_WRITE_CONCERN != "1" else 1,
        journal=settings.MONGO_JOURNAL,
    )


@functools.cache
def _time_commands() -> None:
    """Once per process, before its client is built: pymongo gives every client created after
    a ``monitoring.register`` its listeners. None when metrics are off."""
    if metrics_enabled():
        monitoring.register(CommandTimer())


class CommandTimer(monitoring.CommandListener):
    """Every command's round trip in ``hornet_mongodb_command_duration_seconds`` (by command
    name: a bounded set), as the driver measured it."""

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        pass

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        metric_child(MONGO_SECONDS, event.command_name, "ok").observe(event.duration_micros / 1e6)

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        metric_child(MONGO_SECONDS, event.command_name, "error").observe(
            event.duration_micros / 1e6
        )


@contextmanager
def command_deadline(seconds: float = 3600.0) -> Iterator[None]:
    """A management command's database work (an index build or a check over a million posts
    outlasts the request socket timeout) under one long deadline instead. A dead database still
    fails at once: the ping first has the request's short one (under a deadline, pymongo's
    server selection would wait for all of it)."""
    try:
        with pymongo.timeout(settings.MONGO_TIMEOUT_MS / 1000):
            database().command("ping")
    except _UNAVAILABLE as exc:
        raise CommandError(f"MongoDB does not answer at {settings.MONGO_URI}: {exc}") from exc
    with pymongo.timeout(seconds):
        yield


def query_ms() -> int | None:
    """``max_time_ms`` of a request's reads: the server stops a query the service would give up
    on anyway (``MONGO_QUERY_TIMEOUT_MS``; 0 = no limit)."""
    return settings.MONGO_QUERY_TIMEOUT_MS or None


def database() -> Database:
    return mongoengine.get_db(alias=ALIAS)


def ping() -> None:
    """Raise DatabaseUnavailable unless MongoDB answers a ping now."""
    try:
        database().command("ping")
    except _UNAVAILABLE as exc:
        raise DatabaseUnavailable() from exc


def translate_error(exc: BaseException) -> DomainError | None:
    """Map driver errors that mean "the database is not there" to a 503."""
    if isinstance(exc, _UNAVAILABLE):
        return DatabaseUnavailable()
    return None


DUPLICATE_KEY = 11000


def duplicate_errors(exc: mongo_errors.BulkWriteError) -> list[dict[str, Any]]:
    """The write errors of an unordered bulk write that failed only on duplicate keys (entries
    already there, which an idempotent write expects); any other error is raised again."""
    errors: list[dict[str, Any]] = exc.details.get("writeErrors", [])
    if any(e.get("code") != DUPLICATE_KEY for e in errors):
        raise exc
    return errors
