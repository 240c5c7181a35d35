"""SchoolJourney: one school's 18 months, durable and inspectable.

It starts with the cohort's plan fixed, moves through its phases on durable timers, judges each phase's exit
criteria (`criteria.py`), issues reminders, flags the school at risk and clears the flag when it catches up, and
ends completed with a summary, or promptly when the school is withdrawn. Everything it decides goes out as an
event through an activity. Signals carry their event's id; an id seen in the last month (EVENT_MEMORY)
changes nothing.

Versioning: see workflows/VERSIONING.md. Any change to the order of commands must be patched
(`workflow.patched`), and the replay test in tests/unit/test_journey_replay.py replays recorded histories.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy, SearchAttributeKey, SearchAttributeUpdate
from temporalio.exceptions import is_cancelled_exception

with workflow.unsafe.imports_passed_through():
    from contracts.events.base import Event
    from contracts.events.journey import (
        BackOnTrack,
        FlaggedAtRisk,
        JourneyCompleted,
        JourneyStarted,
        JourneySummary,
        JourneyWithdrawn,
        MilestoneReached,
        PhaseEntered,
        ReminderIssued,
    )
    from contracts.programme import PROGRAMME_MONTHS, add_months, programme_end
    from contracts.search_attributes import (
        AT_RISK,
        COHORT_ID,
        JOURNEY_PHASE,
        LEAD_NOT_REACHED,
        LOCAL_AUTHORITY,
        MONTHS_ELAPSED,
        STAFF_COMPLETED_ALL_PERCENT,
        URN,
    )
    from workflows.handlers import handlers_finished, history_is_long
    from workflows.journey import criteria, lifecycle
    from workflows.journey.activities import JourneyActivities, PublishJourneyEvent, PublishJourneyEvents
    from workflows.journey.messages import (
        CircleHeld,
        CompletionWithdrawn,
        DeadlineExtension,
        ImpactReturn,
        JourneyPlan,
        JourneyProgress,
        JourneyStart,
        LeadershipDayAttended,
        LeadershipDayMoved,
        LeadershipDayNotice,
        LeadNotReached,
        ModuleCompletion,
        ModuleCompletions,
        Pause,
        SessionHeld,
        StaffJoined,
        StaffLeft,
        UrnChange,
        Withdrawal,
    )

__all__ = ["PUBLISH_RETRY", "STARTED_PATCHED", "SchoolJourney", "journey_event_id"]

_EVENT_IDS = uuid.UUID("6f1d2c3b-8a7e-4f60-9d1c-2b3a4c5d6e7f")
PUBLISH_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1))
_URN = SearchAttributeKey.for_keyword(URN)
_COHORT = SearchAttributeKey.for_keyword(COHORT_ID)
_LOCAL_AUTHORITY = SearchAttributeKey.for_keyword(LOCAL_AUTHORITY)
_PHASE = SearchAttributeKey.for_keyword(JOURNEY_PHASE)
_AT_RISK = SearchAttributeKey.for_bool(AT_RISK)
_COMPLETED_ALL = SearchAttributeKey.for_float(STAFF_COMPLETED_ALL_PERCENT)
_MONTHS = SearchAttributeKey.for_int(MONTHS_ELAPSED)
_LEAD_NOT_REACHED = SearchAttributeKey.for_bool(LEAD_NOT_REACHED)
_UNDELIVERED_KEPT = 20
# Histories recorded before it upserted every search attribute on every wake; see workflows/VERSIONING.md.
_UPSERT_CHANGES_PATCH = "upsert-search-attributes-only-when-changed"
_LATE_REGISTRATION_PATCH = "registration-arriving-after-activity-says-who"
_CANCEL_IS_WITHDRAWAL_PATCH = "cancelled-journey-ends-as-a-withdrawal"
_SIGNALLED_WITHDRAWAL_PATCH = "withdrawal-signalled-without-an-event-ends-the-journey-at-once"
# Histories recorded before it published its start and its launch phase with two activities, one after the other.
_START_IN_ONE_PUBLISH_PATCH = "publish-start-and-launch-in-one-local-activity"
# Histories recorded before it cancelled the wake timer and started another at every wake a signal caused.
_KEEP_WAKE_TIMER_PATCH = "keep-the-wake-timer-across-signals"
# The patches a journey started with `JourneyStart.started_patched` takes without asking: fixed for good, so that
# any worker replaying such a journey reads the flag the same way (a patch added later asks `workflow.patched`).
STARTED_PATCHED = frozenset(
    {
        _UPSERT_CHANGES_PATCH,
        _LATE_REGISTRATION_PATCH,
        _CANCEL_IS_WITHDRAWAL_PATCH,
        _SIGNALLED_WITHDRAWAL_PATCH,
        _START_IN_ONE_PUBLISH_PATCH,
    }
)


@dataclass(frozen=True)
class _Dated:
    """Something that happened on `on`, heard while catching up: a signal (with its session kind) or a
    leadership-day notice (`passed` or `upcoming`)."""

    on: date
    order: int
    signal: object
    kind: str = ""


def journey_event_id(journey_id: str, key: str) -> uuid.UUID:
    """The id of the event journey `journey_id` publishes about `key` (`withdrawn`, `phase:launch`, ...)."""
    return uuid.uuid5(_EVENT_IDS, f"{journey_id}/{key}")


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def _day_of(moment: str) -> date:
    """The day of an ISO 8601 time (`2027-01-04T10:00:00+00:00`)."""
    return date.fromisoformat(moment[:10])


def _return_day(s: JourneyProgress, submitted: ImpactReturn) -> date:
    """The first day a return could have been made: the baseline at enrolment, a term's after that term ended."""
    if submitted.period == "baseline":
        return s.enrolled_on
    ends = [t.ends_on for t in s.half_terms if t.term_id == _term_id(submitted)]
    return max(ends) + timedelta(days=1) if ends else workflow.now().date()


