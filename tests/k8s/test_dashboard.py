"""The Grafana dashboard (k8s/grafana/hornet-dashboard.json) asks only for series the services
export (hornet/metrics.py, posts/fanout.py) and shows what docs/deployment.md promises."""

from __future__ import annotations

import json
import re

from tests.k8s.conftest import ROOT

SOURCES = [ROOT / "hornet" / "metrics.py", ROOT / "posts" / "fanout.py"]
SUFFIXES = ("", "_total", "_bucket", "_count", "_sum")


def _exported() -> set[str]:
    names = set()
    for source in SOURCES:
        for name in re.findall(r'"(hornet_[a-z0-9_]+)"', source.read_text()):
            names |= {name + suffix for suffix in SUFFIXES}
    return names


def test_every_panel_queries_exported_series() -> None:
    dashboard = json.loads((ROOT / "k8s" / "grafana" / "hornet-dashboard.json").read_text())
    exported = _exported()
    queried = set()
    for panel in dashboard["panels"]:
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            queried |= set(re.findall(r"\bhornet_[a-z0-9_]+", target["expr"]))
    assert queried
    assert queried <= exported, sorted(queried - exported)
    titles = " ".join(p["title"] for p in dashboard["panels"]).lower()
    for promised in ("request rate", "error", "p99", "mongodb", "neo4j", "degraded", "fan-out"):
        assert promised in titles
