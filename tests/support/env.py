"""The test stack's addresses and credentials, as scripts/stack.sh exports them.

`make test` runs pytest with ``scripts/stack.sh env`` exported; a pytest started by hand without
them asks the same script once (STACK=test), so no port or password is written anywhere else.
"""

import functools
import os
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import neo4j
import pymongo

ROOT = Path(__file__).resolve().parents[2]


@functools.cache
def stack_env() -> dict[str, str]:
    """Every variable of ``scripts/stack.sh env`` for the test stack; this process's own value
    wins where it has one."""
    out = subprocess.run(
        [str(ROOT / "scripts" / "stack.sh"), "env"],
        env={**os.environ, "STACK": "test"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    return {k: os.environ.get(k) or v for k, v in found.items()}


def var(name: str) -> str:
    return os.environ.get(name) or stack_env()[name]


def mongo_uri() -> str:
    return var("MONGO_URI")


def mongo_db() -> str:
    return var("MONGO_DB")


def neo4j_uri() -> str:
    return var("NEO4J_URI")


def neo4j_auth(password: str | None = None) -> tuple[str, str]:
    return (os.environ.get("NEO4J_USER", "neo4j"), password or var("NEO4J_PASSWORD"))


def address(url: str) -> tuple[str, int]:
    """(host, port) of a server URL such as MONGO_URI or NEO4J_URI."""
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", int(parts.port or 0)


def state_dir() -> str:
    return var("HORNET_STATE_DIR")


def logs_dir() -> Path:
    path = Path(state_dir()) / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def mongo_server() -> str:
    """The MongoDB-wire server the tests run on: secantus or ferretdb."""
    return var("HORNET_MONGO_SERVER")


def mongo_client() -> pymongo.MongoClient:
    """A client of the test stack's MongoDB-wire server (close it, or use ``with``)."""
    return pymongo.MongoClient(
        mongo_uri(), uuidRepresentation="standard", serverSelectionTimeoutMS=3000
    )


def neo4j_driver(password: str | None = None) -> neo4j.Driver:
    """A driver for the test stack's Neo4j (close it, or use ``with``)."""
    return neo4j.GraphDatabase.driver(neo4j_uri(), auth=neo4j_auth(password))
