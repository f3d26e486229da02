"""The graph schema (constraints hold on the real server) and the OpenAPI schema."""

import io
import uuid

import pytest
from django.core.management import call_command
from neo4j.exceptions import ConstraintError

from followers import graph
from followers.graph_schema import backfill_follow_keys, schema_install
from followers.selectors import lists
from tests.helpers import assert_error_codes_documented, headers_for


def test_ensure_schema_is_idempotent_and_names_every_rule():
    out = io.StringIO()
    call_command("ensure_schema", stdout=out)
    call_command("ensure_schema", stdout=out)
    lines = schema_install(io.StringIO())
    text = "\n".join(lines)
    assert "constraint_unique_User_user_id: UNIQUENESS NODE User.user_id" in text
    assert "constraint_unique_FOLLOWS_id: RELATIONSHIP_UNIQUENESS RELATIONSHIP FOLLOWS.id" in text
    assert "index_User_followers_count: RANGE INDEX NODE User.followers_count" in text
    follows_index = "RANGE INDEX RELATIONSHIP FOLLOWS.{}_id,created_at,id"
    assert "index_FOLLOWS_receiver_page: " + follows_index.format("receiver") in text
    assert "index_FOLLOWS_sender_page: " + follows_index.format("sender") in text


def test_ensure_schema_gives_older_follows_their_endpoint_ids():
    a, b, c, f1, f2 = (str(uuid.uuid4()) for _ in range(5))
    # Follows as a version before the list indexes wrote them: no sender_id / receiver_id.
    graph.write(
        "CREATE (a:User {user_id: $a}), (b:User {user_id: $b}), (c:User {user_id: $c}), "
        "(a)-[:FOLLOWS {id: $f1, created_at: datetime('2024-01-01T00:00:00Z')}]->(b), "
        "(c)-[:FOLLOWS {id: $f2, created_at: datetime('2024-01-02T00:00:00Z')}]->(b)",
        a=a,
        b=b,
        c=c,
        f1=f1,
        f2=f2,
    )
    assert lists.followers_page(user_id=uuid.UUID(b), limit=10).items == []
    call_command("ensure_schema", stdout=io.StringIO())
    page = lists.followers_page(user_id=uuid.UUID(b), limit=10)
    assert [(str(f.id), str(f.sender_id)) for f in page.items] == [(f2, c), (f1, a)]
    assert lists.following_ids_page(user_id=uuid.UUID(a), limit=10).items == [b]
    assert backfill_follow_keys() == 0  # idempotent: nothing left to do


def test_user_id_is_unique():
    graph.write("CREATE (:User {user_id: 'same'})")
    with pytest.raises(ConstraintError):
        graph.write("CREATE (:User {user_id: 'same'})")


def test_follow_id_is_unique_across_the_graph():
    graph.write(
        "CREATE (:User {user_id: 'a'})-[:FOLLOWS {id: 'f1'}]->(:User {user_id: 'b'}), "
        "(:User {user_id: 'c'})"
    )
    with pytest.raises(ConstraintError):
        graph.write(
            "MATCH (c:User {user_id: 'c'}), (b:User {user_id: 'b'}) "
            "CREATE (c)-[:FOLLOWS {id: 'f1'}]->(b)"
        )


def test_openapi_schema_validates_without_warnings():
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null", stdout=out)


def test_schema_route_documents_every_operation(api):
    response = api.get("/followers/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    operations = {op["operationId"] for item in schema["paths"].values() for op in item.values()}
    assert operations == {
        "follow_create", "follow_delete", "follow_delete_by_user", "user_relationship",
        "user_followers", "user_following", "user_following_ids", "user_follower_ids",
        "user_followers_count",
        "user_following_count", "user_mutual", "suggestions_list", "suggestion_dismiss",
        "block_create", "block_delete", "blocks_list", "mute_create", "mute_delete",
        "mutes_list", "user_excluded_ids",
    }  # fmt: skip
    assert not [p for p in schema["paths"] if p.endswith("/")]  # slash twins stay out
    create = schema["paths"]["/followers"]["post"]
    assert {"200", "201", "400", "401", "503"} <= set(create["responses"])
    assert schema["components"]["securitySchemes"]["meshIdentity"]["name"] == "X-User-ID"
    assert_error_codes_documented(schema)


def test_schema_needs_no_identity(api):
    assert api.get("/followers/schema/").status_code == 200
    assert api.get("/followers/docs", **headers_for(uuid.uuid4())).status_code == 200
