"""``Idempotency-Key`` on creations (the convention of Stripe, Mastodon and the IETF draft).

A client that did not see the answer to a ``POST`` (timeout, dropped connection, 503) sends it
again with the same key and the same body, and gets the first answer back instead of a second
post or follow. Rules, per caller (a key is ``<caller>:<key>``, so callers never collide):

- first use: the request runs; a 2xx answer is stored (status, body, Location) for 24 hours;
- same key, same body, done: the stored answer again (header ``Idempotent-Replayed: true``);
- same key, another body (or another route): 422 ``idempotency_key_reused``;
- same key while the first request still runs: 409 ``idempotency_in_progress``;
- the first request failed (an error answer or an exception): the key may be retried; the retry
  gets the same ``seed``, the id the first attempt gave (or was giving) its new object, so a
  create that died halfway is resumed by its retry, never done twice;
- a failed attempt releases its claim, so the client's retry goes through at once. When the
  release itself cannot be written (the database failed the request and is still gone), the
  process keeps it and writes it as soon as the database answers: a background thread tries
  every ``RELEASE_RETRY_SECONDS``, and every claim in the process tries first, so a retry after
  the outage is never a 409 (tests/reliability/*/test_idempotency_release.py);
- a claim whose request died without a word (a killed worker) is taken over after
  ``HORNET_IDEMPOTENCY_LEASE_SECONDS``; an expired key counts as absent.

Each service keeps its keys in its own database through a small ``IdempotencyStore`` (posts:
MongoDB, followers: Neo4j) named by ``settings.HORNET_IDEMPOTENCY_STORE``; the rules above are
here once. Expired keys are purged now and then by the claims themselves and by
``manage.py purge_idempotency_keys`` (FerretDB has no TTL index).
"""

import functools
import hashlib
import logging
import random
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import orjson
from django.conf import settings
from django.utils.module_loading import import_string
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request
from rest_framework.response import Response

from hornet.errors import Conflict, ErrorCode, InvalidInput, Unauthenticated, Unprocessable
from hornet.identity import Identity
from hornet.metrics import IDEMPOTENCY_REPLAYS

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
_KEY_RE = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, no spaces: UUIDs, ULIDs...
_REPLAYED_HEADERS = ("Location",)
PURGE_EVERY = 100  # about one new key in this many purges a batch of expired ones
PURGE_BATCH = 200

IN_PROGRESS, DONE, FAILED = "in_progress", "done", "failed"
RELEASE_RETRY_SECONDS = 0.25


class IdempotencyKeyReused(Unprocessable):
    """The key was first used with another request body or route."""

    code = ErrorCode.IDEMPOTENCY_KEY_REUSED
    default_message = "This Idempotency-Key was used with a different request."


class IdempotencyInProgress(Conflict):
    """The first request with this key has not finished yet."""

    code = ErrorCode.IDEMPOTENCY_IN_PROGRESS
    default_message = "A request with this Idempotency-Key is still in progress; retry shortly."


@dataclass(frozen=True)
class KeyRecord:
    """One stored key. ``lease`` changes on every transition; ``swap`` compares it."""

    id: str
    fingerprint: str
    state: str
    seed: str
    lease: str
    locked_until: datetime
    expires_at: datetime
    status: int | None = None
    body: str | None = None  # the stored answer's JSON
    headers: str | None = None  # JSON object of the replayed headers


class IdempotencyStore(Protocol):
    """Where one service keeps its keys. Every method is one atomic database operation."""

    def create(self, record: KeyRecord) -> bool:
        """Insert ``record``; False if a record with its id exists."""

    def get(self, key_id: str) -> KeyRecord | None:
        """The record with this id, or None."""

    def swap(self, old: KeyRecord, new: KeyRecord) -> bool:
        """Replace the record if it still holds ``old.lease``; False otherwise."""

    def purge_expired(self, now: datetime, limit: int) -> int:
        """Delete up to ``limit`` records that expired before ``now``; return how many."""


def store() -> IdempotencyStore:
    """This service's store (``settings.HORNET_IDEMPOTENCY_STORE``, built per call: cheap)."""
    factory: Callable[[], IdempotencyStore] = import_string(settings.HORNET_IDEMPOTENCY_STORE)
    return factory()


def _now() -> datetime:
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond - now.microsecond % 1000)  # BSON/ms precision


def _token() -> str:
    return uuid.uuid4().hex


