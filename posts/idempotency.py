"""The posts service's Idempotency-Key store: collection ``idempotency_keys`` in MongoDB.

One document per caller and key (``_id`` = ``<caller>:<key>``) holding the request's
fingerprint, its state, the stored answer and ``expires_at``. Every operation is one
single-document write, atomic on FerretDB and MongoDB alike. Expiry does not rely on a TTL
index (FerretDB has none): an expired key counts as absent and is purged by the claims and
by ``manage.py purge_idempotency_keys``; on MongoDB ``ensure_schema`` adds a TTL index too.
"""

from datetime import datetime
from typing import Any

from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError, OperationFailure

from hornet.idempotency import KeyRecord
from posts.db import database

COLLECTION = "idempotency_keys"
EXPIRY_INDEX = "expires_at"
_FIELDS = ("fingerprint", "state", "seed", "lease", "locked_until", "expires_at")
_ANSWER = ("status", "body", "headers")


def _collection() -> Collection:
    return database()[COLLECTION]


def _doc(record: KeyRecord) -> dict[str, Any]:
    doc = {"_id": record.id, **{f: getattr(record, f) for f in _FIELDS}}
    doc.update({f: getattr(record, f) for f in _ANSWER if getattr(record, f) is not None})
    return doc


def _record(doc: dict[str, Any]) -> KeyRecord:
    values: dict[str, Any] = {f: doc.get(f) for f in (*_FIELDS, *_ANSWER)}
    return KeyRecord(id=doc["_id"], **values)


class MongoIdempotencyStore:
    def create(self, record: KeyRecord) -> bool:
        try:
            _collection().insert_one(_doc(record))
        except DuplicateKeyError:
            return False
        return True

    def get(self, key_id: str) -> KeyRecord | None:
        doc = _collection().find_one({"_id": key_id})
        return None if doc is None else _record(doc)

    def swap(self, old: KeyRecord, new: KeyRecord) -> bool:
        result = _collection().replace_one({"_id": old.id, "lease": old.lease}, _doc(new))
        return result.matched_count == 1

    def purge_expired(self, now: datetime, limit: int) -> int:
        expired = {"expires_at": {"$lt": now}}
        ids = [d["_id"] for d in _collection().find(expired, {"_id": 1}, limit=limit)]
        if not ids:
            return 0
        return _collection().delete_many({"_id": {"$in": ids}, **expired}).deleted_count


def ensure_collection() -> str:
    """Create the collection and its expiry index: a TTL index where the server has them
    (MongoDB deletes expired keys itself), a plain one otherwise (FerretDB)."""
    db = database()
    if COLLECTION not in db.list_collection_names():
        db.create_collection(COLLECTION)
    try:
        _collection().create_index("expires_at", name=EXPIRY_INDEX, expireAfterSeconds=0)
        return "ttl"
    except OperationFailure:  # FerretDB: "expireAfterSeconds is not implemented yet"
        _collection().create_index("expires_at", name=EXPIRY_INDEX)
        return "plain"
