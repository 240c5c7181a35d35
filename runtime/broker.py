"""How every process connects to NATS JetStream (traced, reconnecting for ever), and the streams it relies on."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from typing import Any

import nats.errors
from faststream.nats import NatsBroker, StorageType, StreamConfig
from faststream.nats.opentelemetry import NatsTelemetryMiddleware
from nats.js import JetStreamContext
from nats.js.errors import BadRequestError, NotFoundError
from opentelemetry.sdk.trace import TracerProvider

from contracts import ALL_STREAMS
from runtime.errors import ConfigurationError

__all__ = ["connection_options", "create_broker", "ensure_streams", "inbox_prefix", "wait_for_streams"]

_log = logging.getLogger(__name__)

# JetStream keeps a message id for this long to drop a re-published duplicate (the relay re-publishes after a
# crash between publish and commit), so it must outlast a relay restart.
DUPLICATE_WINDOW_SECONDS = 2 * 60 * 60


def inbox_prefix(process: str) -> str:
    """Where `process` receives replies and JetStream deliveries; its NATS user may subscribe to nothing else."""
    return f"_INBOX_{process}"


def connection_options(process: str) -> dict[str, Any]:
    """How every process connects to NATS (nats-py options; FastStream passes them through)."""
    return {
        "name": f"rsp-{process}",
        # Outages of any length heal by themselves: nats-py gives up after 60 attempts by default, after which a
        # process stayed disconnected for good. Events written meanwhile wait in the outboxes.
        "max_reconnect_attempts": -1,
        "reconnect_time_wait": 1,
        "inbox_prefix": inbox_prefix(process),
    }


def _empty_fetches_time_out_as_nats_says() -> None:
    """nats-py (2.16) ends a pull fetch that found nothing with the builtin `TimeoutError`; FastStream's pull loop
    (0.7) expects nats' own `nats.errors.TimeoutError` there, so every idle wait ended its task and its supervisor
    restarted it, logging a traceback at each start and a line per idle consumer every few seconds. Re-raised as
    nats' own, a subclass of the builtin, so every caller that catches the builtin still does."""
    pull = JetStreamContext.PullSubscription
    original = pull.fetch
    if getattr(original, "rsp_empty_fetch_timeout", False):
        return

    @functools.wraps(original)
    async def fetch(
        self: JetStreamContext.PullSubscription,
        batch: int = 1,
        timeout: float | None = 5,  # noqa: ASYNC109
        heartbeat: float | None = None,
    ) -> list[Any]:
        try:
            return await original(self, batch, timeout, heartbeat)
        except nats.errors.TimeoutError:
            raise
        except TimeoutError as empty:
            raise nats.errors.TimeoutError from empty

    fetch.rsp_empty_fetch_timeout = True  # type: ignore[attr-defined]
    pull.fetch = fetch  # type: ignore[method-assign]


def create_broker(nats_url: str, process: str, tracer_provider: TracerProvider) -> NatsBroker:
    _empty_fetches_time_out_as_nats_says()
    return NatsBroker(
        nats_url,
        middlewares=[NatsTelemetryMiddleware(tracer_provider=tracer_provider)],
        logger=logging.getLogger(f"faststream.{process}"),
        # Per-message "Received"/"Processed" lines go to DEBUG: at programme volumes they drown the log.
        log_level=logging.DEBUG,
        **connection_options(process),
    )


async def ensure_streams(js: JetStreamContext, replicas: int = 1) -> None:
    """Create the platform's streams if they are missing: the set-up step's job, as an unrestricted NATS user.

    Processes never create streams (their NATS users may not); they wait for them with `wait_for_streams`.
    """
    for spec in ALL_STREAMS:
        config = StreamConfig(
            name=spec.name,
            subjects=list(spec.subjects),
            description=spec.description,
            storage=StorageType.FILE,
            duplicate_window=DUPLICATE_WINDOW_SECONDS,
            num_replicas=replicas,
        )
        try:
            await js.add_stream(config)  # succeeds unchanged when the same stream already exists
        except BadRequestError as exists:
            if exists.err_code != 10058:
                raise
            # It exists with other settings (an operator raised its replicas, say): changing it is their call.
            _log.info("stream %s exists with its own settings; left as it is", spec.name)


async def wait_for_streams(js: JetStreamContext, within: float = 120.0) -> None:
    """Wait until the set-up step has made every stream (a process may start before it finishes)."""
    deadline = time.monotonic() + within
    for spec in ALL_STREAMS:
        while True:
            try:
                await js.stream_info(spec.name)
                break
            except NotFoundError:
                if time.monotonic() > deadline:
                    raise ConfigurationError(
                        f"stream {spec.name} does not exist: run the set-up step (`python -m runtime.setup`)"
                    ) from None
                await asyncio.sleep(1)
