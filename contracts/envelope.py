"""The CloudEvents 1.0 envelope in NATS binary mode: attributes travel as `ce-*` headers, data as JSON."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from urllib.parse import quote, unquote
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

__all__ = ["CONTENT_TYPE", "Envelope", "InvalidEnvelope"]

CONTENT_TYPE = "application/json"
# Printable ASCII but `%`: what a `ce-` header carries as it is (the NATS binding percent-encodes the rest).
_HEADER_SAFE = "".join(chr(code) for code in range(0x20, 0x7F) if chr(code) != "%")


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
        attributes = {
            "id": str(self.id),
            "source": self.source,
            "type": self.type,
            "time": self.time.isoformat(),
            "specversion": self.specversion,
            "datacontenttype": CONTENT_TYPE,
        }
        if self.subject is not None:
            attributes["subject"] = self.subject
        # Binary mode: each attribute a `ce-` header, percent-encoded where a header could not carry it as is.
        headers = {f"ce-{name}": quote(value, safe=_HEADER_SAFE) for name, value in attributes.items()}
        headers |= {"content-type": CONTENT_TYPE, "Nats-Msg-Id": str(self.id)}
        return headers

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> Envelope:
        # Every consumer decodes every message's envelope: one pass, and `unquote` only where there is a `%`.
        attribute = {
            name[3:]: unquote(value) if "%" in value else value
            for name, value in headers.items()
            if name[:3].lower() == "ce-"
        }
        try:
            # The id is parsed by pydantic (faster than `UUID()` then validating the object); the time by
            # `fromisoformat`, which refuses what pydantic would take as a Unix timestamp.
            return cls.model_validate(
                {
                    "id": attribute["id"],
                    "source": attribute["source"],
                    "type": attribute["type"],
                    "time": datetime.fromisoformat(attribute["time"]),
                    "subject": attribute.get("subject"),
                    "specversion": attribute.get("specversion", ""),
                }
            )
        except KeyError as missing:
            raise InvalidEnvelope(f"missing CloudEvents header ce-{missing.args[0]}") from None
        except (ValueError, ValidationError) as bad:
            raise InvalidEnvelope(f"bad CloudEvents header: {bad}") from None
