"""Wire contracts shared by every part of the platform: events, their envelope, subjects and streams.

This package imports nothing else from the repository, so services, workflows and tests can all depend on it.
"""

from __future__ import annotations

from contracts import events
from contracts.envelope import Envelope, InvalidEnvelope
from contracts.events import *  # noqa: F403 (the whole event catalogue, listed once in contracts.events)
from contracts.identifiers import URN_PATTERN, journey_id
from contracts.streams import ALL_STREAMS, DEAD_LETTER, StreamSpec, stream_for

__all__ = [
    "ALL_STREAMS",
    "DEAD_LETTER",
    "URN_PATTERN",
    "Envelope",
    "InvalidEnvelope",
    "StreamSpec",
    "journey_id",
    "stream_for",
    *events.__all__,
]
