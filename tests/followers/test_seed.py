"""``manage.py seed`` for the followers service, on the test Neo4j (small seeds)."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from followers import graph
from hornet.seeding import realm_users, seed_users, user_id_for
from tests.followers.helpers import edge_count, stored_counts

SMALL = ["--users", "50", "--avg-follows", "6", "--seed", "7", "--batch", "40"]
FOLLOWS = "MATCH (a:User)-[r:FOLLOWS]->(b:User) RETURN a.user_id AS a, b.user_id AS b, r.id AS id"


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed", *args, "-v", "0", stdout=out)
    return out.getvalue()


def follows() -> set[tuple[str, str, str]]:
    return {(r["a"], r["b"], r["id"]) for r in graph.read(FOLLOWS)}


def test_same_seed_same_graph_and_the_posts_seed_users():
    seed(*SMALL)
    first = follows()
    names = {
        r["id"]: r["name"]
        for r in graph.read("MATCH (u:User) RETURN u.user_id AS id, u.username AS name")
    }
    seed(*SMALL, "--reset", "--yes")
    assert follows() == first
    expected = {str(u.user_id): u.username for u in seed_users(7, 50)}
    assert names == expected
    assert set(expected) == {str(user_id_for(7, i)) for i in range(50)}
    seed("--users", "50", "--avg-follows", "6", "--seed", "8", "--reset", "--yes")
    assert not {f[2] for f in first} & {f[2] for f in follows()}


def test_shape_counts_and_invariants():
    out = seed(*SMALL)
    assert edge_count() == 300  # 50 users x 6
    assert "300 new follows" in out
    counts = stored_counts()
    assert len(counts) == 50
    assert all(stored == degree for stored, degree in counts.values())  # followers_count
    pairs = [(a, b) for a, b, _ in follows()]
    assert len(pairs) == len(set(pairs))
    assert all(a != b for a, b in pairs)
    # Every edge carries its endpoints' ids, which the follow lists seek.
    keys = graph.read(
        "MATCH (a:User)-[r:FOLLOWS]->(b:User) "
        "RETURN count(*) AS n, sum(toInteger(r.sender_id = a.user_id "
        "AND r.receiver_id = b.user_id)) AS ok"
    )[0]
    assert keys["ok"] == keys["n"] == 300
    degrees = sorted((degree for _, degree in counts.values()), reverse=True)
    assert degrees[0] >= 4 * degrees[len(degrees) // 2]  # a few popular accounts
    times = graph.read(
        "MATCH ()-[r:FOLLOWS]->() RETURN min(r.created_at) AS lo, max(r.created_at) AS hi"
    )
    spread = graph.native(times[0]["hi"]) - graph.native(times[0]["lo"])
    assert spread.days > 60
    # Seeding the same seed again changes nothing: MERGE, and counts rise only for new edges.
    assert "0 new follows" in seed(*SMALL)
    assert edge_count() == 300
    assert all(stored == degree for stored, degree in stored_counts().values())


def test_if_empty_keeps_the_existing_graph():
    seed(*SMALL)
    before = follows()
    out = seed("--users", "10", "--avg-follows", "2", "--seed", "9", "--if-empty")
    assert "not seeding" in out
    assert follows() == before


def test_reset_wipes_only_the_followers_graph():
    seed(*SMALL)
    graph.write("CREATE (:NotOurs {name: 'kept'}), (:IdempotencyKey {id: 'ours'})")
    seed("--users", "10", "--avg-follows", "2", "--seed", "9", "--reset", "--yes")
    assert edge_count() == 20
    assert len(stored_counts()) == 10
    assert graph.read("MATCH (n:NotOurs) RETURN count(n) AS n")[0]["n"] == 1
    assert graph.read("MATCH (n:IdempotencyKey) RETURN count(n) AS n")[0]["n"] == 0


def test_reset_without_yes_refuses_off_a_terminal():
    seed(*SMALL)
    with pytest.raises(CommandError, match="--yes"):
        seed("--reset")
    assert edge_count() == 300


def test_demo_includes_the_keycloak_users_who_follow_each_other():
    seed("--demo")
    realm = realm_users()
    assert realm
    ids = [str(u.user_id) for u in realm]
    found = graph.read(
        "MATCH (u:User) WHERE u.user_id IN $ids RETURN u.user_id AS id, u.username AS name, "
        "COUNT { (u)-[:FOLLOWS]->() } AS following",
        ids=ids,
    )
    assert {(r["id"], r["name"]) for r in found} == {(str(u.user_id), u.username) for u in realm}
    assert all(r["following"] >= len(realm) - 1 for r in found)
    alice, *others = ids
    assert {
        r["b"]
        for r in graph.read(FOLLOWS.replace("RETURN", "WHERE a.user_id = $me RETURN"), me=alice)
    } >= set(others)
    assert len(stored_counts()) == 60 + len(realm)
