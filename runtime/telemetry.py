"""OpenTelemetry, set up once per process: console spans by default, OTLP/HTTP when an endpoint is configured.

The same tracer provider feeds FastAPI, asyncpg, FastStream's NATS middleware and Temporal's interceptor, so a
request is one trace from the HTTP edge through the outbox relay, the bridge and the workflow signal.
"""

from __future__ import annotations

import atexit
import json
from typing import IO

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.propagate import extract, inject
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased
from opentelemetry.sdk.util import ns_to_iso_str
from opentelemetry.trace import SpanContext

from runtime.settings import Settings

__all__ = ["current_trace_carrier", "setup_telemetry", "trace_context_from"]

_provider: TracerProvider | None = None


# Every span of a process carries the same resource: encoded once, not once a span (`ReadableSpan.to_json` encodes
# it with an indent, in pure Python, for each span: a third of what exporting a span cost learning at load).
_encoded_resources: dict[int, tuple[Resource, str]] = {}


def _resource_json(resource: Resource) -> str:
    known = _encoded_resources.get(id(resource))
    if known is None or known[0] is not resource:
        known = (resource, json.dumps(json.loads(resource.to_json())))
        _encoded_resources[id(resource)] = known
    return known[1]


def _one_line(span: ReadableSpan) -> str:
    """The span as `ReadableSpan.to_json` writes it, on one line (each line of a traces file is one span)."""
    context = span.context
    status = {"status_code": span.status.status_code.name}
    if span.status.description:
        status["description"] = span.status.description
    fields = {
        "name": span.name,
        "context": None if context is None else _context_fields(context),
        "kind": str(span.kind),
        "parent_id": None if span.parent is None else f"0x{trace.format_span_id(span.parent.span_id)}",
        "start_time": None if not span.start_time else ns_to_iso_str(span.start_time),
        "end_time": None if not span.end_time else ns_to_iso_str(span.end_time),
        "status": status,
        "attributes": None if span.attributes is None else dict(span.attributes),
        "events": [
            {
                "name": event.name,
                "timestamp": ns_to_iso_str(event.timestamp),
                "attributes": None if event.attributes is None else dict(event.attributes),
            }
            for event in span.events
        ],
        "links": [
            {
                "context": _context_fields(link.context),
                "attributes": None if link.attributes is None else dict(link.attributes),
            }
            for link in span.links
        ],
    }
    return f'{json.dumps(fields)[:-1]}, "resource": {_resource_json(span.resource)}}}\n'


def _context_fields(context: SpanContext) -> dict[str, str]:
    return {
        "trace_id": f"0x{trace.format_trace_id(context.trace_id)}",
        "span_id": f"0x{trace.format_span_id(context.span_id)}",
        "trace_state": repr(context.trace_state),
    }


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
