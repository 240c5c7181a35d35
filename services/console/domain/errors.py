"""The console's errors: what a person typed that cannot be accepted, field by field."""

from __future__ import annotations

from dataclasses import dataclass

from runtime.errors import Invalid, NotFound, Unauthenticated

__all__ = ["FieldError", "FormRefused", "LinkNotValid", "PageNotFound", "SignedOut"]


@dataclass(frozen=True)
class FieldError:
    """One problem, shown in the error summary and next to its field (`field` is the input's name)."""

    field: str
    message: str


class FormRefused(Invalid):
    """A form that cannot be accepted as typed; nothing was written."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(error.message for error in errors))
        self.errors = errors


class LinkNotValid(Unauthenticated):
    """A sign-in link that is unknown, used already or expired (one answer for all three)."""

    def __init__(self) -> None:
        super().__init__("This sign-in link has expired or has already been used")


class SignedOut(Unauthenticated):
    """No session, or one that has expired."""

    def __init__(self) -> None:
        super().__init__("You need to sign in")


class PageNotFound(NotFound):
    """A page that does not exist, or is not the signed-in person's to see."""

    def __init__(self) -> None:
        super().__init__("Page not found")
