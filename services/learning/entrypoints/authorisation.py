"""Who may do what in learning: the one place its access rules live."""

from __future__ import annotations

from runtime.auth import Policy, Role
from services.learning.domain.errors import SchoolNotEnrolled

__all__ = ["POLICY"]

ADMIN, FACILITATOR, SCHOOL = Role.PROGRAMME_ADMIN, Role.FACILITATOR, Role.SCHOOL

POLICY = Policy(
    {
        "record_module_completion": frozenset({ADMIN, FACILITATOR, SCHOOL}),
        "read_module_completions": frozenset({ADMIN, FACILITATOR, SCHOOL}),
    },
    hidden_school=SchoolNotEnrolled,
)
