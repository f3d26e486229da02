"""The bench's observability modes (issue 19's overhead run): what the services get, and the
trace sink that the real OTLP exporter accepts."""

import pytest
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

from bench import observability


def test_off_switches_every_signal_off():
    env = observability.service_env("off", None)
    assert env == {"LOG_LEVEL": "WARNING", "METRICS_ENABLED": "false"}
    assert not any(k.startswith("OTEL_") for k in env)


def test_on_needs_the_sink():
    with pytest.raises(ValueError, match="Sink"):
        observability.service_env("on", None)


def test_on_exports_sampled_traces_to_the_sink_which_counts_them():
    sink = observability.Sink()
    try:
        env = observability.service_env("on", sink)
        assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == sink.url
        assert env["OTEL_TRACES_SAMPLER_ARG"] == "0.1"
        assert (env["LOG_FORMAT"], env["LOG_LEVEL"], env["METRICS_ENABLED"]) == (
            "json",
            "INFO",
            "true",
        )
        provider = TracerProvider()
        exporter = OTLPSpanExporter(endpoint=sink.url + "/v1/traces")
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        with provider.get_tracer("bench-test").start_as_current_span("one"):
            pass
        provider.shutdown()
        described = observability.describe("on", sink)
        assert described["trace_exports"] == 1
        assert described["trace_bytes"] > 0
    finally:
        sink.close()
