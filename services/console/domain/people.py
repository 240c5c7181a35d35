"""The people who may sign in to the console: their role and their schools, checked before anyone is invited."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from contracts.identifiers import URN_PATTERN
from runtime.auth import Role
from services.console.domain.errors import FieldError, FormRefused

__all__ = ["INVITABLE_ROLES", "ROLE_NAMES", "Person", "new_person", "normalised_email"]

# Commissioners read the dashboard; the console is for those who record.
INVITABLE_ROLES: tuple[Role, ...] = (Role.PROGRAMME_ADMIN, Role.FACILITATOR, Role.SCHOOL)
ROLE_NAMES: dict[Role, str] = {
    Role.PROGRAMME_ADMIN: "Programme team",
    Role.FACILITATOR: "Facilitator",
    Role.SCHOOL: "School lead",
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URN = re.compile(URN_PATTERN)


@dataclass(frozen=True)
class Person:
    """Someone who may sign in. Their id, never their email, is what the services see."""

    person_id: UUID
    email: str
    role: Role
    schools: tuple[str, ...]


def normalised_email(email: str) -> str:
    return email.strip().lower()


def new_person(email: str, role: str, schools: Iterable[str]) -> Person:
    """A person to invite, or `FormRefused` naming every field that is wrong."""
    errors: list[FieldError] = []
    address = normalised_email(email)
    if not address:
        errors.append(FieldError("email", "Enter an email address"))
    elif len(address) > 254 or not _EMAIL.match(address):
        errors.append(FieldError("email", "Enter an email address in the correct format, like name@example.org"))
    chosen = next((known for known in INVITABLE_ROLES if known.value == role), None)
    if chosen is None:
        errors.append(FieldError("role", "Select the person's role"))
    urns = tuple(dict.fromkeys(urn.strip() for urn in schools if urn.strip()))
    if any(not _URN.match(urn) for urn in urns):
        errors.append(FieldError("urns", "Enter each school's URN as six digits, separated by spaces"))
    elif chosen is Role.SCHOOL and len(urns) != 1:
        errors.append(FieldError("urns", "Enter the URN of the school lead's school (exactly one)"))
    elif chosen is Role.FACILITATOR and not urns:
        errors.append(FieldError("urns", "Enter the URN of at least one school the facilitator works with"))
    if errors or chosen is None:
        raise FormRefused(errors)
    return Person(uuid.uuid4(), address, chosen, () if chosen is Role.PROGRAMME_ADMIN else urns)
