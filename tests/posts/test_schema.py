"""OpenAPI schema, schema and explain management commands."""

import io
import json

import pytest
import yaml
from django.core.management import call_command

from posts.documents import posts_collection
from posts.serializers import PostOut, post_json
from tests.posts.conftest import stored
from tests.posts.helpers import V1_FIELDS


def test_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "posts.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = yaml.safe_load(out.read_text())
    paths = schema["paths"]
    assert set(paths) >= {
        "/posts",
        "/posts/{id}",
        "/posts/author/{author_id}",
        "/posts/{id}/replies",
        "/posts/{id}/context",
    }
    assert set(paths["/posts"]) == {"post"}
    assert set(paths["/posts/{id}"]) == {"get", "patch", "delete"}  # no PUT
    assert {"201", "400", "401", "404"} <= set(paths["/posts"]["post"]["responses"])
    assert {"403", "404"} <= set(paths["/posts/{id}"]["delete"]["responses"])
    get_author = paths["/posts/author/{author_id}"]["get"]
    assert {p["name"] for p in get_author["parameters"]} >= {"author_id", "limit", "cursor"}
    assert set(schema["components"]["schemas"]["Post"]["properties"]) == V1_FIELDS


def test_schema_is_served_without_identity(api):
    response = api.get("/posts/schema?format=json")
    assert response.status_code == 200
    assert "/posts/{id}/context" in json.loads(response.content)["paths"]


def test_output_builder_matches_declared_output(alice):
    post = stored(alice)
    assert set(post_json(post.to_mongo())) == set(PostOut().fields) == V1_FIELDS


def test_ensure_schema_is_idempotent_and_creates_the_indexes():
    for _ in range(2):
        call_command("ensure_schema", stdout=io.StringIO())
    indexes = posts_collection().index_information()
    keys = {name: [k for k, _ in spec["key"]] for name, spec in indexes.items()}
    assert keys["author_timeline"] == ["author_id", "created_at", "_id"]
    assert indexes["author_timeline"]["key"] == [("author_id", 1), ("created_at", -1), ("_id", -1)]
    assert keys["replies_by_time"] == ["parent_post_id", "created_at", "_id"]
    assert keys["shares_by_original"] == ["original_post_id"]


def test_explain_queries_reports_each_query_and_the_timeline_uses_an_index_on_mongodb():
    out = io.StringIO()
    call_command("explain_queries", stdout=out)
    lines = out.getvalue().splitlines()
    server = lines[0]
    report = {line.split(":", 1)[0]: line for line in lines[1:]}
    assert {"timeline first page", "timeline next page", "replies next page"} <= set(report)
    if "FerretDB" in server:
        # FerretDB's SQLite backend pushes down only {_id: <string or ObjectId>}: every
        # query here is a full scan there, whatever the indexes (see explain_queries).
        assert "sqlite:" in report["timeline first page"]
    else:
        assert "INDEX" in report["timeline first page"]
        assert "INDEX" in report["timeline next page"]
        call_command("explain_queries", "--require-index", stdout=io.StringIO())


@pytest.mark.parametrize("flag", ["--verbose-plans"])
def test_explain_queries_verbose(flag):
    out = io.StringIO()
    call_command("explain_queries", flag, stdout=out)
    assert "queryPlanner" in out.getvalue() or "Plan" in out.getvalue()
