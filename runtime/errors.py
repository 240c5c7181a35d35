"""The exception hierarchy every service's own errors derive from, so the edges translate them the same way.

- `Unauthenticated` -> HTTP 401, `Forbidden` -> HTTP 403, `NotFound` -> HTTP 404, `Conflict` -> HTTP 409,
  `Invalid` -> HTTP 422 (each with its message as `detail`).
- In subscribers any `PlatformError` is permanent: the event is dead-lettered rather than retried.
"""

from __future__ import annotations

__all__ = [
    "ConfigurationError",
    "Conflict",
    "Forbidden",
    "Invalid",
    "NotFound",
    "PlatformError",
    "RetryLater",
    "Unauthenticated",
]


class PlatformError(Exception):
    """Base of the errors a user or an operator can act on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Unauthenticated(PlatformError):
    """No valid bearer token: missing, malformed, badly signed or expired."""


class Forbidden(PlatformError):
    """The caller's role may not do this at all."""


class NotFound(PlatformError):
    """The thing named does not exist (or is not the caller's to see)."""


class Conflict(PlatformError):
    """The request clashes with what is already recorded."""


class Invalid(PlatformError):
    """The request is well-formed but cannot be true."""


class ConfigurationError(PlatformError):
    """A setting is missing or wrong; the process cannot start."""


class RetryLater(Exception):
    """A consumer cannot handle an event yet (something it depends on has not happened); redeliver later."""
