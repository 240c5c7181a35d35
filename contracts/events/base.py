"""What every event model has in common."""

from __future__ import annotations

from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict

__all__ = ["Event"]


class Event(BaseModel):
    """An event's data (the CloudEvents payload). Carries ids, never personal data."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    subject: ClassVar[str]
    """The NATS subject, `rsp.<service>.<entity>.<happened>.v<major>`; also the CloudEvents type."""
    source: ClassVar[str]
    """The CloudEvents source: the producing service."""

    @classmethod
    def of(cls, facts: object, **values: Any) -> Self:
        """The event stating `values`, and for every other field the attribute of `facts` of the same name."""
        return cls(**{name: getattr(facts, name) for name in cls.model_fields if name not in values}, **values)

    def entity(self) -> str:
        """The CloudEvents `subject` attribute: which entity this event is about."""
        raise NotImplementedError
