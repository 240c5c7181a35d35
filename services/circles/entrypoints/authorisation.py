"""Who may do what in circles: the one place its access rules live.

A circle's free-text reflection may hold sensitive detail: only the school itself and the programme team read
it. Facilitators and viewers get circles without it.
"""

from __future__ import annotations

from runtime.auth import Policy, Principal, Role
from services.circles.domain.errors import SchoolNotKnown

__all__ = ["POLICY", "REFLECTION_READERS", "may_read_reflection"]

ADMIN, FACILITATOR, SCHOOL, VIEWER = Role.PROGRAMME_ADMIN, Role.FACILITATOR, Role.SCHOOL, Role.VIEWER

POLICY = Policy(
    {
        "read_school": frozenset({ADMIN, FACILITATOR, SCHOOL}),
        "schedule_circle": frozenset({ADMIN, FACILITATOR, SCHOOL}),
        "record_circle_held": frozenset({ADMIN, FACILITATOR, SCHOOL}),
        "cancel_circle": frozenset({ADMIN, FACILITATOR, SCHOOL}),
        "reschedule_circle": frozenset({ADMIN, FACILITATOR, SCHOOL}),
        # A school's circles name its staff: not for commissioners, who read the cohort's roll-up.
        "read_circles": frozenset({ADMIN, FACILITATOR, SCHOOL}),
        "read_school_half_terms": frozenset({ADMIN, FACILITATOR, SCHOOL}),
        # A cohort's roll-up names every school in it: only those who see every school.
        "read_cohort_half_terms": frozenset({ADMIN, VIEWER}),
        "read_half_term_calendar": frozenset(Role),
    },
    hidden_school=SchoolNotKnown,
)

REFLECTION_READERS = frozenset({ADMIN, SCHOOL})


def may_read_reflection(caller: Principal) -> bool:
    """Whether `caller` sees circles' reflections (the school only its own: `POLICY.check` keeps it there)."""
    return caller.role in REFLECTION_READERS
