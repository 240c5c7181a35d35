"""Readable, one-line logs for every process."""

from __future__ import annotations

import logging
import sys

__all__ = ["configure_logging"]


def configure_logging(process: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter(f"%(asctime)s %(levelname)-7s {process} %(name)s: %(message)s", "%H:%M:%S"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Per-request and per-message access lines drown the log at programme volumes and cost throughput.
    for noisy in ("uvicorn.access", "faststream.access", "faststream.access.nats", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
