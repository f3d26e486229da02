"""OpenTelemetry traces (hornet/telemetry.py, set up in each gunicorn worker after the fork):
one feed request is one trace from the posts service through its call to the followers service
(W3C traceparent, hornet.tracing) down to MongoDB commands and Neo4j transactions, exported
over OTLP by both services' real exporters, 2 workers each; probes and scrapes are not traced;
log lines carry the trace and span ids."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import httpx

from tests.helpers import wait_for
from tests.observability.helpers import LogTail, Stack, user
from tests.observability.otlp import CLIENT, CONSUMER, SERVER, Span

ROOT = Path(__file__).resolve().parents[2]
IDS_ROUTE = "followers/user/<str:user_id>/following/ids"  # Django's route template


def _feed(stack: Stack, reader: uuid.UUID, **headers: str) -> httpx.Response:
    response = httpx.get(
        f"{stack.posts.url}/feed", headers={"X-User-ID": str(reader), **headers}, timeout=5
    )
    assert response.status_code == 200
    assert response.headers.get("X-Feed-Degraded") is None
    return response


def _server_span(spans: list[Span], service: str, route: str) -> Span | None:
    return next(
        (
            s
            for s in spans
            if s.service == service and s.kind == SERVER and s.attributes.get("http.route") == route
        ),
        None,
    )


def _whole_feed_trace(stack: Stack, trace_id: str) -> list[Span] | None:
    spans = stack.collector.trace(trace_id)
    followers = _server_span(spans, "hornet-followers", IDS_ROUTE)
    posts = _server_span(spans, "hornet-posts", "feed")
    neo4j = [s for s in spans if s.name.startswith("neo4j ")]
    return spans if followers and posts and neo4j else None


def test_a_feed_request_is_one_trace_across_both_services(stack: Stack):
    wait_for(
        lambda: (
            httpx.get(f"{stack.posts.url}/feed", headers={"X-User-ID": str(user())}).headers.get(
                "X-Feed-Degraded"
            )
            is None
        ),
        15,
    )  # a breaker opened by another test
    # The caller's own trace context (Envoy's, in the mesh) is continued, not replaced.
    trace_id = uuid.uuid4().hex
    parent = uuid.uuid4().hex[:16]
    _feed(stack, user(), traceparent=f"00-{trace_id}-{parent}-01")
    spans = wait_for(lambda: _whole_feed_trace(stack, trace_id), 15)
    posts = _server_span(spans, "hornet-posts", "feed")
    followers = _server_span(spans, "hornet-followers", IDS_ROUTE)
    assert posts is not None
    assert followers is not None
    assert posts.parent_id == parent
    # The server span as OpenTelemetry's Django instrumentation names and describes it.
    assert posts.name == "GET feed"
    assert followers.name == f"GET {IDS_ROUTE}"
    assert posts.attributes["http.method"] == "GET"
    assert posts.attributes["http.status_code"] == 200
    assert str(posts.attributes["http.target"]).startswith("/feed")
    # posts' server span -> its httpx client span -> followers' server span -> a Neo4j span.
    (call,) = [s for s in spans if s.kind == CLIENT and s.span_id == followers.parent_id]
    assert call.service == "hornet-posts"
    assert call.parent_id == posts.span_id
    neo4j = [s for s in spans if s.name.startswith("neo4j ")]
    assert all(s.service == "hornet-followers" for s in neo4j)
    assert any(s.parent_id == followers.span_id for s in neo4j)
    assert all(s.attributes.get("db.system") == "neo4j" for s in neo4j)
    mongo = [
        s
        for s in spans
        if s.service == "hornet-posts" and s.attributes.get("db.system") == "mongodb"
    ]
    assert mongo
    # Commands are named, their documents (post contents) never recorded.
    for s in mongo:
        statement = str(s.attributes["db.statement"])
        assert statement.isalpha()
        assert s.name.endswith(f".{statement}")


def test_every_feed_is_traced_whichever_worker_serves_it(stack: Stack):
    ids = []
    for _ in range(8):
        trace_id = uuid.uuid4().hex
        _feed(stack, user(), traceparent=f"00-{trace_id}-{uuid.uuid4().hex[:16]}-01")
        ids.append(trace_id)
    for trace_id in ids:
        wait_for(lambda trace_id=trace_id: _whole_feed_trace(stack, trace_id), 15)


def _request_line(tail: LogTail, trace_id: str, route: str) -> dict | None:
    return next(
        (
            line
            for line in tail.lines()
            if line["logger"] == "hornet.request"
            and line.get("trace_id") == trace_id
            and line["route"] == route
        ),
        None,
    )


def test_an_unsampled_request_still_passes_its_trace_context_on(stack: Stack):
    """The caller's "not sampled" (flag 00) is kept: nothing of that trace is exported, yet the
    call to the followers service carries its context (the mesh may keep other pieces of the
    trace) and both services' request lines carry the trace id."""
    posts_log, followers_log = LogTail(stack.posts), LogTail(stack.followers)
    unsampled = uuid.uuid4().hex
    request_id = f"obs-{uuid.uuid4().hex}"
    headers = {"traceparent": f"00-{unsampled}-{uuid.uuid4().hex[:16]}-00"}
    _feed(stack, user(), **headers, **{"X-Request-ID": request_id})
    called = wait_for(lambda: _request_line(followers_log, unsampled, "/" + IDS_ROUTE), 10)
    assert called["request_id"] == request_id
    answered = wait_for(lambda: _request_line(posts_log, unsampled, "/feed"), 10)
    assert answered["span_id"] != called["span_id"]
    # Spans are exported in the order they end: once a later sampled feed is in, this would be.
    later = uuid.uuid4().hex
    _feed(stack, user(), traceparent=f"00-{later}-{uuid.uuid4().hex[:16]}-01")
    wait_for(lambda: _whole_feed_trace(stack, later), 15)
    assert stack.collector.trace(unsampled) == []


