"""The CloudEvents 1.0 envelope in NATS binary mode: attributes travel as `ce-*` headers, data as JSON."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

__all__ = ["CONTENT_TYPE", "Envelope", "InvalidEnvelope"]

CONTENT_TYPE = "application/json"


class InvalidEnvelope(ValueError):
    """A message's headers do not form a CloudEvents 1.0 envelope."""


class Envelope(BaseModel):
    """CloudEvents context attributes of one event."""

    model_config = ConfigDict(frozen=True)

    id: UUID = Field(description="Unique event id; also the JetStream `Nats-Msg-Id` used for de-duplication")
    source: str = Field(description="The producing service, e.g. `/rsp/enrolment`")
    type: str = Field(description="The event type, equal to its subject, e.g. `rsp.learning.module.completed.v1`")
    time: AwareDatetime = Field(description="When the change happened (UTC)")
    subject: str | None = Field(default=None, description="The entity the event is about, e.g. a URN")
    specversion: str = Field(default="1.0", description="CloudEvents version")

    def to_headers(self) -> dict[str, str]:
        headers = {
            "ce-id": str(self.id),
            "ce-source": self.source,
            "ce-type": self.type,
            "ce-time": self.time.isoformat(),
            "ce-specversion": self.specversion,
            "content-type": CONTENT_TYPE,
            "Nats-Msg-Id": str(self.id),
        }
        if self.subject is not None:
            headers["ce-subject"] = self.subject
        return headers

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> Envelope:
        try:
            return cls(
                id=UUID(headers["ce-id"]),
                source=headers["ce-source"],
                type=headers["ce-type"],
                time=datetime.fromisoformat(headers["ce-time"]),
                subject=headers.get("ce-subject"),
                specversion=headers.get("ce-specversion", ""),
            )
        except KeyError as missing:
            raise InvalidEnvelope(f"missing CloudEvents header {missing.args[0]}") from None
        except (ValueError, ValidationError) as bad:
            raise InvalidEnvelope(f"bad CloudEvents header: {bad}") from None
