"""Small helpers shared by the test packages (no fixtures here; see conftest.py files)."""

import ast
import os
import re
import subprocess
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import httpx

from tests.support import env

T = TypeVar("T")
ROOT = Path(__file__).resolve().parent.parent

# Numbers a client may send that are not ASCII digits (issue 13 item 3): str.isdigit() is true
# for the first five and int() refuses them; int() reads the next ones; the last are ASCII junk.
NOT_ASCII_DIGITS = [
    "\u00b2",  # superscript two
    "\u00b9",  # superscript one
    "\u2460",  # circled one
    "\u2082",  # subscript two
    "\u1369",  # Ethiopic digit one
    "\u0663",  # Arabic-Indic three
    "\uff11\uff10",  # fullwidth 10
    "\U0001d7d3",  # mathematical bold five
    "5\u200b",
    "+5",
    "5_0",
    " 5",
    "0x5",
]


def headers_for(user_id: uuid.UUID | str, username: str | None = None) -> dict[str, str]:
    """Identity headers as the mesh writes them (Django test client form)."""
    h = {"HTTP_X_USER_ID": str(user_id)}
    if username:
        h["HTTP_X_USERNAME"] = username
    return h


# A timestamp as the API writes it: RFC 3339, UTC, milliseconds.
RFC3339_UTC_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def get(api: Any, user: uuid.UUID, path: str) -> Any:
    """GET ``path`` through a Django test client as ``user``."""
    return api.get(path, **headers_for(user))


def assert_refused(response: Any, field: str) -> None:
    """A 400 in the one error format whose details name ``field``."""
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    assert field in body["details"], body


def next_link(response: Any) -> str | None:
    """The target of the response's ``Link: <...>; rel="next"`` header, or None on the last page."""
    link = response.headers.get("Link")  # a Django test response or an httpx one
    if not link:
        return None
    match = re.fullmatch(r'<([^>]+)>; rel="next"', link)
    assert match, link
    return match.group(1)


def db_script(name: str, action: str) -> subprocess.CompletedProcess[str]:
    """Run scripts/db/<name>.sh <action> on the test stack (its ports, password and state
    folder); ``mongo`` names the configured MongoDB-wire server (secantus or ferretdb)."""
    if name == "mongo":
        name = env.mongo_server()
    return subprocess.run(
        [str(ROOT / "scripts" / "db" / f"{name}.sh"), action],
        env={**os.environ, **env.stack_env()},
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


def all_at_once(work: Callable[[int], T], n: int) -> list[T]:
    """Run ``work(i)`` for i in range(n) in n threads released together by a barrier (the
    concurrency tests' contenders); the results in order."""
    barrier = threading.Barrier(n)

    def run(i: int) -> T:
        barrier.wait()
        return work(i)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


def http_status(url: str) -> int:
    try:
        return httpx.get(url, timeout=2).status_code
    except httpx.HTTPError:
        return 0


def unthrottled_write_views() -> list[str]:
    """Every DRF view of the current urlconf that answers a write without the write throttle."""
    from django.urls import URLPattern, URLResolver, get_resolver

    from hornet.throttling import WriteRateThrottle

    def walk(patterns: list[Any]) -> list[Any]:
        found = []
        for p in patterns:
            if isinstance(p, URLResolver):
                found += walk(p.url_patterns)
            elif isinstance(p, URLPattern):
                found.append(p)
        return found

    missing = []
    for pattern in walk(get_resolver().url_patterns):
        cls = getattr(pattern.callback, "cls", None)
        if cls is None:
            continue
        writes = {"post", "put", "patch", "delete"}
        actions = getattr(pattern.callback, "actions", None)
        methods = set(actions) if actions else {m for m in writes if hasattr(cls, m)}
        if not methods & writes:
            continue
        throttles = [type(t) for t in cls().get_throttles()]
        if WriteRateThrottle not in throttles:
            missing.append(str(pattern.pattern))
    return missing


class FlakyStore:
    """An IdempotencyStore that fails like its database during an outage (``down = True``)."""

    def __init__(self, real: Any):
        self.real = real
        self.down = False

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.real, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            if self.down:
                from hornet.errors import DatabaseUnavailable

                raise DatabaseUnavailable()
            return method(*args, **kwargs)

        return call


def assert_error_codes_documented(schema: dict[str, Any]) -> None:
    """An OpenAPI schema's ``Error`` body has a ``code`` from the ``ErrorCode`` enum, which
    lists every member of hornet.errors.ErrorCode with its description."""
    from hornet.errors import ERROR_CODE_DESCRIPTIONS, ErrorCode

    schemas = schema["components"]["schemas"]
    code = schemas["Error"]["properties"]["code"]
    assert code["allOf"] == [{"$ref": "#/components/schemas/ErrorCode"}]
    described = dict(
        line[3:].split("` - ", 1) for line in schemas["ErrorCode"]["description"].splitlines()
    )
    assert list(described) == schemas["ErrorCode"]["enum"]
    assert described == {code.value: ERROR_CODE_DESCRIPTIONS[code] for code in ErrorCode}


def env_defaults(path: Path) -> dict[str, Any]:
    """``env.<type>("NAME", default=...)`` and ``os.environ.get("NAME", default)`` calls of a
    settings-like module, read with ast: {NAME: default or None}. Nothing is imported."""
    found: dict[str, Any] = {}
    for node in ast.walk(ast.parse(path.read_text())):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if not node.args or not isinstance(node.args[0], ast.Constant):
            continue
        name = node.args[0].value
        if not isinstance(name, str) or not name.isupper():
            continue
        owner = node.func.value
        is_env = isinstance(owner, ast.Name) and owner.id == "env"
        is_os = isinstance(owner, ast.Attribute) and owner.attr == "environ"
        if not (is_env or is_os):
            continue
        default = None
        for kw in node.keywords:
            if kw.arg == "default" and isinstance(kw.value, ast.Constant):
                default = kw.value.value
        if is_os and len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
            default = node.args[1].value
        found[name] = default
    return found
