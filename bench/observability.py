"""The services' observability during the benchmark (issue 19: its overhead is measured).

``on`` (the default, what production runs): JSON log lines at INFO (one per request), the
Prometheus series, and OpenTelemetry traces sampled at 10% (``parentbased_traceidratio``)
exported over OTLP/HTTP to ``Sink``, a receiver in the bench process that answers and counts.
``off``: no request lines (WARNING), no series (``METRICS_ENABLED=false``), no traces. Two runs
of the same rows, one each way, give the CPU per request the three signals cost
(bench/README.md).
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MODES = ("on", "off")
SAMPLED = "0.1"


class Sink:
    """An OTLP/HTTP endpoint on loopback that accepts every export (an empty protobuf answer
    is a valid ``ExportTraceServiceResponse``) and counts them."""

    def __init__(self) -> None:
        self.exports = 0
        self.bytes = 0
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                sink.bytes += len(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                sink.exports += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", "0")
                self.end_headers()

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def describe(self) -> dict[str, int]:
        return {"trace_exports": self.exports, "trace_bytes": self.bytes}


def service_env(mode: str, sink: Sink | None) -> dict[str, str]:
    """The variables the services and the fan-out worker run with in ``mode``."""
    if mode == "off":
        return {"LOG_LEVEL": "WARNING", "METRICS_ENABLED": "false"}
    if sink is None:
        raise ValueError("observability 'on' exports traces: it needs the Sink")
    return {
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        "METRICS_ENABLED": "true",
        "OTEL_EXPORTER_OTLP_ENDPOINT": sink.url,
        "OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
        "OTEL_TRACES_SAMPLER_ARG": SAMPLED,
    }


def describe(mode: str, sink: Sink | None) -> dict[str, Any]:
    found: dict[str, Any] = {"mode": mode}
    if mode == "on":
        found |= {"logs": "json INFO", "metrics": True, "traces_sampled": float(SAMPLED)}
        if sink is not None:
            found |= sink.describe()
    return found
