"""Who may do what in circles: the one place its access rules live."""

from __future__ import annotations

from runtime.auth import Policy, Role
from services.circles.domain.errors import SchoolNotKnown

__all__ = ["POLICY"]

POLICY = Policy(
    {"read_school": frozenset({Role.PROGRAMME_ADMIN, Role.FACILITATOR, Role.SCHOOL})},
    hidden_school=SchoolNotKnown,
)
