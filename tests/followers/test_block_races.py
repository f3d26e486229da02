"""A block racing follows on the real server: no follow survives, counts stay exact.

Each round releases follows of the pair (both ways) and one block at the same moment, through
the whole Django stack. Whatever order Neo4j runs them in, the block and the follows each
write-lock both users first (followers.services.blocks.lock_pair), so a follow either ran
before the block (and was deleted by it) or after it (and was refused with 403 ``blocked``).
"""

import uuid

from rest_framework.test import APIClient

from followers import services
from tests.followers.helpers import edge_count, follow, stored_counts, users
from tests.helpers import all_at_once, headers_for

ROUNDS = 5
CONTENDERS = 12


def _round(alice: uuid.UUID, bob: uuid.UUID) -> list[int]:
    """One block by alice and follows both ways, released together; the status codes."""

    def act(i: int) -> int:
        client = APIClient()
        if i == 0:
            return int(client.post(f"/followers/blocks/{bob}", **headers_for(alice)).status_code)
        sender, receiver = (alice, bob) if i % 2 else (bob, alice)
        return int(follow(client, sender, receiver).status_code)

    return all_at_once(act, CONTENDERS)


def test_block_while_follows_are_in_flight_leaves_no_follow():
    for _ in range(ROUNDS):
        alice, bob = users(2)
        for person in (alice, bob):  # nodes exist: the race is on the edges, not the upsert
            services.user_upsert(user_id=person, username=None)
        codes = _round(alice, bob)
        assert codes[0] == 201
        assert set(codes[1:]) <= {200, 201, 403}, codes
        assert edge_count() == 0
        counts = stored_counts()
        assert counts[str(alice)] == (0, 0)
        assert counts[str(bob)] == (0, 0)


def test_simultaneous_blocks_both_ways_leave_two_blocks_and_no_follow():
    alice, bob = users(2)
    follow(APIClient(), alice, bob)
    follow(APIClient(), bob, alice)

    def act(i: int) -> int:
        blocker, blocked = (alice, bob) if i % 2 else (bob, alice)
        return int(
            APIClient().post(f"/followers/blocks/{blocked}", **headers_for(blocker)).status_code
        )

    codes = all_at_once(act, 10)
    assert codes.count(201) == 2
    assert set(codes) <= {200, 201}
    assert edge_count() == 0
    assert all(stored == degree == 0 for stored, degree in stored_counts().values())
