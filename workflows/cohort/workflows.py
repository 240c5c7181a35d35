"""Cohort: owns a cohort's leadership-day calendar, id `cohort-<cohort_id>`.

A week before each leadership day it tells every journey of the cohort (each reminds its school); the day after,
it tells them the day has passed (a journey whose headteacher did not attend follows that up). Moving a day moves
its timers, and the journeys learn the new date. The bridge reads the plan from here when it starts a journey
(once per cohort, cached) and tells it of new journeys in batches (`schools_joined`).
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar

from temporalio import workflow
from temporalio.exceptions import FailureError
from temporalio.types import MethodSyncOrAsyncSingleParam

with workflow.unsafe.imports_passed_through():
    from workflows.cohort.messages import CohortCalendarState, CohortStart, SchoolJoined, SchoolsJoined
    from workflows.handlers import handlers_finished, history_is_long
    from workflows.journey.messages import LeadershipDayMoved, LeadershipDayNotice
    from workflows.journey.workflows import SchoolJourney

__all__ = ["REMINDER_BEFORE", "Cohort", "cohort_workflow_id"]

REMINDER_BEFORE = timedelta(days=7)
_EVENTS_REMEMBERED = 1_000
# Histories recorded before it sent the journeys' signals one workflow task at a time; see workflows/VERSIONING.md.
_TELL_MANY_AT_ONCE_PATCH = "cohort-signals-its-journeys-many-at-once"
_SIGNALS_AT_ONCE = 500

Notice = TypeVar("Notice", LeadershipDayNotice, LeadershipDayMoved)
# A signal of SchoolJourney's that the cohort sends: by reference, so a renamed signal fails `mypy`.
JourneySignal = MethodSyncOrAsyncSingleParam[SchoolJourney, Notice, None]


def cohort_workflow_id(cohort_id: str) -> str:
    return f"cohort-{cohort_id}"


# Pinned: the type name every running cohort and its history know, whatever the class is called.
@workflow.defn(name="Cohort")
class Cohort:
    """One cohort's leadership days, and the journeys that follow them."""

    @workflow.init
    def __init__(self, start: CohortStart) -> None:
        self._s = start.carried or CohortCalendarState(
            cohort_id=start.cohort_id,
            local_authority=start.local_authority,
            starts_on=start.starts_on,
            ends_on=start.ends_on,
            plan=start.plan,
            events_seen=[start.event_id],
        )
        self._changed = False
        # Looked up once per join: a cohort of thousands would otherwise scan its list for every school.
        self._joined = set(self._s.journeys)

    @workflow.run
    async def run(self, start: CohortStart) -> CohortCalendarState:
        while True:
            today = workflow.now().date()
            upcoming: list[date] = []
            for day in self._s.plan.leadership_days:
                notice = LeadershipDayNotice(day.number, day.held_on)
                # Keys carry the date: a day moved after its reminder gets a reminder for its new date.
                if today >= day.held_on - REMINDER_BEFORE:
                    key = f"upcoming:{day.number}:{day.held_on}"
                    await self._tell_once(key, SchoolJourney.leadership_day_upcoming, notice)
                else:
                    upcoming.append(day.held_on - REMINDER_BEFORE)
                if today > day.held_on:
                    await self._tell_once(
                        f"passed:{day.number}:{day.held_on}", SchoolJourney.leadership_day_passed, notice
                    )
                else:
                    upcoming.append(day.held_on + timedelta(days=1))
            if not upcoming and today > self._s.ends_on:
                await handlers_finished()
                return self._s
            if history_is_long(start.history_limit):
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(replace(start, carried=self._s))
            wake = min([*upcoming, self._s.ends_on + timedelta(days=1)])
            self._changed = False
            with contextlib.suppress(TimeoutError):
                timeout = datetime.combine(wake, time(), UTC) - workflow.now()
                await workflow.wait_condition(lambda: self._changed, timeout=timeout)

    async def _tell_once(
        self, key: str, signal: JourneySignal[LeadershipDayNotice], notice: LeadershipDayNotice
    ) -> None:
        if key in self._s.notices_sent:
            return
        self._s.notices_sent.append(key)
        await self._tell_all(signal, notice)

    async def _tell_all(self, signal: JourneySignal[Notice], notice: Notice) -> None:
        journeys = list(self._s.journeys)
        if workflow.patched(_TELL_MANY_AT_ONCE_PATCH):
            # Many signals sent by one workflow task: one task per journey made a notice to a cohort of thousands
            # take minutes and add three events a journey to the history. Below Temporal's limit on signals a
            # workflow may have pending.
            for first in range(0, len(journeys), _SIGNALS_AT_ONCE):
                chunk = journeys[first : first + _SIGNALS_AT_ONCE]
                await asyncio.gather(*(self._tell(journey, signal, notice) for journey in chunk))
            return
        for journey in journeys:
            await self._tell(journey, signal, notice)

    async def _tell(self, journey: str, signal: JourneySignal[Notice], notice: Notice) -> None:
        # A journey that has ended (withdrawn, completed) no longer takes signals; the others still must.
        with contextlib.suppress(FailureError):
            await workflow.get_external_workflow_handle_for(SchoolJourney.run, journey).signal(signal, notice)

    def _first_time(self, event_id: str) -> bool:
        if event_id in self._s.events_seen:
            return False
        # Bounded: both signals are idempotent by content too (a journey joins once; a day moved to the date it
        # already has changes nothing), so the ids only spare work and the most recent ones are enough.
        self._s.events_seen = [*self._s.events_seen[-(_EVENTS_REMEMBERED - 1) :], event_id]
        self._changed = True
        return True

    def _join(self, joined: SchoolJoined) -> None:
        if self._first_time(joined.event_id) and joined.journey_id not in self._joined:
            self._joined.add(joined.journey_id)
            self._s.journeys.append(joined.journey_id)

    @workflow.signal
    def school_joined(self, joined: SchoolJoined) -> None:
        """One school's join, as bridges before `schools_joined` sent it: kept for signals already on their way."""
        self._join(joined)

    @workflow.signal
    def schools_joined(self, batch: SchoolsJoined) -> None:
        """What the bridge sends: every join it gathered while its previous signal to the cohort was on its way."""
        for joined in batch.joined:
            self._join(joined)

    @workflow.signal
    async def leadership_day_moved(self, moved: LeadershipDayMoved) -> None:
        if self._first_time(moved.event_id):
            self._s.plan = self._s.plan.with_day_moved(moved.day_number, moved.held_on)
            await self._tell_all(SchoolJourney.leadership_day_moved, moved)

    @workflow.query
    def calendar(self) -> CohortCalendarState:
        """The cohort's plan and journeys as they are: the bridge reads the plan here when it starts a journey."""
        return self._s
