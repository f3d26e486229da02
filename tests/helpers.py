"""Small helpers shared by the test packages (no fixtures here; see conftest.py files)."""

import os
import re
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent


def headers_for(user_id: uuid.UUID | str, username: str | None = None) -> dict[str, str]:
    """Identity headers as the mesh writes them (Django test client form)."""
    h = {"HTTP_X_USER_ID": str(user_id)}
    if username:
        h["HTTP_X_USERNAME"] = username
    return h


def next_link(response: Any) -> str | None:
    """The target of the response's ``Link: <...>; rel="next"`` header, or None on the last page."""
    link = response.get("Link")
    if not link:
        return None
    match = re.fullmatch(r'<([^>]+)>; rel="next"', link)
    assert match, link
    return match.group(1)


def state_dir() -> str:
    return os.environ.get("HORNET_STATE_DIR", str(ROOT / ".state" / "test"))


def mongo_server() -> str:
    """The MongoDB-wire server the tests run on (scripts/stack.sh exports it)."""
    return os.environ.get("HORNET_MONGO_SERVER", "secantus")


def db_script(name: str, action: str) -> subprocess.CompletedProcess[str]:
    """Run scripts/db/<name>.sh <action> against the test stack's state folder; ``mongo`` names
    the configured MongoDB-wire server (secantus or ferretdb)."""
    if name == "mongo":
        name = mongo_server()
    env = {**os.environ, "HORNET_STATE_DIR": state_dir()}
    env.setdefault("MONGO_PORT", os.environ.get("FERRETDB_PORT", "27217"))
    env.setdefault("NEO4J_BOLT_PORT", "7887")
    env.setdefault("NEO4J_PASSWORD", "hornet-test-password")
    return subprocess.run(
        [str(ROOT / "scripts" / "db" / f"{name}.sh"), action],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.2):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(interval)


def http_status(url: str) -> int:
    try:
        return httpx.get(url, timeout=2).status_code
    except httpx.HTTPError:
        return 0
