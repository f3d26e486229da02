"""The observability tests' stack and how they read a service's /metrics."""

import json
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.observability.otlp import OtlpReceiver
from tests.support.proxies import RecordingProxy
from tests.support.services import Service


@dataclass
class Stack:
    posts: Service
    followers: Service
    proxy: RecordingProxy
    collector: OtlpReceiver


Labels = dict[str, str]


def scrape(service: Service) -> dict[str, list[tuple[Labels, float]]]:
    """Every sample of ``service``'s /metrics by sample name (``hornet_http_requests_total``)."""
    response = httpx.get(f"{service.url}/metrics", timeout=5)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    samples: dict[str, list[tuple[Labels, float]]] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append((dict(sample.labels), sample.value))
    return samples


def value(samples: dict[str, list[tuple[Labels, float]]], name: str, **labels: str) -> float:
    """The sum of ``name``'s samples whose labels include ``labels`` (0 when there are none)."""
    return sum(
        v for found, v in samples.get(name, []) if all(found.get(k) == x for k, x in labels.items())
    )


def worker_pids(service: Service) -> set[int]:
    """The gunicorn workers of ``service`` (children of its master)."""
    master = service.process.pid
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return {int(pid) for pid in children}


def metrics_files_pids(service: Service) -> set[int]:
    """The processes that wrote series into the service's multiprocess folder."""
    folder = Path(tempfile.gettempdir()) / f"hornet-metrics-{service.port}"  # as launch.py
    return {int(p.stem.rsplit("_", 1)[1]) for p in folder.glob("*.db")}


def user() -> uuid.UUID:
    return uuid.uuid4()


class LogTail:
    """What a service writes to its log file from now on, as parsed JSON lines."""

    def __init__(self, service: Service):
        self.path = service.log
        self.offset = self.path.stat().st_size

    def text(self) -> str:
        with self.path.open("rb") as log:
            log.seek(self.offset)
            return log.read().decode("utf-8")

    def lines(self) -> list[dict]:
        return [json.loads(line) for line in self.text().splitlines() if line.strip()]
