"""Request and graph helpers for the followers tests."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from rest_framework.test import APIClient

from followers import graph, services
from hornet import seeding
from hornet.headers import Forward
from hornet.identity import Identity
from tests.helpers import headers_for

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def acting(user_id: uuid.UUID, **incoming: str) -> Forward:
    """What a view hands the follow services for a caller (``incoming``: request headers)."""
    return Forward.of(Identity(user_id=user_id), incoming)


def follow(api: APIClient, sender: uuid.UUID, receiver: uuid.UUID | str, **extra: Any) -> Any:
    return api.post(
        "/followers", {"receiver_id": str(receiver)}, format="json", **headers_for(sender), **extra
    )


def block(api: APIClient, blocker: uuid.UUID, blocked: uuid.UUID | str, **extra: Any) -> Any:
    return api.post(f"/followers/blocks/{blocked}", **headers_for(blocker), **extra)


def followed(api: APIClient, sender: uuid.UUID, receiver: uuid.UUID) -> dict[str, Any]:
    response = follow(api, sender, receiver)
    assert response.status_code == 201, response.content
    return dict(response.json())


def users(n: int) -> list[uuid.UUID]:
    """``n`` user ids in ascending order (tie-break tests depend on the order)."""
    return sorted(uuid.uuid4() for _ in range(n))


def edges(*pairs: tuple[uuid.UUID, uuid.UUID], start: datetime = T0) -> None:
    """Build follows through the bulk path, one second apart in the order given."""
    rows = [
        {
            "sender_id": str(a),
            "receiver_id": str(b),
            "id": str(uuid.uuid4()),
            "created_ms": seeding.epoch_ms(start + timedelta(seconds=i)),
        }
        for i, (a, b) in enumerate(pairs)
    ]
    assert services.follows_create_many(rows) == len(rows)


def edge_count() -> int:
    return int(graph.read("MATCH ()-[r:FOLLOWS]->() RETURN count(r) AS n")[0]["n"])


def stored_counts() -> dict[str, tuple[int, int]]:
    """user_id -> (followers_count property, actual in-degree) for every user."""
    records = graph.read(
        "MATCH (u:User) RETURN u.user_id AS id, u.followers_count AS stored, "
        "COUNT { (u)<-[:FOLLOWS]-() } AS degree"
    )
    return {r["id"]: (r["stored"], r["degree"]) for r in records}


def expire_mute(muted: uuid.UUID) -> None:
    """Make every mute of ``muted`` one that ended a second ago."""
    graph.write(
        "MATCH ()-[m:MUTES {receiver_id: $id}]->() "
        "SET m.expires_at = datetime() - duration('PT1S')",
        id=str(muted),
    )
