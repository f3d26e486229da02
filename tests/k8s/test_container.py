"""The image and the compose stack, read as text: what `docker build` / `docker compose`
would do cannot be run here (no Docker engine), so its promises are checked instead."""

from __future__ import annotations

import re
from typing import Any

from tests.k8s.conftest import ROOT


def _stages() -> list[list[str]]:
    lines, stages = [], []
    for raw in (ROOT / "Dockerfile").read_text().replace("\\\n", " ").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            stages.append([])
        if stages:
            stages[-1].append(line)
        lines.append(line)
    return stages


def test_multi_stage_with_the_same_base() -> None:
    stages = _stages()
    assert len(stages) >= 2
    bases = {stage[0].split()[1] for stage in stages}
    assert len(bases) == 1, f"builder and runtime must share the base (venv symlinks): {bases}"
    assert bases.pop() == "${BASE_IMAGE}"
    # The base is a build argument (make image passes its registry-free one); the default,
    # declared before the first stage, is the official image.
    preamble = (ROOT / "Dockerfile").read_text().split("\nFROM ", 1)[0]
    default = re.findall(r"^ARG BASE_IMAGE=(\S+)$", preamble, re.MULTILINE)
    assert default, "ARG BASE_IMAGE=<default> before the first FROM"
    assert default[0].startswith("python:3.11-slim")


def test_runtime_stage_is_non_root_quiet_and_compiler_free() -> None:
    runtime = " \n".join(_stages()[-1])
    user = re.findall(r"^USER\s+(\S+)", runtime, re.MULTILINE)[-1]
    uid = user.split(":")[0]
    uid = uid.replace("${HORNET_UID}", "10001")
    assert uid.isdigit()
    assert uid != "0"
    assert "PYTHONDONTWRITEBYTECODE=1" in runtime
    assert "PYTHONUNBUFFERED=1" in runtime
    for word in ("apt-get", "gcc", "build-essential", "pip install"):
        assert word not in runtime, word
    assert 'ENTRYPOINT ["gunicorn", "-c", "python:hornet.gunicorn_conf"' in runtime


def test_build_context_leaves_out_secrets_state_and_dev_settings() -> None:
    ignore = (ROOT / ".dockerignore").read_text().splitlines()
    for pattern in ("**", "**/.env", "settings/_dev.py", "settings/dev_*.py", "settings/test_*.py"):
        assert pattern in ignore, pattern
    for kept in ("!hornet/", "!settings/", "!posts/", "!followers/", "!requirements.txt"):
        assert kept in ignore, kept


def test_compose_stack(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["mongo"]["image"].startswith("mongo:7")
    assert "--replSet" in services["mongo"]["command"]
    assert "rs.initiate" in " ".join(services["mongo"]["healthcheck"]["test"])
    assert services["neo4j"]["image"].startswith("neo4j:5")
    assert "community" in services["neo4j"]["image"]
    assert services["neo4j"]["environment"]["NEO4J_AUTH"].startswith("neo4j/")
    keycloak = services["keycloak"]
    assert keycloak["image"].startswith("quay.io/keycloak/keycloak:26")
    assert "--import-realm" in keycloak["command"]
    assert "./keycloak:/opt/keycloak/data/import:ro" in keycloak["volumes"]
    for service in ("posts", "followers"):
        app = services[service]
        schema = services[f"{service}-schema"]
        assert (
            app["depends_on"][f"{service}-schema"]["condition"] == "service_completed_successfully"
        )
        assert schema["entrypoint"] == ["python", "manage.py", "ensure_schema"]
        assert schema["environment"]["DJANGO_SETTINGS_MODULE"] == f"settings.{service}"
        for container in (app, schema):
            assert container["read_only"] is True
            assert "/tmp" in container["tmpfs"]
            assert container["cap_drop"] == ["ALL"]
            assert container["build"] == "."
