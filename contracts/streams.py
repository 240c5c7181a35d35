"""JetStream streams: one per producing service, plus the dead-letter stream."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ALL_STREAMS",
    "CIRCLES",
    "DEAD_LETTER",
    "ENROLMENT",
    "JOURNEY",
    "LEARNING",
    "NOTIFICATIONS",
    "REPORTING",
    "StreamSpec",
    "stream_for",
]


@dataclass(frozen=True)
class StreamSpec:
    """A JetStream stream and the subjects it captures."""

    name: str
    subjects: tuple[str, ...]
    description: str

    def captures(self, subject: str) -> bool:
        return any(subject.startswith(pattern.removesuffix(">")) for pattern in self.subjects)


ENROLMENT = StreamSpec("RSP_ENROLMENT", ("rsp.enrolment.>",), "Cohorts, schools and staff from enrolment")
LEARNING = StreamSpec("RSP_LEARNING", ("rsp.learning.>",), "Modules and face-to-face learning")
CIRCLES = StreamSpec("RSP_CIRCLES", ("rsp.circles.>",), "Reflective and practice discussion circles")
REPORTING = StreamSpec("RSP_REPORTING", ("rsp.reporting.>",), "Impact returns submitted by schools")
JOURNEY = StreamSpec("RSP_JOURNEY", ("rsp.journey.>",), "Decisions of each school's journey workflow")
NOTIFICATIONS = StreamSpec(
    "RSP_NOTIFICATIONS", ("rsp.notifications.>",), "Messages the notifications service could not deliver"
)
DEAD_LETTER = StreamSpec(
    "RSP_DEAD_LETTER", ("rsp.dead_letter.>",), "Events a consumer could never handle, kept for inspection"
)
ALL_STREAMS: tuple[StreamSpec, ...] = (
    ENROLMENT,
    LEARNING,
    CIRCLES,
    REPORTING,
    JOURNEY,
    NOTIFICATIONS,
    DEAD_LETTER,
)


def stream_for(subject: str) -> StreamSpec:
    """The stream that captures `subject`; every published subject must belong to one."""
    for spec in ALL_STREAMS:
        if spec.captures(subject):
            return spec
    raise LookupError(f"no stream captures subject {subject!r}")
