"""OpenAPI schema, schema and explain management commands."""

import io
import json
import uuid

import pytest
import yaml
from django.core.management import CommandError, call_command
from pymongo.errors import NetworkTimeout

from posts import db, list_entries
from posts.authors import author_stats_touch
from posts.documents import now_ms, posts_collection
from posts.marks import BOOKMARKS, LIKES
from posts.serializers import PostOut, post_json
from posts.viewer import post_out
from tests.helpers import assert_error_codes_documented
from tests.posts.helpers import POST_FIELDS, stored


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
    assert {"/feed", "/posts/internal/following-changed"} <= set(paths)
    assert not [p for p in paths if p.endswith("/")]  # slash twins stay out
    assert set(paths["/posts/{id}"]) == {"get", "patch", "delete"}  # no PUT
    assert set(paths["/posts/{id}/like"]) == set(paths["/posts/{id}/bookmark"]) == {"put", "delete"}
    assert {"/posts/{id}/likes", "/posts/liked", "/posts/bookmarks"} <= set(paths)
    assert {"201", "400", "401", "404"} <= set(paths["/posts"]["post"]["responses"])
    assert {"403", "404"} <= set(paths["/posts/{id}"]["delete"]["responses"])
    get_author = paths["/posts/author/{author_id}"]["get"]
    assert {p["name"] for p in get_author["parameters"]} >= {"author_id", "limit", "cursor"}
    assert set(schema["components"]["schemas"]["Post"]["properties"]) == POST_FIELDS
    assert_error_codes_documented(schema)


def test_schema_is_served_without_identity(api):
    response = api.get("/posts/schema?format=json")
    assert response.status_code == 200
    assert "/posts/{id}/context" in json.loads(response.content)["paths"]


def test_output_builder_matches_declared_output(alice):
    post = stored(alice)
    assert set(post_out(post.to_mongo(), alice)) == set(PostOut().fields) == POST_FIELDS
    assert set(post_json(post.to_mongo())) == POST_FIELDS - {"liked", "bookmarked"}


def test_ensure_schema_is_idempotent_and_creates_the_indexes():
    for _ in range(2):
        call_command("ensure_schema", stdout=io.StringIO())
    indexes = posts_collection().index_information()
    keys = {name: [k for k, _ in spec["key"]] for name, spec in indexes.items()}
    assert keys["author_timeline"] == ["author_id", "created_at", "_id"]
    assert indexes["author_timeline"]["key"] == [("author_id", 1), ("created_at", -1), ("_id", -1)]
    assert keys["replies_by_time"] == ["parent_post_id", "created_at", "_id"]
    assert keys["shares_by_original"] == ["original_post_id"]
    lists = list_entries.entries().index_information()[list_entries.INDEX]
    assert (lists["key"], lists.get("unique")) == ([("k", 1), ("t", -1), ("p", -1)], True)
    likes = LIKES.collection().index_information()
    assert likes["likes_by_post"]["key"] == [("p", 1), ("t", -1), ("u", -1)]
    assert likes["likes_by_user"]["key"] == [("u", 1), ("t", -1), ("p", -1)]
    assert set(BOOKMARKS.collection().index_information()) >= {"bookmarks_by_user"}


def test_explain_queries_reports_each_query_and_the_timeline_uses_an_index_on_mongodb():
    out = io.StringIO()
    call_command("explain_queries", stdout=out)
    lines = out.getvalue().splitlines()
    server = lines[0]
    report = {line.split(":", 1)[0]: line for line in lines[1:]}
    assert {"timeline/feed first window", "timeline/feed next page", "replies next page"} <= set(
        report
    )
    assert {"tag timeline next page", "likes of a post", "viewer flags of a page"} <= set(report)
    if "FerretDB" in server:
        # FerretDB's SQLite backend pushes down only {_id: <string or ObjectId>}: every
        # query here is a full scan there, whatever the indexes (see explain_queries).
        assert "sqlite:" in report["timeline/feed first window"]
    else:
        assert "INDEX" in report["timeline/feed first window"]
        assert "INDEX" in report["timeline/feed next page"]
        call_command("explain_queries", "--require-index", stdout=io.StringIO())


@pytest.mark.parametrize("flag", ["--verbose-plans"])
def test_explain_queries_verbose(flag):
    out = io.StringIO()
    call_command("explain_queries", flag, stdout=out)
    assert "queryPlanner" in out.getvalue() or "Plan" in out.getvalue()


def burst(author: uuid.UUID, count: int = 20_000) -> None:
    """``count`` posts by one author in the same millisecond: the one shape whose page no
    time window can narrow (posts.windows), so even an indexed read takes far over 1 ms on
    a server that does not stop its index scan at the limit, and FerretDB scans anyway."""
    moment = now_ms()
    author_stats_touch(author_id=author, at=moment)
    posts_collection().insert_many(
        [
            {"_id": uuid.uuid4(), "author_id": author, "content": "x", "created_at": moment}
            for _ in range(count)
        ]
    )


def test_a_read_past_its_time_limit_is_stopped_by_the_server_and_answered_503(settings, api, alice):
    burst(alice)
    settings.MONGO_QUERY_TIMEOUT_MS = 1
    response = api.get(f"/posts/author/{alice}", HTTP_X_USER_ID=str(alice))
    assert response.status_code == 503, response.content
    assert response.json()["code"] == "database_unavailable"
    settings.MONGO_QUERY_TIMEOUT_MS = 0  # no limit
    response = api.get(f"/posts/author/{alice}", HTTP_X_USER_ID=str(alice))
    assert response.status_code == 200
    assert len(response.json()) == 20


def test_management_commands_are_not_bound_by_the_request_socket_timeout(settings, alice):
    """On MongoDB an index build on a million posts outlasts a request's socket timeout."""
    burst(alice)
    original = settings.MONGO_SOCKET_TIMEOUT_MS
    settings.MONGO_SOCKET_TIMEOUT_MS = 1
    db.connect()
    out = io.StringIO()
    try:
        with pytest.raises(NetworkTimeout):  # a request's client gives up after 1 ms
            # alice's 20,000 posts are read, none matches: slow on every server
            posts_collection().find_one({"author_id": alice, "content": "absent"})
        call_command("ensure_schema", stdout=out)
        call_command("check_consistency", stdout=out)
        call_command("explain_queries", stdout=out)
    finally:
        settings.MONGO_SOCKET_TIMEOUT_MS = original
        db.connect()
    assert "author_timeline" in out.getvalue()


def test_a_management_command_fails_at_once_when_the_database_is_down(settings):
    original = settings.MONGO_URI
    settings.MONGO_URI = "mongodb://127.0.0.1:9/"  # nothing listens there
    db.connect()
    try:
        with pytest.raises(CommandError, match="MongoDB does not answer"):
            call_command("ensure_schema", stdout=io.StringIO())
    finally:
        settings.MONGO_URI = original
        db.connect()
