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
        "enrol_school": frozenset({ADMIN}),
        "read_school": frozenset({ADMIN, FACILITATOR, SCHOOL}),
    },
    hidden_school=SchoolNotFound,
)
