"""Who may do what in notifications: the one place its access rules live.

The local mailbox holds addresses, so only the programme team opens it. A person's choices are set by the
programme team or by a school user for its own staff; Notify's receipts carry their own bearer token (below).
"""

from __future__ import annotations

from runtime.auth import Policy, Role
from services.notifications.domain.errors import MessageNotFound

__all__ = ["POLICY"]

ADMIN, FACILITATOR, SCHOOL = Role.PROGRAMME_ADMIN, Role.FACILITATOR, Role.SCHOOL

POLICY = Policy(
    {
        "send_sign_in_invitation": frozenset({ADMIN}),
        "read_messages": frozenset({ADMIN}),
        "resend_message": frozenset({ADMIN}),
        "open_mailbox": frozenset({ADMIN}),
        "read_preferences": frozenset({ADMIN, SCHOOL}),
        "set_preferences": frozenset({ADMIN, SCHOOL}),
    },
    hidden_school=MessageNotFound,
)
