"""Calendar invitations (iCalendar, RFC 5545) for the sessions schools attend.

One session is one calendar entry: its UID never changes, its SEQUENCE rises each time attendees are told of a
change, so a calendar program updates the entry it already holds when a day moves (METHOD:REQUEST) and removes it
when the session is cancelled (METHOD:CANCEL). Sessions are whole days, written as DATE values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

__all__ = ["CalendarEntry", "invitation"]

_PRODID = "-//Relational Schools Programme//Notifications//EN"


@dataclass(frozen=True)
class CalendarEntry:
    """What a message's invitation says about its session; no address (attendees are added at the send)."""

    uid: str
    sequence: int
    method: Literal["REQUEST", "CANCEL"]
    day: date
    summary: str


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545 3.1: lines longer than 75 octets continue on the next line after a space."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts: list[str] = []
    current = b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def invitation(entry: CalendarEntry, organiser: str, attendee: str, now: datetime | None = None) -> str:
    """The iCalendar object for one attendee, CRLF line ends as RFC 5545 requires."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    status = "CANCELLED" if entry.method == "CANCEL" else "CONFIRMED"
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{_PRODID}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        f"METHOD:{entry.method}",
        "BEGIN:VEVENT",
        f"UID:{entry.uid}",
        f"SEQUENCE:{entry.sequence}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{entry.day.strftime('%Y%m%d')}",
        f"DTEND;VALUE=DATE:{(entry.day + timedelta(days=1)).strftime('%Y%m%d')}",
        f"SUMMARY:{_escape(entry.summary)}",
        f"ORGANIZER:mailto:{organiser}",
        f"ATTENDEE;ROLE=REQ-PARTICIPANT;RSVP=TRUE:mailto:{attendee}",
        f"STATUS:{status}",
        "TRANSP:OPAQUE",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(_fold(line) + "\r\n" for line in lines)
