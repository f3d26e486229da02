"""METRICS_ENABLED=false (settings.HORNET_METRICS): nothing is measured, so the benchmark's
observability-off run can show what the series cost (bench/README.md)."""

import pytest
from django.test import Client
from prometheus_client import REGISTRY

from hornet.metrics import NEO4J_SECONDS, timed


def _healthz_count() -> float:
    labels = {"route": "/healthz", "method": "GET", "status": "200"}
    return REGISTRY.get_sample_value("hornet_http_requests_total", labels) or 0.0


def _timed_count(name: str) -> float:
    labels = {"query": name, "outcome": "ok"}
    return (
        REGISTRY.get_sample_value("hornet_neo4j_transaction_duration_seconds_count", labels) or 0.0
    )


@pytest.mark.parametrize("on", [True, False])
def test_requests_and_transactions_are_measured_only_when_metrics_are_on(settings, on):
    settings.HORNET_METRICS = on
    requests, transactions = _healthz_count(), _timed_count("switch_test")
    assert Client().get("/healthz").status_code == 200  # a new client loads the middleware
    with timed(NEO4J_SECONDS, "switch_test"):
        pass
    assert _healthz_count() - requests == (1 if on else 0)
    assert _timed_count("switch_test") - transactions == (1 if on else 0)
