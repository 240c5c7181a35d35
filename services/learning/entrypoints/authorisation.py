"""Who may do what in learning: the one place its access rules live."""

from __future__ import annotations

from runtime.auth import Policy, Role
from services.learning.domain.errors import SchoolNotEnrolled

__all__ = ["POLICY"]

ADMIN, FACILITATOR, SCHOOL, VIEWER = Role.PROGRAMME_ADMIN, Role.FACILITATOR, Role.SCHOOL, Role.VIEWER
SCHOOL_STAFF = frozenset({ADMIN, FACILITATOR, SCHOOL})

POLICY = Policy(
    {
        "read_module_catalogue": frozenset(Role),
        "record_module_completion": SCHOOL_STAFF,
        "record_module_start": SCHOOL_STAFF,
        "withdraw_module_completion": SCHOOL_STAFF,
        "read_module_completions": SCHOOL_STAFF,
        "read_staff_progress": SCHOOL_STAFF,
        # Counts, no one named: commissioners may read them too.
        "read_school_progress": frozenset(Role),
        "read_cohort_progress": frozenset({ADMIN, VIEWER}),
        # Learning platforms post as the programme team; statements span every school.
        "receive_xapi_statements": frozenset({ADMIN}),
        "read_xapi_statements": frozenset({ADMIN}),
        "map_xapi_actor": frozenset({ADMIN}),
        "read_unmatched_statements": frozenset({ADMIN}),
        # Leadership days, immersion days and practitioner training bring a cohort's schools together.
        "manage_cohort_sessions": frozenset({ADMIN}),
        "read_cohort_sessions": frozenset({ADMIN}),
        # Mentors record their own schools' mentoring.
        "manage_mentoring": frozenset({ADMIN, FACILITATOR}),
        "read_school_sessions": SCHOOL_STAFF,
    },
    hidden_school=SchoolNotEnrolled,
)
