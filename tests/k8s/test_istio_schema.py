"""Istio objects against Istio's own CRD schemas, unknown fields refused (structural part;
scripts/k8s/validate.py adds the CEL rules and Kubernetes' own schemas)."""

from __future__ import annotations

import copy
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.k8s.conftest import ROOT, Manifests

sys.path.insert(0, str(ROOT / "scripts" / "k8s"))
from istio_schema import IstioSchemas


@pytest.fixture(scope="session")
def istio() -> IstioSchemas:
    explicit = os.environ.get("ISTIO_CRDS")
    found = (
        [Path(explicit)]
        if explicit
        else sorted(
            (ROOT / ".cache" / "k8s").glob("istio-api-*/customresourcedefinitions.gen.yaml")
        )
    )
    if not found or not found[-1].is_file():
        pytest.fail("Istio CRDs not found: run `make k8s-check` once (it downloads istio.io/api)")
    return IstioSchemas.load(found[-1])


def _istio_objects(m: Manifests, istio: IstioSchemas) -> list[dict[str, Any]]:
    return [doc for doc in m.docs if istio.handles(doc)]


def test_rendered_istio_objects_are_valid(overlay: Manifests, istio: IstioSchemas) -> None:
    objects = _istio_objects(overlay, istio)
    assert {o["kind"] for o in objects} >= {
        "Gateway",
        "VirtualService",
        "DestinationRule",
        "PeerAuthentication",
        "RequestAuthentication",
        "AuthorizationPolicy",
    }
    for obj in objects:
        assert istio.validate(obj, cel=False) == [], obj["metadata"]["name"]


BROKEN = [
    ("VirtualService", lambda o: o["spec"]["http"][1]["retries"].update(perTryTimout="2s")),
    ("VirtualService", lambda o: o["spec"]["http"][1].update(timeouts="5s")),
    ("DestinationRule", lambda o: o["spec"]["trafficPolicy"].update(circuitBreaker={})),
    ("Gateway", lambda o: o["spec"]["servers"][0]["tls"].update(mode="STRICT")),
    ("PeerAuthentication", lambda o: o["spec"].update(mTLS={"mode": "STRICT"})),
    ("RequestAuthentication", lambda o: o["spec"]["jwtRules"][0].update(forwardToken=True)),
    ("AuthorizationPolicy", lambda o: o.setdefault("spec", {}).update(action="PERMIT")),
    ("AuthorizationPolicy", lambda o: o.update(apiVersion="security.istio.io/v2")),
]


@pytest.mark.parametrize(
    ("kind", "change"), BROKEN, ids=[f"{k}-{i}" for i, (k, _) in enumerate(BROKEN)]
)
def test_unknown_fields_and_values_are_refused(
    prod: Manifests, istio: IstioSchemas, kind: str, change: Any
) -> None:
    obj = copy.deepcopy(next(o for o in prod.docs if o["kind"] == kind))
    change(obj)
    assert istio.validate(obj, cel=False), f"{kind}: the broken object was accepted"
