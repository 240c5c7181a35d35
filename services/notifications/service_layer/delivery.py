"""The sender: takes due messages, asks for each reader's address, words it, sends it and records what happened.

Exactly once, and what that rests on:

1. A message is written (status `pending`) in the same transaction as the inbox claim of the event that caused
   it, under an id derived from the event and the reader: a redelivered event adds nothing.
2. Before sending, the sender marks a batch `sending` and commits. Only then does it send, and it records each
   outcome after (`sent`, `failed`, or back to `pending` with a back-off for a 429/5xx/4xx).
3. A process killed between the send and the record leaves `sending` rows. On start the sender asks the route
   about each: Notify answers by `reference` (sent: recorded as sent; not there: sent now); SMTP cannot be asked,
   so those rows become `in_doubt` and are **not** sent again. SMTP offers at most once across that crash, never
   twice: a person sees in-doubt messages on `/messages` and may send one again by hand
   (`POST /messages/{id}/resending`). Each email's Message-ID is the message id, so a receiving system that
   keeps Message-IDs would drop a copy anyway.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal, Protocol
from uuid import UUID

from contracts.events.notifications import MessageUndeliverable
from services.notifications.domain.calendar import invitation
from services.notifications.domain.model import NewMessage, OutgoingMessage, next_attempt, week_start
from services.notifications.domain.templates import Templates, Wording
from services.notifications.service_layer.routes import Email, Refused, Route, TryAgain
from services.notifications.service_layer.unit_of_work import NotificationsUnitOfWork

__all__ = ["AddressBook", "Outcome", "Sender", "long_date", "undeliverable", "word"]

_log = logging.getLogger(__name__)


class AddressBook(Protocol):
    def programme_team(self) -> str | None: ...
    async def of_staff(self, urn: str, staff_id: UUID, today: datetime) -> str | None: ...


@dataclass(frozen=True)
class Outcome:
    message: OutgoingMessage
    result: Literal["sent", "retry", "failed", "skipped"]
    detail: str | None = None


_DATES = ("due_on", "held_on", "previous_date", "was_on", "flagged_on", "week_of")


def long_date(day: date) -> str:
    """A date as GOV.UK writes it: 19 December 2026."""
    return f"{day.day} {day:%B %Y}"


def word(templates: Templates, kind: str, values: Mapping[str, object]) -> Wording:
    """A message's words: its values, and the programme's words for its reminder, session or role."""
    filled = dict(values)
    for key in _DATES:
        if isinstance(values.get(key), str) and values[key]:
            filled[key] = long_date(date.fromisoformat(str(values[key])))
    if "reminder" in values:
        filled["reminder_title"] = templates.word("reminder", str(values["reminder"]))
    if "session_kind" in values:
        filled["session_title"] = templates.word(
            "session", str(values["session_kind"]), day_number=values.get("day_number", "")
        )
    if "role" in values:
        filled["role_title"] = templates.word("role", str(values["role"]))
    return templates.render(kind, filled)


class Sender:
    """Sends what is due, a batch at a time, several at once; retries what the provider could not take."""

    def __init__(
        self,
        unit_of_work: Callable[[], NotificationsUnitOfWork],
        route: Route,
        addresses: AddressBook,
        templates: Templates,
        organiser: str,
        *,
        batch: int = 200,
        in_flight: int = 16,
        hold_after_send: float = 0.0,
        idle_seconds: float = 0.2,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._route = route
        self._addresses = addresses
        self._templates = templates
        self._organiser = organiser
        self._batch = batch
        self._in_flight = asyncio.Semaphore(in_flight)
        self._hold_after_send = hold_after_send
        self._idle_seconds = idle_seconds

    async def recover(self) -> None:
        """Settle messages a previous process took for sending and never recorded (it was killed)."""
        async with self._unit_of_work() as uow:
            left = await uow.messages.left_sending()
            for message_id, _ in left:
                known = await self._route.already_sent(message_id)
                if known is True:
                    await uow.messages.mark_sent(message_id, self._route.name, datetime.now(UTC))
                elif known is False:
                    await uow.messages.retry(message_id, datetime.now(UTC), "not found at the provider after a restart")
                else:
                    await uow.messages.finish(
                        message_id,
                        "in_doubt",
                        f"the process stopped while sending; {self._route.name} cannot say whether it was sent, "
                        "so it is not sent again",
                    )
            await uow.commit()
        if left:
            _log.warning("settled %d messages left sending by a stopped process", len(left))

    async def send_due(self, now: datetime | None = None) -> int:
        """Send one batch of due messages; how many were taken."""
        moment = now or datetime.now(UTC)
        async with self._unit_of_work() as uow:
            taken = await uow.messages.take_due(moment, self._batch)
            await uow.commit()
        if not taken:
            return 0
        # Each person's address is asked of enrolment once per batch (a reminder often reaches one head twice), and
        # forgotten with the batch: no address outlives the send.
        asked: dict[tuple[str, UUID], asyncio.Future[str | None]] = {}
        outcomes = await asyncio.gather(*(self._deliver(message, moment, asked) for message in taken))
        if self._hold_after_send:
            await asyncio.sleep(self._hold_after_send)  # the fault test kills the process here
        while True:
            # What was sent is known only here now: keep trying to record it through a Postgres outage, or a
            # restart would have to treat those emails as in doubt.
            try:
                await self._record(outcomes)
                break
            except Exception:
                _log.exception("recording %d sends failed; trying again", len(outcomes))
                await asyncio.sleep(1.0)
        return len(taken)

    async def _deliver(
        self, message: OutgoingMessage, now: datetime, asked: dict[tuple[str, UUID], asyncio.Future[str | None]]
    ) -> Outcome:
        async with self._in_flight:
            try:
                if message.audience == "programme_team":
                    address = self._addresses.programme_team()
                elif message.urn is not None and message.staff_id is not None:
                    person = (message.urn, message.staff_id)
                    if person not in asked:
                        asked[person] = asyncio.ensure_future(self._addresses.of_staff(*person, now))
                    address = await asked[person]
                else:
                    address = None
                if address is None:
                    return Outcome(message, "skipped", "no address: erased, left, or none configured")
                await self._route.send(self.email(message, address))
            except TryAgain as later:
                return Outcome(message, "retry", str(later))
            except Refused as refused:
                return Outcome(message, "failed", str(refused))
            except Exception as failure:
                # A fault of ours (a template that cannot word it, say): kept and tried again, never dropped.
                _log.exception("message %s could not be sent", message.message_id)
                return Outcome(message, "retry", f"could not be sent: {type(failure).__name__}")
            return Outcome(message, "sent")

    def email(self, message: OutgoingMessage, address: str) -> Email:
        wording = word(self._templates, message.kind, message.values)
        calendar = message.calendar
        return Email(
            message_id=message.message_id,
            to=address,
            subject=wording.subject,
            body=wording.body,
            calendar=None if calendar is None else invitation(calendar, self._organiser, address),
            calendar_method=None if calendar is None else calendar.method,
        )

    async def _record(self, outcomes: Sequence[Outcome]) -> None:
        now = datetime.now(UTC)
        async with self._unit_of_work() as uow:
            sent = [outcome.message.message_id for outcome in outcomes if outcome.result == "sent"]
            await uow.messages.mark_all_sent(sent, self._route.name, now)  # one round trip for the usual case
            for outcome in outcomes:
                message = outcome.message
                if outcome.result == "sent":
                    continue
                if outcome.result == "retry":
                    await uow.messages.retry(
                        message.message_id, next_attempt(message.attempts, now), outcome.detail or ""
                    )
                elif outcome.result == "skipped":
                    await uow.messages.finish(message.message_id, "skipped", outcome.detail)
                else:
                    await uow.messages.finish(message.message_id, "failed", outcome.detail, self._route.name)
                    await uow.record(undeliverable(message, self._route.name, outcome.detail or "refused", now))
            await uow.commit()
        _log.info("%d sent, %d not: %s", len(sent), len(outcomes) - len(sent), self._route.name)
        for outcome in outcomes:
            # Ids and outcomes only: never the address. Each send at debug level, anything else at info.
            _log.log(
                logging.DEBUG if outcome.result == "sent" else logging.INFO,
                "message %s (%s): %s %s",
                outcome.message.message_id,
                outcome.message.kind,
                outcome.result,
                outcome.detail or "",
            )

    async def gather_digests(self, now: datetime | None = None) -> int:
        """Reminders held for a weekly digest from weeks that have ended become one digest message per reader."""
        moment = now or datetime.now(UTC)
        this_week = week_start(moment)
        made = 0
        async with self._unit_of_work() as uow:
            for staff_id, held in (await uow.messages.held_before(this_week)).items():
                items = "\n".join(self._digest_line(m) for m in held)
                first = held[0]
                digest = NewMessage(
                    dedupe_key=f"digest:{staff_id}:{this_week}:{held[-1].message_id}",
                    kind="weekly_digest",
                    audience="staff",
                    values={"week_of": this_week.isoformat(), "items": items},
                    urn=first.urn,
                    cohort_id=first.cohort_id,
                    staff_id=staff_id,
                )
                await uow.messages.add(digest)
                await uow.messages.mark_digested((m.message_id for m in held), digest.message_id)
                made += 1
            await uow.commit()
        return made

    def _digest_line(self, held: OutgoingMessage) -> str:
        title = self._templates.word("reminder", str(held.values.get("reminder", "")))
        due = long_date(date.fromisoformat(str(held.values["due_on"])))
        return f"- {held.values.get('school_name', '')}: {title}, due {due}"

    async def run(self, stop: asyncio.Event) -> None:
        recovered = False
        while not stop.is_set():
            try:
                if not recovered:
                    await self.recover()
                    recovered = True
                sent = await self.send_due()
                if not sent:
                    await self.gather_digests()
            except Exception:
                # Postgres away, say: log and look again shortly; messages wait in their table meanwhile.
                _log.exception("sending failed; trying again shortly")
                sent = 0
            if not sent:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self._idle_seconds)


def undeliverable(message: OutgoingMessage, route: str, failure: str, now: datetime) -> MessageUndeliverable:
    return MessageUndeliverable(
        message_id=message.message_id,
        kind=message.kind,
        route=route,
        urn=message.urn,
        cohort_id=message.cohort_id,
        staff_id=message.staff_id,
        failure=failure[:200],
        failed_at=now,
    )
