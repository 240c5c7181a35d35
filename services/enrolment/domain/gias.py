"""Which establishments of a Get Information about Schools (GIAS) extract the programme can enrol, and as what.

GIAS describes every establishment in England. The programme runs in open schools; its phase comes from
`PhaseOfEducation (name)`, except special schools and alternative provision, which GIAS gives the phase
"Not applicable" and names in `TypeOfEstablishment (name)`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from contracts.events.enrolment import SchoolPhase
from contracts.identifiers import URN_PATTERN

__all__ = ["Assessment", "GiasEstablishment", "assess"]

_URN = re.compile(URN_PATTERN)
# "Open, but proposed to close" is still open today; "Proposed to open" has no pupils yet.
_OPEN = frozenset({"open", "open, but proposed to close"})
_PHASES: dict[str, SchoolPhase] = {
    "nursery": "nursery",
    "primary": "primary",
    "middle deemed primary": "primary",
    "secondary": "secondary",
    "middle deemed secondary": "secondary",
    "all-through": "all_through",
}


@dataclass(frozen=True)
class GiasEstablishment:
    """One row of a GIAS extract, the columns the programme reads."""

    line: int
    urn: str
    name: str
    local_authority: str
    phase: str
    status: str
    establishment_type: str
    # Personal data: kept only on enrolment's school record, never in an event, log line or trace.
    headteacher_name: str = ""


@dataclass(frozen=True)
class Assessment:
    """Whether an establishment can be enrolled: its phase, or why it is skipped."""

    phase: SchoolPhase | None
    skipped_because: str | None


def _phase_of(establishment: GiasEstablishment) -> SchoolPhase | None:
    kind = establishment.establishment_type.lower()
    if "special" in kind:
        return "special"
    if "pupil referral unit" in kind or "alternative provision" in kind:
        return "alternative_provision"
    return _PHASES.get(establishment.phase.strip().lower())


def assess(establishment: GiasEstablishment) -> Assessment:
    if not _URN.match(establishment.urn):
        return Assessment(None, f"URN {establishment.urn!r} is not six digits")
    if not establishment.name.strip():
        return Assessment(None, "EstablishmentName is empty")
    if establishment.status.strip().lower() not in _OPEN:
        return Assessment(None, f"EstablishmentStatus is {establishment.status!r}, not open")
    phase = _phase_of(establishment)
    if phase is None:
        return Assessment(
            None,
            f"PhaseOfEducation {establishment.phase!r} ({establishment.establishment_type}) is not a phase the "
            "programme runs in",
        )
    return Assessment(phase, None)
