"""manage.py check_consistency (followers): injected drift is found and repaired."""

import io

from django.core.management import call_command

from followers import graph, services
from followers.consistency import check_consistency
from followers.selectors import lists
from tests.followers.helpers import acting, edge_count, stored_counts, users


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("check_consistency", *args, stdout=out)
    return out.getvalue()


def test_clean_graph_reports_nothing():
    a, b, c = users(3)
    services.follow_create(caller=acting(a), receiver_id=b)
    services.follow_create(caller=acting(c), receiver_id=b)
    assert check_consistency().clean
    assert "0 drifting counts, 0 follows without id, 0 duplicated pairs" in run()


def test_count_drift_is_found_and_repaired():
    a, b, c = users(3)
    services.follow_create(caller=acting(a), receiver_id=b)
    services.follow_create(caller=acting(c), receiver_id=b)
    graph.write("MATCH (u:User {user_id: $id}) SET u.followers_count = 9", id=str(b))
    graph.write("MATCH (u:User {user_id: $id}) SET u.followers_count = -1", id=str(a))
    report = run()
    assert f"drift: user {b} followers_count 9 real 2" in report
    assert f"drift: user {a} followers_count -1 real 0" in report
    assert "2 counts recounted" in run("--repair")
    assert all(stored == degree for stored, degree in stored_counts().values())
    assert check_consistency().clean


def test_follows_without_id_and_duplicates_are_repaired():
    a, b, c = users(3)
    services.follow_create(caller=acting(a), receiver_id=b)
    # What v1 (or a hand-written script) could leave: a second edge of a pair, an edge
    # without id or time, and counts that do not match.
    graph.write(
        "MATCH (a:User {user_id: $a}), (b:User {user_id: $b}) CREATE (a)-[:FOLLOWS]->(b)",
        a=str(a),
        b=str(b),
    )
    graph.write(
        "MERGE (c:User {user_id: $c}) WITH c MATCH (b:User {user_id: $b}) "
        "CREATE (c)-[:FOLLOWS]->(b)",
        c=str(c),
        b=str(b),
    )
    report = check_consistency()
    assert report.follows_without_id == 2
    assert report.duplicate_pairs == [(str(a), str(b), 2)]
    repaired = check_consistency(repair=True)
    assert repaired.duplicates_deleted == 1
    assert repaired.ids_given == 2
    assert edge_count() == 2
    assert stored_counts()[str(b)] == (2, 2)
    assert check_consistency().clean
    # Repaired edges carry their endpoints' ids, so the lists (which seek them) show them.
    page = lists.followers_page(user_id=b, limit=10)
    assert sorted(f.sender_id for f in page.items) == sorted([a, c])
