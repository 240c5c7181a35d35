"""Who may see what in reporting: the one place its access rules live.

Commissioners (`viewer`) see every school's aggregate figures; schools and facilitators only their own.
"""

from __future__ import annotations

from runtime.auth import Policy, Role
from services.reporting.domain.errors import NoSuchSchool

__all__ = ["POLICY"]

EVERYONE = frozenset(Role)

POLICY = Policy(
    {"read_school_progress": EVERYONE, "read_progress": EVERYONE, "open_dashboard": EVERYONE},
    hidden_school=NoSuchSchool,
)
