"""Who may do what in enrolment: the one place its access rules live."""

from __future__ import annotations

from runtime.auth import Policy, Role
from services.enrolment.domain.errors import SchoolNotFound

__all__ = ["POLICY"]

ADMIN, FACILITATOR, SCHOOL, VIEWER = Role.PROGRAMME_ADMIN, Role.FACILITATOR, Role.SCHOOL, Role.VIEWER

POLICY = Policy(
    {
        "create_cohort": frozenset({ADMIN}),
        "read_cohort": frozenset({ADMIN, FACILITATOR, VIEWER}),
        "reschedule_leadership_day": frozenset({ADMIN}),
        "import_schools": frozenset({ADMIN}),
        "enrol_school": frozenset({ADMIN}),
        "complete_school": frozenset({ADMIN}),
        "change_urn": frozenset({ADMIN}),
        "read_school": frozenset({ADMIN, FACILITATOR, SCHOOL}),
        "read_school_plan": frozenset({ADMIN, FACILITATOR, SCHOOL}),
        "withdraw_school": frozenset({ADMIN}),
        "register_staff": frozenset({ADMIN, SCHOOL}),
        "read_staff": frozenset({ADMIN, FACILITATOR, SCHOOL}),
        "record_staff_leaving": frozenset({ADMIN, SCHOOL}),
        "erase_expired_personal_data": frozenset({ADMIN}),
    },
    hidden_school=SchoolNotFound,
)