def _term_id(submitted: ImpactReturn) -> str:
    """`2026/27`, `autumn` -> `2026-27-autumn`, the id of the term the return covers."""
    return f"{submitted.academic_year.replace('/', '-')}-{submitted.period}"


# Pinned: the type name every running journey, its history and the bridge's visibility query know.
@workflow.defn(name="SchoolJourney")
class SchoolJourney:
    """One school's journey through the programme."""

    @workflow.init
    def __init__(self, start: JourneyStart) -> None:
        if start.carried is not None:
            self._s = start.carried
        else:
            boundaries = criteria.phase_boundaries(start.enrolled_on)
            self._s = JourneyProgress(
                urn=start.urn,
                cohort_id=start.cohort_id,
                local_authority=start.local_authority,
                enrolled_on=start.enrolled_on,
                # The last day of its 18 months, by the one rule enrolment and reporting also follow (the phase
                # after it is judged the day after, when the journey completes).
                ends_on=programme_end(start.enrolled_on),
                plan=start.plan,
                half_terms=start.half_terms,
                phase_ends_on=boundaries[0][1],
            )
            self._first_time(start.event_id)
            self._s.catching_up = start.catch_up
        self._started_patched = start.started_patched
        self._catch_up_quiet = timedelta(seconds=start.catch_up_quiet_seconds)
        self._flagged_phase = self._s.phase
        self._changed = False
        # While catching up: what arrived, with the day it happened, to be lived in date order (not carried over
        # continue-as-new: the journey does not continue as new before it has caught up).
        self._history: list[_Dated] = []
        # The timer for the journey's next wake, and when it fires: see `_sleep_until`.
        self._wake: asyncio.TimerHandle | None = None
        self._wake_at: datetime | None = None
        self._rang = False

    def _patched(self, patch_id: str) -> bool:
        """`workflow.patched(patch_id)`, answered from the start input for a journey started with every patch.

        Replaying, it still asks: a worker that predates `started_patched` ignored it and marked the patches it met,
        and Temporal refuses a marker the code does not ask about. Where no marker was recorded (this code ran it)
        the question records nothing on replay; the journey takes the new branch either way."""
        if not (self._started_patched and patch_id in STARTED_PATCHED):
            return workflow.patched(patch_id)
        if workflow.unsafe.is_replaying():
            workflow.patched(patch_id)
        return True

    # --- the journey -------------------------------------------------------------------------------------------

    @workflow.run
    async def run(self, start: JourneyStart) -> JourneySummary:
        try:
            return await self._journey(start)
        except BaseException as stopped:
            # Cancelled in the Temporal UI: enrolment owns withdrawal, so the journey ends as a withdrawal and its
            # JourneyWithdrawn event tells enrolment, which withdraws the school (learning, circles and reporting
            # then follow enrolment). Histories recorded before this ended as cancelled; see VERSIONING.md.
            if not is_cancelled_exception(stopped) or not self._patched(_CANCEL_IS_WITHDRAWAL_PATCH):
                raise
            return await self._withdraw_cancelled()

    async def _withdraw_cancelled(self) -> JourneySummary:
        s, today = self._s, workflow.now().date()
        if s.withdrawn_on is None:
            s.withdrawn_on = today
        await self._publish("withdrawn", JourneyWithdrawn(**self._ids(), withdrawn_on=s.withdrawn_on, phase=s.phase))
        self._show(today)
        await handlers_finished()
        return criteria.summary(s, today)

    async def _journey(self, start: JourneyStart) -> JourneySummary:
        s = self._s
        if start.carried is None:
            started = JourneyStarted(**self._ids(), enrolled_on=s.enrolled_on, ends_on=s.ends_on)
            if self._patched(_START_IN_ONE_PUBLISH_PATCH):
                # Both in one local activity, run by this worker inside the journey's first workflow task: a bulk
                # enrolment starts thousands of journeys, and each then costs Temporal one workflow task, not three
                # tasks and two activity tasks. A retry or a replay publishes the same ids, as activities do.
                await self._publish_all([("started", started), self._entering("launch", s.enrolled_on)])
            else:
                await self._publish("started", started)
                await self._enter_phase("launch", s.enrolled_on)
        if s.catching_up:
            finished = await self._catch_up()
            if finished is not None:
                return finished
        while True:
            today = workflow.now().date()
            s.forget_old_events(today)
            if s.withdrawn_on is not None:
                await self._publish(
                    "withdrawn", JourneyWithdrawn(**self._ids(), withdrawn_on=s.withdrawn_on, phase=s.phase)
                )
                self._show(today)
                await handlers_finished()
                return criteria.summary(s, today)
            assert s.phase_ends_on is not None
            if today >= s.phase_ends_on:
                finished = await self._end_phase(today)
                if finished is not None:
                    return finished
                continue
            if not s.paused:
                await self._issue_reminders(today)
            await self._check_back_on_track(today)
            self._show(today)
            if history_is_long(start.history_limit):
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(replace(start, carried=s))
            self._changed = False
            await self._sleep_until(_midnight(self._next_wake(today)))

    # --- a back-dated enrolment: its history lived in date order -----------------------------------------------

    async def _catch_up(self) -> JourneySummary | None:
        """Gather the history that arrives until it has been quiet for the start's `catch_up_quiet_seconds`, then
        live it in date order: each phase is judged on its own end day with what had happened by then, and reminders
        go out dated when they fell due, so the journey's clock and the events' dates agree. Only then does it follow
        the calendar."""
        s = self._s
        while s.withdrawn_on is None:
            self._changed = False
            try:
                await workflow.wait_condition(lambda: self._changed, timeout=self._catch_up_quiet)
            except TimeoutError:
                break
        today = workflow.now().date()
        # Leadership days that passed before the journey joined its cohort: the cohort told only the journeys it had.
        for day in s.plan.leadership_days:
            if day.held_on < today and day.number not in s.leadership_days_passed:
                self._hold(day.held_on + timedelta(days=1), LeadershipDayNotice(day.number, day.held_on), "passed")
        while True:
            # Whatever arrives while this history is lived (publishing awaits) is lived next, in its own order.
            batch, self._history = sorted(self._history, key=lambda x: (min(x.on, today), x.order)), []
            for item in batch:
                finished = await self._live_until(min(item.on, today))
                if finished is not None:
                    return finished
                await self._apply_held(item)
            finished = await self._live_until(today)
            if finished is not None:
                return finished
            if not self._history:
                break
        s.catching_up = False
        return None

    async def _live_until(self, day: date) -> JourneySummary | None:
        """Judge every phase that ended by `day` on its end day, then issue what was due by `day`."""
        s = self._s
        assert s.phase_ends_on is not None
        while s.withdrawn_on is None and day >= s.phase_ends_on:
            ends = s.phase_ends_on
            if not s.paused:
                await self._issue_reminders(ends)
            finished = await self._end_phase(ends)
            if finished is not None:
                return finished
        if not s.paused:
            await self._issue_reminders(day)
        await self._check_back_on_track(day)
        return None

    def _hold(self, on: date, signal: object, kind: str = "") -> bool:
        """While catching up, keep what happened for `_catch_up`; False when the journey is living in the present."""
        if not self._s.catching_up:
            return False
        self._history.append(_Dated(on, len(self._history), signal, kind))
        self._changed = True
        return True

    async def _apply_held(self, item: _Dated) -> None:
        if isinstance(item.signal, LeadershipDayNotice):
            notice = item.signal
            if item.kind == "upcoming":
                key = f"leadership:{notice.day_number}:{notice.held_on}"
                await self._remind(
                    key,
                    "leadership_day",
                    notice.held_on,
                    f"leadership day {notice.day_number} is on {notice.held_on}",
                    item.on,
                )
                return
            _, missed = lifecycle.leadership_day_passed(self._s, notice)
            if missed:
                reason = f"the headteacher did not attend leadership day {notice.day_number} on {notice.held_on}"
                await self._remind(
                    f"leadership_missed:{notice.day_number}", "leadership_day", notice.held_on, reason, item.on
                )
            return
        lifecycle.apply_signal(self._s, item.signal, item.kind)

    def _next_wake(self, today: date) -> date:
        s = self._s
        assert s.phase_ends_on is not None
        candidates = [s.phase_ends_on, today + timedelta(days=31)]
        for term in s.half_terms:
            for moment in (term.ends_on + timedelta(days=1), term.ends_on + criteria.IMPACT_RETURN_GRACE):
                if moment > today:
                    candidates.append(moment)
        baseline_due = add_months(s.enrolled_on, 1)
        if baseline_due > today:
            candidates.append(baseline_due)
        return min(candidates)

    async def _sleep_until(self, wake_at: datetime) -> None:
        """Sleep until `wake_at` or until a signal changes something, whichever comes first.

        A wake a signal caused keeps the timer while the next wake is still `wake_at` (as it is on most days: phase
        ends and term dates do not move with a completion). Cancelling it and starting another at every signal,
        as the journey did, put two more events in the history and two timer writes on Temporal per signal: a
        third of what each module completion added to the history. Histories recorded before replay that way:
        the timer is the one `wait_condition(timeout=...)` made (`asyncio.wait_for` sets it with `call_later` and
        cancels it as the condition comes true), so the commands are the same until the patch is asked.
        """
        if self._wake is not None and self._wake_at != wake_at:
            self._wake.cancel()
            self._wake = None
        if self._wake is None:
            self._rang = False
            self._wake = asyncio.get_running_loop().call_later((wake_at - workflow.now()).total_seconds(), self._ring)
            self._wake_at = wake_at
        await workflow.wait_condition(lambda: self._changed or self._rang)
        if self._rang:
            self._wake = None
        elif not self._patched(_KEEP_WAKE_TIMER_PATCH):
            self._wake.cancel()
            self._wake = None

    def _ring(self) -> None:
        self._rang = True

    async def _enter_phase(self, phase: str, entered_on: date) -> None:
        await self._publish(*self._entering(phase, entered_on))

    def _entering(self, phase: str, entered_on: date) -> tuple[str, PhaseEntered]:
        """Move to `phase`; the key and event that say so."""
        month = lifecycle.enter_phase(self._s, phase)
        return f"phase:{phase}", PhaseEntered(**self._ids(), phase=phase, entered_on=entered_on, month=month)

    async def _end_phase(self, today: date) -> JourneySummary | None:
        s = self._s
        judgement = lifecycle.judge_phase(s, today)
        if not judgement.unmet:
            await self._publish(
                f"milestone:{s.phase}",
                MilestoneReached(
                    **self._ids(),
                    milestone=f"{s.phase}_criteria_met",
                    description=f"everything the {s.phase} phase expects was done by its end",
                    reached_on=today,
                ),
            )
        elif judgement.flagged:
            self._flagged_phase = s.phase
            await self._publish(
                f"at_risk:{s.phase}",
                FlaggedAtRisk(**self._ids(), phase=s.phase, reasons=judgement.unmet, flagged_on=today),
            )
        following = lifecycle.next_phase(s.phase)
        if following is not None:
            await self._enter_phase(following, today)
            return None
        s.phase = "completed"
        final = criteria.summary(s, today)
        await self._publish(
            "completed", JourneyCompleted(**self._ids(), completed_on=today, at_risk=s.at_risk, summary=final)
        )
        self._show(today)
        await handlers_finished()
        return final

    async def _issue_reminders(self, today: date) -> None:
        for key, kind, due_on, reason in criteria.due_reminders(self._s, today):
            await self._remind(key, kind, due_on, reason, today)

    async def _remind(self, key: str, kind: str, due_on: date, reason: str, today: date) -> None:
        if key in self._s.reminders_issued or self._s.paused or self._s.withdrawn_on is not None:
            return
        self._s.reminders_issued.append(key)
        reminder = ReminderIssued(**self._ids(), reminder=kind, due_on=due_on, reason=reason, issued_on=today)
        await self._publish(f"reminder:{key}", reminder)

    async def _check_back_on_track(self, today: date) -> None:
        s = self._s
        if lifecycle.back_on_track(s, self._flagged_phase, today):
            await self._publish(
                f"back_on_track:{s.times_flagged_at_risk}", BackOnTrack(**self._ids(), cleared_on=today)
            )

    def _ids(self) -> dict[str, str]:
        return {"urn": self._s.urn, "cohort_id": self._s.cohort_id, "journey_id": workflow.info().workflow_id}

    def _item(self, key: str, event: Event) -> PublishJourneyEvent:
        # Derived from the workflow and what the event is about: a retry or a replay publishes the same id.
        event_id = journey_event_id(workflow.info().workflow_id, key)
        return PublishJourneyEvent(str(event_id), event.subject, event.model_dump(mode="json"))

    async def _publish(self, key: str, event: Event) -> None:
        await workflow.execute_activity_method(
            JourneyActivities.publish_journey_event,
            self._item(key, event),
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=PUBLISH_RETRY,
        )
        self._s.published += 1

    async def _publish_all(self, events: list[tuple[str, Event]]) -> None:
        await workflow.execute_local_activity_method(
            JourneyActivities.publish_journey_events,
            PublishJourneyEvents([self._item(key, event) for key, event in events]),
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=PUBLISH_RETRY,
        )
        self._s.published += len(events)

    def _show(self, today: date) -> None:
        s = self._s
        months = max(0, (today.year - s.enrolled_on.year) * 12 + today.month - s.enrolled_on.month)
        wanted: list[SearchAttributeUpdate[Any]] = [
            _URN.value_set(s.urn),
            _COHORT.value_set(s.cohort_id),
            _LOCAL_AUTHORITY.value_set(s.local_authority),
            _PHASE.value_set("withdrawn" if s.withdrawn_on else s.phase),
            _AT_RISK.value_set(s.at_risk),
            _COMPLETED_ALL.value_set(criteria.staff_completed_all_percent(s)),
            _MONTHS.value_set(min(months, PROGRAMME_MONTHS)),
        ]
        if s.lead_not_reached:
            # Only journeys that heard of an undelivered message upsert it, so recorded histories replay as before.
            wanted.append(_LEAD_NOT_REACHED.value_set(True))
        if self._patched(_UPSERT_CHANGES_PATCH):
            # Each upsert is an event in the history and a write to the visibility store; most wakes change
            # nothing an admin searches by. The attributes the workflow has (from its start, an earlier upsert, or
            # carried over continue-as-new) are what a search sees, so only a differing value is sent.
            current = workflow.info().typed_search_attributes
            wanted = [update for update in wanted if current.get(update.key) != update.value]
        if wanted:
            workflow.upsert_search_attributes(wanted)
        workflow.set_current_details(criteria.progress_markdown(s, today))

    # --- what happened: signals from the bridge and the cohort's workflow ---------------------------------------

    def _first_time(self, event_id: str) -> bool:
        if not event_id:
            return True
        if not self._s.first_time(event_id, workflow.now().date()):
            return False
        self._changed = True
        return True

    @workflow.signal
    def staff_registered(self, joined: StaffJoined) -> None:
        if self._first_time(joined.event_id) and not self._hold(joined.starts_on, joined):
            # Who is known before their registration: see lifecycle.register_staff and VERSIONING.md.
            known = self._s.staff.get(joined.staff_id)
            late = known is not None and known.role == lifecycle.NOT_YET_REGISTERED
            lifecycle.register_staff(self._s, joined, late and self._patched(_LATE_REGISTRATION_PATCH))

    @workflow.signal
    def lead_not_reached(self, failure: LeadNotReached) -> None:
        """An email to the school could not be delivered for good: its journey shows its lead is not being reached."""
        if not self._first_time(failure.event_id):
            return
        self._s.lead_not_reached = True
        note = f"{failure.kind} to {failure.staff_id or 'the programme team'}: {failure.failure} ({failure.failed_at})"
        self._s.undelivered = [*self._s.undelivered, note][-_UNDELIVERED_KEPT:]

    @workflow.signal
    def staff_left(self, left: StaffLeft) -> None:
        if self._first_time(left.event_id) and not self._hold(left.left_on, left):
            unknown = left.staff_id not in self._s.staff
            lifecycle.staff_left(self._s, left, unknown and self._patched(_LATE_REGISTRATION_PATCH))

    @workflow.signal
    def module_completed(self, completion: ModuleCompletion) -> None:
        if self._first_time(completion.event_id) and not self._hold(_day_of(completion.completed_at), completion):
            lifecycle.complete_module(self._s, completion)

    @workflow.signal
    def modules_completed(self, batch: ModuleCompletions) -> None:
        for completion in batch.completions:
            self.module_completed(completion)

    @workflow.signal
    def completion_withdrawn(self, withdrawn: CompletionWithdrawn) -> None:
        if self._first_time(withdrawn.event_id) and not self._hold(workflow.now().date(), withdrawn):
            lifecycle.withdraw_completion(self._s, withdrawn)

    @workflow.signal
    def circle_held(self, circle: CircleHeld) -> None:
        if self._first_time(circle.event_id) and not self._hold(circle.held_on, circle):
            lifecycle.hold_circle(self._s, circle)

    @workflow.signal
    def mentoring_session_held(self, session: SessionHeld) -> None:
        if self._first_time(session.event_id) and not self._hold(session.held_on, session, "mentoring"):
            lifecycle.hold_mentoring(self._s, session)

    @workflow.signal
    def immersion_day_held(self, session: SessionHeld) -> None:
        if self._first_time(session.event_id) and not self._hold(session.held_on, session, "immersion_day"):
            lifecycle.hold_immersion_day(self._s, session)

    @workflow.signal
    def practitioner_trained(self, session: SessionHeld) -> None:
        if self._first_time(session.event_id) and not self._hold(session.held_on, session, "practitioner_training"):
            lifecycle.train_practitioners(self._s, session)

    @workflow.signal
    def leadership_day_attended(self, attended: LeadershipDayAttended) -> None:
        if self._first_time(attended.event_id) and not self._hold(attended.held_on, attended):
            lifecycle.attend_leadership_day(self._s, attended)

    @workflow.signal
    def leadership_day_moved(self, moved: LeadershipDayMoved) -> None:
        if self._first_time(moved.event_id) and not self._hold(workflow.now().date(), moved):
            lifecycle.move_leadership_day(self._s, moved)

    @workflow.signal
    async def leadership_day_upcoming(self, notice: LeadershipDayNotice) -> None:
        """From the cohort's workflow, a week before each day: remind the school."""
        if self._hold(notice.held_on - timedelta(days=7), notice, "upcoming"):
            return
        await self._remind_leadership_day(
            f"leadership:{notice.day_number}:{notice.held_on}",
            notice,
            f"leadership day {notice.day_number} is on {notice.held_on}",
        )

    @workflow.signal
    async def leadership_day_passed(self, notice: LeadershipDayNotice) -> None:
        """From the cohort's workflow, the day after each day: a missing headteacher is followed up."""
        if self._hold(notice.held_on + timedelta(days=1), notice, "passed"):
            return
        news, missed = lifecycle.leadership_day_passed(self._s, notice)
        if news:
            self._changed = True
        if missed:
            await self._remind_leadership_day(
                f"leadership_missed:{notice.day_number}",
                notice,
                f"the headteacher did not attend leadership day {notice.day_number} on {notice.held_on}",
            )

    async def _remind_leadership_day(self, key: str, notice: LeadershipDayNotice, reason: str) -> None:
        await self._remind(key, "leadership_day", notice.held_on, reason, workflow.now().date())

    @workflow.signal
    def impact_return_submitted(self, submitted: ImpactReturn) -> None:
        if self._first_time(submitted.event_id) and not self._hold(_return_day(self._s, submitted), submitted):
            lifecycle.receive_impact_return(self._s, submitted)

    @workflow.signal
    def urn_changed(self, change: UrnChange) -> None:
        if self._first_time(change.event_id):
            self._s.urn = change.successor_urn

    @workflow.signal
    def school_withdrawn(self, withdrawal: Withdrawal) -> None:
        if self._first_time(withdrawal.event_id) and self._s.withdrawn_on is None:
            self._s.withdrawn_on = withdrawal.withdrawn_on
            if not withdrawal.event_id and self._patched(_SIGNALLED_WITHDRAWAL_PATCH):
                # Sent in the Temporal UI, with no event behind it: end now, and JourneyWithdrawn tells enrolment.
                self._changed = True

    # --- what admins change: validated updates ---------------------------------------------------------------

    def _require_running(self) -> None:
        if self._s.withdrawn_on is not None or self._s.phase == "completed":
            raise ValueError(f"the journey is {'withdrawn' if self._s.withdrawn_on else 'completed'}")

    @workflow.update
    def pause(self, pause: Pause) -> str:
        self._s.paused, self._s.pause_reason = True, pause.reason
        self._changed = True
        return f"paused: {pause.reason}"

    @pause.validator
    def _validate_pause(self, pause: Pause) -> None:
        self._require_running()
        if self._s.paused:
            raise ValueError("the journey is already paused")
        if not pause.reason.strip():
            raise ValueError("reason: say why the journey is paused")

    @workflow.update
    def resume(self) -> str:
        self._s.paused, self._s.pause_reason = False, ""
        self._changed = True
        return "resumed"

    @resume.validator
    def _validate_resume(self) -> None:
        self._require_running()
        if not self._s.paused:
            raise ValueError("the journey is not paused")

    @workflow.update
    def extend_deadline(self, extension: DeadlineExtension) -> str:
        assert self._s.phase_ends_on is not None
        self._s.phase_ends_on += timedelta(days=extension.days)
        self._changed = True
        return f"{self._s.phase} is now judged on {self._s.phase_ends_on}"

    @extend_deadline.validator
    def _validate_extension(self, extension: DeadlineExtension) -> None:
        self._require_running()
        if not 1 <= extension.days <= 90:
            raise ValueError(f"days: {extension.days} is not between 1 and 90")
        if not extension.reason.strip():
            raise ValueError("reason: say why the deadline moves")

    @workflow.update
    def change_plan(self, plan: JourneyPlan) -> str:
        self._s.plan = plan
        self._changed = True
        return "plan changed"

    @change_plan.validator
    def _validate_plan(self, plan: JourneyPlan) -> None:
        self._require_running()
        numbers = [day.number for day in plan.leadership_days]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError("leadership_days: days must be numbered 1, 2, 3, ... in order")
        dates = [day.held_on for day in plan.leadership_days]
        if dates != sorted(set(dates)):
            raise ValueError("leadership_days: dates must run in order, one day each")
        counts = {
            "modules": plan.modules,
            "circles_per_half_term": plan.circles_per_half_term,
            "mentoring_sessions_per_term": plan.mentoring_sessions_per_term,
            "immersion_days": plan.immersion_days,
            "practitioners_to_train": plan.practitioners_to_train,
        }
        for name, count in counts.items():
            if count < 0:
                raise ValueError(f"{name}: {count} is negative")
        if plan.modules > 15:
            raise ValueError(f"modules: {plan.modules} is more than the 15 there are")
        if not 1 <= plan.practitioners_trained_by_month <= PROGRAMME_MONTHS:
            raise ValueError("practitioners_trained_by_month: must be a month from 1 to 18")

    @workflow.update
    def withdraw(self, withdrawal: Withdrawal) -> str:
        self._s.withdrawn_on = withdrawal.withdrawn_on
        self._changed = True
        return f"withdrawn on {withdrawal.withdrawn_on}"

    @withdraw.validator
    def _validate_withdrawal(self, withdrawal: Withdrawal) -> None:
        self._require_running()
        if withdrawal.withdrawn_on < self._s.enrolled_on:
            raise ValueError(f"withdrawn_on: {withdrawal.withdrawn_on} is before the school enrolled")

    @workflow.query
    def progress(self) -> JourneyProgress:
        """The journey's whole state, as it is: a query never changes it."""
        return self._s

    @workflow.query
    def module_completions(self) -> int:
        """How many module completions the journey has recorded.

        A dashboard or monitor that polls wants this one number; `progress` answers with the whole state (every
        staff member's modules and every event id heard), which the worker encodes and Temporal carries each time.
        """
        return self._s.module_completions()
