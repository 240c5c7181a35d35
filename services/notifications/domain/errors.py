"""Notifications' own errors; the HTTP edge maps them through the platform's hierarchy."""

from __future__ import annotations

from runtime.errors import ConfigurationError, Invalid, NotFound, PlatformError, Unauthenticated

__all__ = [
    "AddressRefused",
    "MessageNotFound",
    "NotificationsError",
    "ReceiptNotAuthorised",
    "SendingFailed",
    "TemplateProblem",
]


class NotificationsError(PlatformError):
    """Base of what notifications refuses."""


class TemplateProblem(NotificationsError, ConfigurationError):
    """The templates file cannot word a message: the service refuses to start, or the message waits."""


class AddressRefused(NotificationsError, Invalid):
    """The provider refused the address for good (an invitation sent at once)."""


class SendingFailed(NotificationsError):
    """The provider could not take the message now and retries ran out (an invitation sent at once: 503)."""


class MessageNotFound(NotificationsError, NotFound):
    def __init__(self, reference: str) -> None:
        super().__init__(f"no message has the reference {reference!r}")


class ReceiptNotAuthorised(NotificationsError, Unauthenticated):
    """A delivery receipt without the bearer token the council gave Notify."""
