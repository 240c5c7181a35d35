"""An event of the live feed, as reporting received it. Pure data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

__all__ = ["FeedEvent"]


@dataclass(frozen=True)
class FeedEvent:
    """One event of the feed, with its CloudEvents attributes and its position (the SSE id)."""

    position: int
    event_id: UUID
    type: str
    source: str
    time: datetime
    subject: str | None
    data: dict[str, Any]

    def cloud_event(self) -> dict[str, Any]:
        """The CloudEvents 1.0 JSON (structured) form of the event."""
        attributes: dict[str, Any] = {
            "specversion": "1.0",
            "id": str(self.event_id),
            "type": self.type,
            "source": self.source,
            "time": self.time.isoformat(),
        }
        if self.subject is not None:
            attributes["subject"] = self.subject
        return {**attributes, "datacontenttype": "application/json", "data": self.data}
