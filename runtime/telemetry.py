"""OpenTelemetry, set up once per process: console spans by default, OTLP/HTTP when an endpoint is configured.

The same tracer provider feeds FastAPI, asyncpg, FastStream's NATS middleware and Temporal's interceptor, so a
request is one trace from the HTTP edge through the outbox relay, the bridge and the workflow signal.
"""

from __future__ import annotations

import atexit
from typing import IO

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.propagate import extract, inject
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased

from runtime.settings import Settings

__all__ = ["current_trace_carrier", "setup_telemetry", "trace_context_from"]

_provider: TracerProvider | None = None


def _one_line(span: ReadableSpan) -> str:
    line: str = span.to_json(indent=None)
    return line + "\n"


def _exporter(settings: Settings, process: str) -> SpanExporter:
    if settings.otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter(endpoint=settings.otlp_endpoint)
    if settings.traces_file is not None:
        settings.traces_file.parent.mkdir(parents=True, exist_ok=True)
        out: IO[str] = settings.traces_file.open("a", encoding="utf-8")
        return ConsoleSpanExporter(service_name=process, out=out, formatter=_one_line)
    return ConsoleSpanExporter(service_name=process)


def setup_telemetry(process: str, settings: Settings) -> TracerProvider:
    """Install the process-wide tracer provider (idempotent) and instrument asyncpg."""
    global _provider
    if _provider is not None:
        return _provider
    # Sampling keeps tracing cheap at load without turning it off: a request that arrives with a trace keeps its
    # caller's decision, so a trace is whole or absent, never cut.
    sampler = ParentBased(TraceIdRatioBased(settings.trace_sample_ratio))
    provider = TracerProvider(resource=Resource.create({"service.name": f"rsp-{process}"}), sampler=sampler)
    provider.add_span_processor(BatchSpanProcessor(_exporter(settings, process), schedule_delay_millis=500))
    trace.set_tracer_provider(provider)
    from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor

    AsyncPGInstrumentor().instrument(tracer_provider=provider)  # type: ignore[no-untyped-call]
    atexit.register(provider.shutdown)
    _provider = provider
    return provider


def current_trace_carrier() -> dict[str, str]:
    """The current trace context as W3C headers, to store beside work that continues later (the outbox)."""
    carrier: dict[str, str] = {}
    inject(carrier)
    return carrier


def trace_context_from(carrier: dict[str, str]) -> Context:
    """The context stored by `current_trace_carrier`, to continue its trace."""
    return extract(carrier)
