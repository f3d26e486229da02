"""The built image, run as production runs it (read-only root, no capabilities, non-root, host
network on loopback) against the test stack's real database servers: both services and the
fan-out worker serve a small social network, readiness follows a database, and the image
ships no compilers, no development settings, no tests, and stays within its size budget.
"""

from __future__ import annotations

import re
import uuid

import httpx
import pytest

from tests.helpers import wait_for
from tests.image.conftest import (
    IMAGE,
    ROOT,
    Containers,
    Stack,
    image_inspect,
    podman,
    ready,
)
from tests.reliability.stack import as_user

pytestmark = pytest.mark.skipif(not IMAGE, reason="HORNET_IMAGE is not set: make image-check")

# What a container must not hold (run inside it with its own Python).
CONTENTS = """
import glob, os, shutil, sys
found = [tool for tool in ("gcc", "cc", "c++", "g++", "clang", "ld", "make") if shutil.which(tool)]
found += glob.glob("/app/settings/_dev.py") + glob.glob("/app/settings/dev_*.py")
found += glob.glob("/app/settings/test_*.py") + glob.glob("/app/tests")
found += glob.glob("/opt/venv/bin/pip*") + glob.glob("/opt/venv/lib/python3*/site-packages/test")
print(" ".join(found))
"""

HARDENED = """
import os
status = dict(line.split(":", 1) for line in open("/proc/self/status"))
try:
    open("/app/written-by-the-app", "w")
    writable = True
except OSError:
    writable = False
print(os.getuid(), os.getgid(), int(status["CapEff"], 16), status["NoNewPrivs"].strip(), writable)
"""


def test_services_run_non_root_read_only_without_capabilities(containers: Containers) -> None:
    for role in ("posts", "followers", "fanout"):
        done = containers.exec_python(role, HARDENED)
        assert done.returncode == 0, done.stderr
        assert done.stdout.split() == ["10001", "10001", "0", "1", "False"], role


def test_the_images_healthcheck_passes(containers: Containers) -> None:
    # The Dockerfile's HEALTHCHECK (kept by the Docker image format), run once by podman.
    for role in ("posts", "followers"):
        done = podman("healthcheck", "run", containers.names[role], check=False)
        assert done.returncode == 0, f"{role}: {done.stdout} {done.stderr}"


def test_image_has_no_compilers_dev_settings_tests_or_pip(containers: Containers) -> None:
    done = containers.exec_python("posts", CONTENTS)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_image_size_within_the_documented_budget() -> None:
    text = (ROOT / "docs" / "deployment.md").read_text()
    found = re.search(r"image\s+size\s+budget:\s+\*\*(\d+) MB\*\*", text)
    assert found, "docs/deployment.md states the image size budget"
    size_mb = int(str(image_inspect()["Size"])) / 1e6
    assert size_mb <= int(found.group(1)), f"{size_mb:.0f} MB"


def test_post_follow_feed_and_suggestions_through_both_containers(
    containers: Containers,
) -> None:
    stack = containers.stack
    alice, bob, carol = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    created = post(stack, bob, "hello from bob")
    follow(stack, alice, bob)
    with as_user(alice) as client:
        feed = client.get(f"{stack.posts_url}/feed")
        assert feed.status_code == 200, feed.text
        assert [p["id"] for p in feed.json()] == [created["id"]]
    follow(stack, carol, alice)
    with as_user(carol) as client:
        suggestions = client.get(f"{stack.followers_url}/followers/suggestions")
        assert suggestions.status_code == 200, suggestions.text
        assert str(bob) in [s["user_id"] for s in suggestions.json()]


def test_identity_is_required(containers: Containers) -> None:
    refused = httpx.post(f"{containers.stack.posts_url}/posts", json={"content": "x"}, timeout=15)
    assert refused.status_code == 401, refused.text
    assert set(refused.json()) == {"code", "message", "details"}


def test_fanout_worker_delivers_new_posts(containers: Containers) -> None:
    stack = containers.stack
    reader, author = uuid.uuid4(), uuid.uuid4()
    follow(stack, reader, author)
    with as_user(reader) as client:
        assert client.get(f"{stack.posts_url}/feed").status_code == 200  # a stored timeline
    created = post(stack, author, "fanned out")
    # The worker claims the post and writes it into the reader's timeline: the queue drains.
    wait_for(lambda: fanout_queue_depth(stack.posts_url) == 0, timeout=60)
    assert containers.running("fanout")
    alive = containers.exec_python(
        "fanout",
        "import os, time; print(time.time() - os.path.getmtime('/tmp/fanout-alive') < 60)",
    )
    assert alive.stdout.strip() == "True", alive.stderr
    with as_user(reader) as client:
        feed = client.get(f"{stack.posts_url}/feed")
        assert created["id"] in [p["id"] for p in feed.json()]


def post(stack: Stack, author: uuid.UUID, content: str) -> dict[str, str]:
    with as_user(author) as client:
        created = client.post(f"{stack.posts_url}/posts", json={"content": content})
    assert created.status_code == 201, created.text
    body: dict[str, str] = created.json()
    return body


def follow(stack: Stack, who: uuid.UUID, whom: uuid.UUID) -> None:
    with as_user(who) as client:
        done = client.post(f"{stack.followers_url}/followers", json={"receiver_id": str(whom)})
    assert done.status_code == 201, done.text


def fanout_queue_depth(posts_url: str) -> float:
    metrics = httpx.get(f"{posts_url}/metrics", timeout=15).text
    found = re.search(r"^hornet_fanout_queue_depth (\S+)$", metrics, re.MULTILINE)
    assert found, "the posts service exports hornet_fanout_queue_depth"
    return float(found.group(1))


def test_readyz_follows_the_database(containers: Containers) -> None:
    """Last: it stops the test stack's MongoDB-wire server, then starts it again."""
    stack = containers.stack
    stack.mongo("stop")
    try:
        wait_for(lambda: not ready(stack.posts_url), timeout=30)
        response = httpx.get(f"{stack.posts_url}/readyz", timeout=15)
        assert response.status_code == 503
        assert response.json()["status"] == "unavailable"
        assert ready(stack.followers_url)
    finally:
        stack.mongo("start")
    wait_for(lambda: ready(stack.posts_url), timeout=60)
