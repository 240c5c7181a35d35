"""Readable, one-line logs for every process, quiet while nothing happens."""

from __future__ import annotations

import logging
import sys

import faststream  # its import gives the "faststream" logger a handler of its own, which is taken back below

__all__ = ["configure_logging"]

# FastStream's subscriber supervisor says this each time one of its tasks ends, stopping included: no news.
_SUPERVISOR_CHATTER = "is being executed..."


def _not_chatter(record: logging.LogRecord) -> bool:
    return not (record.name.startswith("faststream") and record.getMessage().endswith(_SUPERVISOR_CHATTER))


def configure_logging(process: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter(f"%(asctime)s %(levelname)-7s {process} %(name)s: %(message)s", "%H:%M:%S"))
    handler.addFilter(_not_chatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # FastStream logs through a handler and format of its own that bypass this one; its warnings and errors (a
    # subscriber task that failed, with its traceback) come here instead, in the same one-line shape.
    own = logging.getLogger(faststream.__name__)
    own.handlers.clear()
    own.propagate = True
    # Per-request and per-message access lines drown the log at programme volumes and cost throughput.
    for noisy in ("uvicorn.access", "faststream.access", "faststream.access.nats", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