def test_probes_and_scrapes_are_not_traced(stack: Stack):
    for path in ("/healthz", "/readyz", "/metrics"):
        assert httpx.get(f"{stack.posts.url}{path}").status_code == 200
    trace_id = uuid.uuid4().hex
    _feed(stack, user(), traceparent=f"00-{trace_id}-{uuid.uuid4().hex[:16]}-01")
    # Spans are exported in the order they end: once the later feed is in, the probes would be.
    wait_for(lambda: _whole_feed_trace(stack, trace_id), 15)
    routes = {s.attributes.get("http.route") for s in stack.collector.all() if s.kind == SERVER}
    assert not {"healthz", "readyz", "metrics"} & routes
    assert not [s for s in stack.collector.all() if s.attributes.get("db.statement") == "ping"]
    targets = [
        str(s.attributes.get("http.target") or s.attributes.get("url.path"))
        for s in stack.collector.all()
    ]
    assert not [t for t in targets if t.startswith(("/healthz", "/readyz", "/metrics"))]


def test_log_lines_carry_the_trace_and_span_ids(stack: Stack):
    tail = LogTail(stack.posts)
    trace_id = uuid.uuid4().hex
    response = _feed(stack, user(), traceparent=f"00-{trace_id}-{uuid.uuid4().hex[:16]}-01")
    spans = wait_for(lambda: _whole_feed_trace(stack, trace_id), 15)
    posts = _server_span(spans, "hornet-posts", "feed")
    assert posts is not None
    (line,) = [
        line
        for line in tail.lines()
        if line["logger"] == "hornet.request"
        and line.get("request_id") == response.headers["X-Request-ID"]
    ]
    assert line["trace_id"] == trace_id
    assert line["span_id"] == posts.span_id


def _fanout_trace(stack: Stack, post_id: str) -> list[Span] | None:
    roots = [
        s
        for s in stack.collector.all()
        if s.name == "fanout post" and s.attributes.get("hornet.post_id") == post_id
    ]
    if not roots:
        return None
    spans = stack.collector.trace(roots[0].trace_id)
    followers = _server_span(
        spans, "hornet-followers", "followers/user/<str:user_id>/followers/ids"
    )
    return spans if followers else None


def test_the_fanout_worker_traces_each_post_it_delivers_across_both_services(stack: Stack):
    """One trace per fanned-out post: the worker's root span (service ``hornet-fanout``), its
    MongoDB commands, and its follower-ids call answered by the followers service; the polls
    that found nothing make no spans."""
    author = user()
    created = httpx.post(
        f"{stack.posts.url}/posts",
        json={"content": "to be fanned out"},
        headers={"X-User-ID": str(author)},
        timeout=5,
    )
    assert created.status_code == 201, created.text
    post_id = created.json()["id"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "settings.test_posts",
        "FOLLOWERS_SERVICE_URL": stack.followers.url,
        "OTEL_EXPORTER_OTLP_ENDPOINT": stack.collector.url,
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "fanout", "--once", "--threads", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    spans = wait_for(lambda: _fanout_trace(stack, post_id), 15)
    root = next(s for s in spans if s.name == "fanout post")
    assert root.service == "hornet-fanout"
    assert root.parent_id == ""
    assert root.kind == CONSUMER
    assert any(
        s.service == "hornet-fanout" and s.attributes.get("db.system") == "mongodb" for s in spans
    )
    # The worker's polls (claims that found nothing) are not traced: every fan-out span
    # belongs to a piece of work.
    worker_spans = [s for s in stack.collector.all() if s.service == "hornet-fanout"]
    roots = {s.trace_id for s in worker_spans if s.parent_id == ""}
    assert {s.trace_id for s in worker_spans} == roots
    assert all(s.name.startswith("fanout ") for s in worker_spans if s.parent_id == ""), sorted(
        {s.name for s in worker_spans if s.parent_id == ""}
    )
