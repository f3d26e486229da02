"""Fixtures for the deployment policy tests: rendered overlays, settings defaults, realm.

No Django settings are needed. Run standalone (make k8s-check runs exactly this):

    .venv/bin/python -m pytest -p no:cacheprovider -p no:django --confcutdir=tests/k8s tests/k8s

The overlays are rendered with kustomize from K8S_RENDERED_DIR (written by
scripts/k8s-check.sh) or, when that is unset, by running kustomize here ($KUSTOMIZE,
.cache/bin/kustomize or PATH; `make k8s-check` installs it).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers import env_defaults

ROOT = Path(__file__).resolve().parents[2]
OVERLAYS = ("dev", "prod")


def _kustomize() -> str:
    for candidate in (os.environ.get("KUSTOMIZE"), str(ROOT / ".cache/bin/kustomize")):
        if candidate and Path(candidate).is_file():
            return candidate
    found = shutil.which("kustomize")
    if found:
        return found
    pytest.fail("kustomize not found: run `make k8s-check` once (it installs .cache/bin/kustomize)")


def _render(target: str) -> list[dict[str, Any]]:
    rendered_dir = os.environ.get("K8S_RENDERED_DIR")
    if rendered_dir:
        text = (Path(rendered_dir) / f"{target}.yaml").read_text()
    else:
        path = ROOT / "k8s" / ("base" if target == "base" else f"overlays/{target}")
        text = subprocess.run(
            [_kustomize(), "build", str(path)], check=True, capture_output=True, text=True
        ).stdout
    return [doc for doc in yaml.safe_load_all(text) if doc]


class Manifests:
    """One rendered overlay, with the lookups the tests need."""

    def __init__(self, name: str, docs: list[dict[str, Any]]) -> None:
        self.name = name
        self.docs = docs

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [doc for doc in self.docs if doc["kind"] == kind]

    def one(self, kind: str, name: str) -> dict[str, Any]:
        found = [doc for doc in self.of(kind) if doc["metadata"]["name"] == name]
        assert len(found) == 1, f"{self.name}: expected one {kind}/{name}, found {len(found)}"
        return found[0]

    def configmap(self, prefix: str) -> dict[str, Any]:
        """A generated ConfigMap by its base name (kustomize appends a content hash)."""
        found = [
            doc
            for doc in self.of("ConfigMap")
            if doc["metadata"]["name"] == prefix or doc["metadata"]["name"].startswith(prefix + "-")
        ]
        assert len(found) == 1, f"{self.name}: expected one ConfigMap {prefix}*, found {found}"
        return found[0]

    @property
    def namespace(self) -> str:
        return self.one("Deployment", "hornet-posts")["metadata"].get("namespace", "default")


@pytest.fixture(scope="session", params=OVERLAYS)
def overlay(request: pytest.FixtureRequest) -> Manifests:
    return _rendered(request.param)


@pytest.fixture(scope="session")
def prod() -> Manifests:
    return _rendered("prod")


_CACHE: dict[str, Manifests] = {}


def _rendered(name: str) -> Manifests:
    if name not in _CACHE:
        _CACHE[name] = Manifests(name, _render(name))
    return _CACHE[name]


@pytest.fixture(scope="session")
def settings_defaults() -> dict[str, Any]:
    return env_defaults(ROOT / "settings" / "base.py")


# The OpenTelemetry SDK's own variables that HorNet documents (README.md's configuration table).
OTEL_SDK_ENV = {"OTEL_TRACES_SAMPLER", "OTEL_TRACES_SAMPLER_ARG", "OTEL_PROPAGATORS"}


@pytest.fixture(scope="session")
def settings_names() -> dict[str, set[str]]:
    """Environment variable names each service reads (settings + gunicorn config)."""
    common = set(env_defaults(ROOT / "settings" / "base.py"))
    common |= set(env_defaults(ROOT / "hornet" / "gunicorn_conf.py"))
    common |= {"DJANGO_SETTINGS_MODULE", "PORT", "BIND"}
    common |= OTEL_SDK_ENV  # read by the OpenTelemetry SDK itself (hornet/telemetry.py)
    return {
        service: common | set(env_defaults(ROOT / "settings" / f"{service}.py"))
        for service in ("posts", "followers")
    }


@pytest.fixture(scope="session")
def realm() -> dict[str, Any]:
    return dict(json.loads((ROOT / "keycloak" / "hornet-realm.json").read_text()))


@pytest.fixture(scope="session")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())
