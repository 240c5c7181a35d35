"""The NATS JetStream broker every process uses, traced, and the streams it relies on."""

from __future__ import annotations

import logging

from faststream.nats import NatsBroker, StorageType, StreamConfig
from faststream.nats.opentelemetry import NatsTelemetryMiddleware
from nats.js.errors import BadRequestError
from opentelemetry.sdk.trace import TracerProvider

from contracts import ALL_STREAMS

__all__ = ["create_broker", "ensure_streams"]

_log = logging.getLogger(__name__)

# JetStream keeps a message id for this long to drop a re-published duplicate (the relay re-publishes after a
# crash between publish and commit), so it must outlast a relay restart.
DUPLICATE_WINDOW_SECONDS = 2 * 60 * 60


def create_broker(nats_url: str, process: str, tracer_provider: TracerProvider) -> NatsBroker:
    return NatsBroker(
        nats_url,
        name=f"rsp-{process}",
        middlewares=[NatsTelemetryMiddleware(tracer_provider=tracer_provider)],
        logger=logging.getLogger(f"faststream.{process}"),
        # Per-message "Received"/"Processed" lines go to DEBUG: at programme volumes they drown the log.
        log_level=logging.DEBUG,
    )


async def ensure_streams(broker: NatsBroker) -> None:
    """Create the platform's streams if they are missing (every process calls this; it is idempotent)."""
    js = broker.connection.jetstream()
    for spec in ALL_STREAMS:
        config = StreamConfig(
            name=spec.name,
            subjects=list(spec.subjects),
            description=spec.description,
            storage=StorageType.FILE,
            duplicate_window=DUPLICATE_WINDOW_SECONDS,
        )
        try:
            await js.add_stream(config)  # succeeds unchanged when the same stream already exists
        except BadRequestError as exists:
            if exists.err_code != 10058:
                raise
            # It exists with other settings (an operator raised its replicas, say): changing it is their call.
            _log.info("stream %s exists with its own settings; left as it is", spec.name)
