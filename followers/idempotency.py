"""The followers service's Idempotency-Key store: ``(:IdempotencyKey)`` nodes in Neo4j.

One node per caller and key (``id`` = ``<caller>:<key>``, unique by the constraint that
``ensure_schema`` installs), holding the fingerprint, state, stored answer and ``expires_at``
(range-indexed, for the purge). Neo4j has no TTL: an expired key counts as absent and is purged
by the claims and by ``manage.py purge_idempotency_keys``.
"""

from datetime import datetime
from typing import Any, LiteralString

from neo4j import ManagedTransaction

from followers import graph
from hornet.idempotency import KeyRecord

CREATE: LiteralString = """
MERGE (k:IdempotencyKey {id: $id})
  ON CREATE SET k += $props
RETURN k.lease = $props.lease AS created
"""

GET: LiteralString = "MATCH (k:IdempotencyKey {id: $id}) RETURN properties(k) AS k"

# Statement 1 write-locks the node (graph.write_lock), so statement 2 compares the lease with
# every concurrent swap committed: one of two wins.
LOCK: LiteralString = "MATCH (k:IdempotencyKey {id: $id})\n" + graph.write_lock("k")
SWAP: LiteralString = """
MATCH (k:IdempotencyKey {id: $id})
WHERE k.lease = $old_lease
SET k = $props
RETURN count(k) AS swapped
"""

PURGE: LiteralString = """
MATCH (k:IdempotencyKey)
WHERE k.expires_at < $now
WITH k LIMIT $limit
DELETE k
RETURN count(*) AS purged
"""

_FIELDS = ("id", "fingerprint", "state", "seed", "lease", "locked_until", "expires_at")
_ANSWER = ("status", "body", "headers")


def _props(record: KeyRecord) -> dict[str, Any]:
    props = {f: getattr(record, f) for f in _FIELDS}
    props.update({f: getattr(record, f) for f in _ANSWER if getattr(record, f) is not None})
    return props


def _record(props: dict[str, Any]) -> KeyRecord:
    values: dict[str, Any] = {f: props.get(f) for f in (*_FIELDS, *_ANSWER)}
    values["locked_until"] = graph.native(values["locked_until"])
    values["expires_at"] = graph.native(values["expires_at"])
    return KeyRecord(**values)


class GraphIdempotencyStore:
    def create(self, record: KeyRecord) -> bool:
        records = graph.write(CREATE, id=record.id, props=_props(record))
        return bool(records[0]["created"])

    def get(self, key_id: str) -> KeyRecord | None:
        records = graph.read(GET, id=key_id)
        return _record(records[0]["k"]) if records else None

    def swap(self, old: KeyRecord, new: KeyRecord) -> bool:
        def work(tx: ManagedTransaction) -> bool:
            tx.run(LOCK, id=old.id).consume()
            record = tx.run(SWAP, id=old.id, old_lease=old.lease, props=_props(new)).single()
            return bool(record and record["swapped"])

        return graph.write_tx(work)

    def purge_expired(self, now: datetime, limit: int) -> int:
        records = graph.write(PURGE, now=now, limit=limit)
        return int(records[0]["purged"]) if records else 0
