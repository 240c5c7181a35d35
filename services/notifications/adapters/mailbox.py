"""Reads the local mailbox (the Maildir the local stack's SMTP server writes) for the mailbox page and tests."""

from __future__ import annotations

import mailbox
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

__all__ = ["KeptEmail", "read_mailbox"]


@dataclass(frozen=True)
class KeptEmail:
    key: str
    message_id: str
    to: str
    subject: str
    date: str
    body: str
    calendar: str | None


def _kept(key: str, raw: bytes) -> KeptEmail:
    parsed = message_from_bytes(raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    body_part = parsed.get_body(preferencelist=("plain",))
    body = body_part.get_content() if body_part is not None else ""
    calendar = None
    for part in parsed.walk():
        if part.get_content_type() == "text/calendar":
            payload = part.get_payload(decode=True)
            calendar = payload.decode("utf-8") if isinstance(payload, bytes) else None
            break
    return KeptEmail(
        key=key,
        message_id=str(parsed.get("Message-ID", "")).strip(),
        to=str(parsed.get("To", "")),
        subject=str(parsed.get("Subject", "")),
        date=str(parsed.get("Date", "")),
        body=body,
        calendar=calendar,
    )


def read_mailbox(folder: Path) -> list[KeptEmail]:
    """Every email kept, newest first."""
    if not folder.exists():
        return []
    box = mailbox.Maildir(folder, create=False)
    kept = [_kept(key, box.get_bytes(key)) for key in box.iterkeys()]
    return sorted(kept, key=lambda email: email.key, reverse=True)  # Maildir keys begin with the time
