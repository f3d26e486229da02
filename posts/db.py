"""The posts service's MongoDB connection: configured once per process, opened lazily.

``connect()`` runs from AppConfig.ready in each gunicorn worker (the app is not preloaded in
the master), and pymongo's ``connect=False`` defers sockets and monitor threads until the
first operation, so nothing is shared across a fork.
"""

import mongoengine
from django.conf import settings
from pymongo import errors as mongo_errors
from pymongo.database import Database

from hornet.errors import DatabaseUnavailable, DomainError

ALIAS = "default"

_UNAVAILABLE = (
    mongo_errors.ConnectionFailure,  # includes AutoReconnect, NetworkTimeout, ServerSelection...
    mongo_errors.ExecutionTimeout,
    mongo_errors.WTimeoutError,
)


def connect() -> None:
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
