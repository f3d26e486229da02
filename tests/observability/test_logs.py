"""JSON log lines (hornet/logs.py, LOG_FORMAT=json): every line of both services (gunicorn,
Django, the app) is one JSON object; every request is logged once with its route, status,
duration, caller and request id; tokens, cookies and post contents are never written."""

import os
import signal
import uuid

import httpx

from tests.helpers import wait_for
from tests.observability.helpers import LogTail, Stack, user, worker_pids


def _request_lines(tail: LogTail, request_id: str) -> list[dict]:
    return [
        line
        for line in tail.lines()
        if line["logger"] == "hornet.request" and line.get("request_id") == request_id
    ]


def test_every_line_is_json_and_a_request_is_logged_once_with_its_context(stack: Stack):
    posts, followers = LogTail(stack.posts), LogTail(stack.followers)
    author = user()
    request_id = f"obs-{uuid.uuid4().hex}"
    created = httpx.post(
        f"{stack.posts.url}/posts",
        json={"content": "hello"},
        headers={"X-User-ID": str(author), "X-Request-ID": request_id},
    )
    assert created.status_code == 201
    assert created.headers["X-Request-ID"] == request_id
    read = httpx.get(
        f"{stack.posts.url}/posts/{created.json()['id']}/", headers={"X-User-ID": str(author)}
    )
    wait_for(lambda: _request_lines(posts, read.headers["X-Request-ID"]), 10)
    (line,) = _request_lines(posts, request_id)
    assert line["level"] == "INFO"
    assert line["method"] == "POST"
    assert line["route"] == "/posts"
    assert line["status"] == 201
    assert line["duration_ms"] >= 0
    assert line["user_id"] == str(author)
    assert {"time", "message"} <= line.keys()
    (read_line,) = _request_lines(posts, read.headers["X-Request-ID"])
    assert read_line["route"] == "/posts/<str:id>"  # the template, not the id
    for tail in (posts, followers):
        for parsed in tail.lines():  # every line parses (json.loads above) and has the shape
            assert {"time", "level", "logger", "message"} <= parsed.keys(), parsed


def test_a_call_to_the_other_service_adds_no_line_of_its_own(stack: Stack):
    """A feed page calls the followers service: posts writes its one request line, not a
    second one from httpx (that call is in followers' request line, same request id)."""
    posts, followers = LogTail(stack.posts), LogTail(stack.followers)
    request_id = f"obs-{uuid.uuid4().hex}"
    feed = httpx.get(
        f"{stack.posts.url}/feed", headers={"X-User-ID": str(user()), "X-Request-ID": request_id}
    )
    assert feed.status_code == 200
    wait_for(lambda: _request_lines(followers, request_id), 10)
    wait_for(lambda: _request_lines(posts, request_id), 10)
    mine = [line for line in posts.lines() if line.get("request_id") == request_id]
    assert [line["logger"] for line in mine] == ["hornet.request"], mine


def test_gunicorn_lines_are_json_too(stack: Stack):
    tail = LogTail(stack.followers)
    old = worker_pids(stack.followers)
    os.kill(min(old), signal.SIGKILL)  # gunicorn's master logs the loss and the new worker
    wait_for(lambda: len(worker_pids(stack.followers) - old) == 1 and stack.followers.ready(), 30)
    wait_for(lambda: any(line["logger"] == "gunicorn.error" for line in tail.lines()), 10)


def test_probes_and_scrapes_are_logged_at_debug_only(stack: Stack):
    tail = LogTail(stack.posts)
    assert httpx.get(f"{stack.posts.url}/healthz").status_code == 200
    response = httpx.get(f"{stack.posts.url}/metrics")
    assert response.status_code == 200
    wait_for(lambda: _request_lines(tail, response.headers["X-Request-ID"]), 10)
    quiet = [
        line
        for line in tail.lines()
        if line["logger"] == "hornet.request" and line["route"] in ("/healthz", "/metrics")
    ]
    assert len(quiet) == 2
    assert all(line["level"] == "DEBUG" for line in quiet)  # probes and scrapes stay quiet


def test_no_token_cookie_or_post_content_is_logged(stack: Stack):
    tails = [LogTail(stack.posts), LogTail(stack.followers)]
    author, followee = user(), user()
    token = f"tok{uuid.uuid4().hex}"
    cookie = f"cookie{uuid.uuid4().hex}"
    content = f"content{uuid.uuid4().hex}"
    headers = {
        "X-User-ID": str(author),
        "Authorization": f"Bearer {token}",
        "Cookie": f"sessionid={cookie}; hornet_act_as={cookie}",
    }
    followed = httpx.post(
        f"{stack.followers.url}/followers", json={"receiver_id": str(followee)}, headers=headers
    )
    assert followed.status_code == 201
    assert (
        httpx.post(
            f"{stack.posts.url}/posts", json={"content": content}, headers=headers
        ).status_code
        == 201
    )
    # Refused input and a feed (the token goes on to the followers service) are logged too.
    assert (
        httpx.post(
            f"{stack.posts.url}/posts", json={"content": content, "bogus": content}, headers=headers
        ).status_code
        == 400
    )
    feed = httpx.get(f"{stack.posts.url}/feed", headers=headers)
    assert feed.status_code == 200
    wait_for(lambda: _request_lines(tails[0], feed.headers["X-Request-ID"]), 10)
    for tail in tails:
        text = tail.text()
        assert "hornet.request" in text
        for secret in (token, cookie, content):
            assert secret not in text
