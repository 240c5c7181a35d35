"""A school's staff list as a CSV file: each row to register, or the reason it will not be."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from contracts.events.enrolment import StaffRole
from services.console.domain.errors import FieldError, FormRefused

__all__ = ["STAFF_ROLES", "StaffRow", "StaffSheet", "read_staff_sheet"]

STAFF_ROLES: dict[StaffRole, str] = {
    "headteacher": "Headteacher",
    "senior_leader": "Senior leader",
    "teacher": "Teacher",
    "teaching_assistant": "Teaching assistant",
    "support_staff": "Support staff",
    "other": "Other",
}
_ROLE_BY_WORDS: dict[str, StaffRole] = {role: role for role in STAFF_ROLES}
_ROLE_BY_WORDS.update({words.lower(): role for role, words in STAFF_ROLES.items()})
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_MAX_ROWS = 2000


@dataclass(frozen=True)
class StaffRow:
    line: int
    name: str
    email: str
    role: StaffRole | None
    starts_on: date | None
    refused_because: str | None


@dataclass(frozen=True)
class StaffSheet:
    to_register: list[StaffRow]
    refused: list[StaffRow]


def read_staff_sheet(content: bytes, already_registered: Iterable[str]) -> StaffSheet:
    """Columns `name`, `email`, `role` and optionally `starts_on` (YYYY-MM-DD), in any order, with a header row.
    `FormRefused` (field `staff_file`) when the file itself cannot be read."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FormRefused([FieldError("staff_file", "The selected file must be a CSV file saved as UTF-8")]) from None
    reader = csv.DictReader(io.StringIO(text))
    header = {(column or "").strip().lower() for column in reader.fieldnames or []}
    missing = [column for column in ("name", "email", "role") if column not in header]
    if missing:
        raise FormRefused(
            [
                FieldError(
                    "staff_file",
                    f"The selected file must have the columns name, email and role (missing {', '.join(missing)})",
                )
            ]
        )
    seen = {email.lower() for email in already_registered if email}
    in_file: set[str] = set()
    to_register: list[StaffRow] = []
    refused: list[StaffRow] = []
    for index, raw in enumerate(reader, start=2):
        if index - 1 > _MAX_ROWS:
            raise FormRefused([FieldError("staff_file", f"The selected file must have no more than {_MAX_ROWS} rows")])
        row = {(key or "").strip().lower(): (value or "").strip() for key, value in raw.items() if key is not None}
        if not any(row.values()):
            continue
        name, email = row.get("name", ""), row.get("email", "").lower()
        role = _ROLE_BY_WORDS.get(row.get("role", "").lower())
        starts_on: date | None = None
        reason = None
        if row.get("starts_on"):
            try:
                starts_on = date.fromisoformat(row["starts_on"])
            except ValueError:
                reason = "the start date is not a date like 2026-09-01"
        if not name:
            reason = "the name is empty"
        elif len(name) > 200:
            reason = "the name is longer than 200 characters"
        elif not _EMAIL.match(email) or len(email) > 254:
            reason = "the email address is not in the correct format"
        elif role is None:
            reason = "the role is not one of " + ", ".join(STAFF_ROLES.values())
        elif email in seen:
            reason = "already registered at the school"
        elif email in in_file:
            reason = "the email address appears earlier in the file"
        in_file.add(email)
        staff_row = StaffRow(index, name, email, role, starts_on, reason)
        (refused if reason else to_register).append(staff_row)
    if not to_register and not refused:
        raise FormRefused([FieldError("staff_file", "The selected file has no staff in it")])
    return StaffSheet(to_register, refused)