def fingerprint(method: str, path: str, data: Any) -> str:
    """sha256 of the route and the canonical JSON body (keys sorted)."""
    canonical = orjson.dumps(data, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    return hashlib.sha256(f"{method} {path}\n".encode() + canonical).hexdigest()


def claim(store: IdempotencyStore, key_id: str, fp: str) -> KeyRecord:
    """Take the key for a new attempt, or raise: the stored answer (``Replay``), 409 or 422."""
    flush_pending()  # a release this process still owes goes first (the database is back)
    lease = timedelta(seconds=settings.HORNET_IDEMPOTENCY_LEASE_SECONDS)
    for _ in range(3):
        now = _now()
        fresh = KeyRecord(
            id=key_id,
            fingerprint=fp,
            state=IN_PROGRESS,
            seed=str(uuid.uuid4()),
            lease=_token(),
            locked_until=now + lease,
            expires_at=now + timedelta(seconds=settings.HORNET_IDEMPOTENCY_TTL_SECONDS),
        )
        if store.create(fresh):
            _maybe_purge(store, now)
            return fresh
        found = store.get(key_id)
        if found is None:  # purged between the two calls
            continue
        if found.expires_at <= now:  # expired: as if absent
            if store.swap(found, fresh):
                return fresh
            continue
        if found.fingerprint != fp:
            raise IdempotencyKeyReused()
        if found.state == DONE:
            raise Replay(found)
        if found.state == IN_PROGRESS and found.locked_until > now:
            raise IdempotencyInProgress()
        retry = replace(found, state=IN_PROGRESS, lease=_token(), locked_until=now + lease)
        if store.swap(found, retry):
            return retry  # same seed: the retry resumes what the failed attempt began
    raise IdempotencyInProgress()


def _maybe_purge(store: IdempotencyStore, now: datetime) -> None:
    if random.randrange(PURGE_EVERY) != 0:
        return
    try:
        store.purge_expired(now, PURGE_BATCH)
    except Exception:  # housekeeping must never fail a request
        log.warning("purging expired idempotency keys failed", exc_info=True)


def _finish(store: IdempotencyStore, record: KeyRecord, response: Response | None) -> None:
    """Store a 2xx answer (done), or free the key for a retry (failed). If the database is
    gone, the write is kept and retried as soon as it answers (``_owe``), within the lease."""
    if response is not None and 200 <= response.status_code < 300:
        headers = {h: response[h] for h in _REPLAYED_HEADERS if response.has_header(h)}
        new = replace(
            record,
            state=DONE,
            lease=_token(),
            status=response.status_code,
            body=orjson.dumps(response.data, option=orjson.OPT_UTC_Z).decode(),
            headers=orjson.dumps(headers).decode(),
        )
    else:
        new = replace(record, state=FAILED, lease=_token(), locked_until=_now())
    try:
        if not store.swap(record, new):
            log.warning("idempotency key %s was taken over before it was finished", record.id)
    except Exception:  # the answer stands; the write is retried until the lease ends
        log.warning("idempotency key %s not finished yet; retrying", record.id, exc_info=True)
        _owe(store, record, new)


# Finishing writes this process could not make yet: key id -> (store, held record, new record).
_owed: dict[str, tuple[IdempotencyStore, KeyRecord, KeyRecord]] = {}
_owed_lock = threading.Lock()
_retrier: threading.Thread | None = None


def _owe(store: IdempotencyStore, record: KeyRecord, new: KeyRecord) -> None:
    global _retrier
    with _owed_lock:
        _owed[record.id] = (store, record, new)
        # One daemon thread per process, started on demand (after gunicorn's fork, never at
        # import); it ends when nothing is owed.
        if _retrier is None or not _retrier.is_alive():
            _retrier = threading.Thread(target=_retry_owed, name="idempotency-release", daemon=True)
            _retrier.start()


def _retry_owed() -> None:
    while True:
        time.sleep(RELEASE_RETRY_SECONDS)
        if not flush_pending():
            return


def flush_pending() -> int:
    """Write the finishing writes still owed; return how many remain owed."""
    if not _owed:
        return 0
    with _owed_lock:
        items = list(_owed.items())
    now = _now()
    for key_id, (store, record, new) in items:
        if record.locked_until > now:  # once the lease ends a retry takes over anyway
            try:
                store.swap(record, new)  # False: taken over meanwhile; either way, settled
            except Exception:  # still unreachable: keep it (and the rest) for the next round,
                # so a claim during the outage waits for one failed write, not one per key owed
                log.debug("idempotency key %s still not finished", key_id, exc_info=True)
                break
        with _owed_lock:
            if _owed.get(key_id, (None, None, None))[1] is record:
                del _owed[key_id]
    with _owed_lock:
        return len(_owed)


class Replay(Exception):  # control flow, not an error
    """The key is done: answer with the stored response."""

    def __init__(self, record: KeyRecord):
        super().__init__(record.id)
        self.record = record

    def response(self) -> Response:
        headers = orjson.loads(self.record.headers or "{}")
        headers[REPLAYED_HEADER] = "true"
        body = orjson.loads(self.record.body) if self.record.body else None
        return Response(body, status=self.record.status, headers=headers)


def _key(request: Request) -> str | None:
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    if not _KEY_RE.fullmatch(raw):
        raise InvalidInput.for_field(
            HEADER,
            "1 to 255 printable ASCII characters without spaces.",
            code=ErrorCode.INVALID_KEY,
        )
    return raw


def seed(request: Request) -> uuid.UUID | None:
    """The id to give the object this request creates (None: no key, the service picks one)."""
    value: uuid.UUID | None = getattr(request, "idempotency_seed", None)
    return value


ViewMethod = Callable[..., Response]


def idempotent(view_method: ViewMethod) -> ViewMethod:
    """Decorate a viewset's create action (after authentication and throttling ran)."""

    @functools.wraps(view_method)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = _key(request)
        if key is None:
            return view_method(view, request, *args, **kwargs)
        user = request.user
        if not isinstance(user, Identity):
            raise Unauthenticated()
        keys = store()
        # The route with or without its trailing slash is the same request.
        fp = fingerprint(request.method or "POST", request.path.rstrip("/"), request.data)
        try:
            record = claim(keys, f"{user.user_id}:{key}", fp)
        except Replay as replay:
            IDEMPOTENCY_REPLAYS.inc()
            return replay.response()
        request.idempotency_seed = uuid.UUID(record.seed)  # type: ignore[attr-defined]
        try:
            response = view_method(view, request, *args, **kwargs)
        except BaseException:
            _finish(keys, record, None)
            raise
        _finish(keys, record, response)
        return response

    return wrapper


IDEMPOTENCY_PARAMETER = OpenApiParameter(
    HEADER,
    {"type": "string", "minLength": 1, "maxLength": 255, "pattern": _KEY_RE.pattern},
    OpenApiParameter.HEADER,
    required=False,
    description="Optional. Send the same key again with the same body to get the first "
    "answer back (header `Idempotent-Replayed: true`) instead of creating twice; kept 24 hours "
    "per caller. Another body with the same key: 422; while the first request runs: 409.",
)
