"""The bridge tells a cohort's workflow of its new journeys many at a time, and a school's journey of its module
completions many at a time; each event is acked only once the signal carrying it was accepted. Enrolments that
need the cohort's calendar together ask for it once. A stand-in for the Temporal client records the signals and
queries."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, cast
from uuid import uuid4

import pytest
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from contracts.codec import envelope_of
from contracts.events import ModuleCompleted
from runtime.calendar_file import load_half_terms
from runtime.errors import RetryLater
from workflows.bridge import JourneyBridge, _CohortCalendars, _GroupSignals
from workflows.cohort.messages import CohortCalendarState, SchoolJoined, SchoolsJoined
from workflows.cohort.workflows import Cohort
from workflows.journey.messages import JourneyPlan, ModuleCompletions
from workflows.journey.workflows import SchoolJourney


@dataclass
class Cohorts:
    """Stands in for Temporal: each cohort workflow's signals, in order; a signal waits while `held` is clear."""

    signals: list[tuple[str, list[str]]] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)
    held: asyncio.Event = field(default_factory=asyncio.Event)
    failure: Exception | None = None

    def get_workflow_handle_for(self, run: object, workflow_id: str) -> Handle:
        assert run in (Cohort.run, SchoolJourney.run)
        return Handle(self, workflow_id)


@dataclass
class Handle:
    cohorts: Cohorts
    id: str

    async def signal(self, signal: object, batch: SchoolsJoined | ModuleCompletions) -> None:
        await self.cohorts.held.wait()
        if self.cohorts.failure is not None:
            raise self.cohorts.failure
        if isinstance(batch, SchoolsJoined):
            assert signal == Cohort.schools_joined
            self.cohorts.signals.append((self.id, [joined.journey_id for joined in batch.joined]))
        else:
            assert signal == SchoolJourney.modules_completed
            self.cohorts.signals.append((self.id, [completion.event_id for completion in batch.completions]))

    async def query(self, query: object) -> CohortCalendarState:
        assert query == Cohort.calendar
        self.cohorts.queries.append(self.id)
        await self.cohorts.held.wait()
        return CohortCalendarState("oxon", "Oxfordshire", date(2026, 9, 1), date(2028, 3, 1), JourneyPlan([]))


def _bridge(cohorts: Cohorts) -> JourneyBridge:
    return JourneyBridge(cast(Client, cohorts), "journeys", load_half_terms())


def _joins(cohorts: Cohorts) -> _GroupSignals[SchoolJoined]:
    return _bridge(cohorts)._joins


def _joined(n: int) -> SchoolJoined:
    return SchoolJoined(f"event-{n}", f"journey-oxon-{100000 + n}")


async def _settled(tasks: list[asyncio.Task[Any]]) -> list[BaseException | None]:
    await asyncio.wait(tasks, timeout=5)
    return [task.exception() for task in tasks]


async def test_joins_arriving_while_a_signal_is_on_its_way_go_together_in_the_next() -> None:
    cohorts = Cohorts()
    joins = _joins(cohorts)
    first = asyncio.create_task(joins.add("oxon", _joined(0)))
    await asyncio.sleep(0)
    later = [asyncio.create_task(joins.add("oxon", _joined(n))) for n in range(1, 41)]
    await asyncio.sleep(0)
    assert not first.done()  # acked only once its signal was accepted

    cohorts.held.set()
    outcomes = await _settled([first, *later])

    assert outcomes == [None] * 41
    assert cohorts.signals == [
        ("cohort-oxon", ["journey-oxon-100000"]),
        ("cohort-oxon", [f"journey-oxon-{100000 + n}" for n in range(1, 41)]),
    ]


async def test_each_cohort_gets_its_own_signals() -> None:
    cohorts = Cohorts()
    cohorts.held.set()
    joins = _joins(cohorts)

    await asyncio.gather(joins.add("oxon", _joined(1)), joins.add("glos", _joined(2)))

    assert sorted(cohorts.signals) == [
        ("cohort-glos", ["journey-oxon-100002"]),
        ("cohort-oxon", ["journey-oxon-100001"]),
    ]


async def test_joins_to_a_cohort_with_no_workflow_yet_are_retried_later_and_then_go_through() -> None:
    cohorts = Cohorts(failure=RPCError("not found", RPCStatusCode.NOT_FOUND, b""))
    joins = _joins(cohorts)
    waiting = [asyncio.create_task(joins.add("oxon", _joined(n))) for n in range(3)]
    cohorts.held.set()

    outcomes = await _settled(waiting)
    cohorts.failure = None
    await joins.add("oxon", _joined(0))

    assert all(isinstance(outcome, RetryLater) for outcome in outcomes)
    assert cohorts.signals == [("cohort-oxon", ["journey-oxon-100000"])]


async def test_a_failed_signal_fails_every_join_it_carried_and_none_is_lost_silently() -> None:
    cohorts = Cohorts(failure=RPCError("Temporal is away", RPCStatusCode.UNAVAILABLE, b""))
    joins = _joins(cohorts)
    waiting = [asyncio.create_task(joins.add("oxon", _joined(n))) for n in range(3)]
    cohorts.held.set()

    outcomes = await _settled(waiting)

    assert [type(outcome) for outcome in outcomes] == [RPCError] * 3
    assert cohorts.signals == []


async def test_an_enrolment_given_up_on_midway_holds_up_no_later_join() -> None:
    cohorts = Cohorts()
    joins = _joins(cohorts)
    cancelled = asyncio.create_task(joins.add("oxon", _joined(1)))
    await asyncio.sleep(0)
    cancelled.cancel()
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    cohorts.held.set()

    await joins.add("oxon", _joined(1))
    await asyncio.sleep(0)

    assert cohorts.signals[-1] == ("cohort-oxon", ["journey-oxon-100001"])


async def test_enrolments_that_need_a_cohorts_calendar_together_ask_its_workflow_once() -> None:
    cohorts = Cohorts()
    calendars = _CohortCalendars(cast(Client, cohorts))
    asking = [asyncio.create_task(calendars.of("oxon")) for _ in range(50)]
    await asyncio.sleep(0)
    cohorts.held.set()

    answers = await asyncio.gather(*asking)
    again = await calendars.of("oxon")
    calendars.forget("oxon")  # a leadership day moved
    after_a_move = await calendars.of("oxon")

    assert {answer.cohort_id for answer in [*answers, again, after_a_move]} == {"oxon"}
    assert cohorts.queries == ["cohort-oxon", "cohort-oxon"]


def _completed(urn: str, module: int) -> ModuleCompleted:
    return ModuleCompleted(
        completion_id=uuid4(),
        staff_id=uuid4(),
        urn=urn,
        cohort_id="oxon",
        module_number=module,
        completed_at=datetime(2026, 11, 2, 10, tzinfo=UTC),
    )


async def test_a_schools_completions_arriving_while_a_signal_is_on_its_way_go_to_its_journey_together() -> None:
    cohorts = Cohorts()
    bridge = _bridge(cohorts)
    events = [(event, envelope_of(event)) for event in [_completed("100001", n) for n in range(1, 16)]]
    other = _completed("100002", 1)
    other_envelope = envelope_of(other)
    first = asyncio.create_task(bridge.on_module_completed(*events[0]))
    await asyncio.sleep(0)
    later = [asyncio.create_task(bridge.on_module_completed(*pair)) for pair in events[1:]]
    elsewhere = asyncio.create_task(bridge.on_module_completed(other, other_envelope))
    await asyncio.sleep(0)
    assert not first.done()  # acked only once its signal was accepted

    cohorts.held.set()
    outcomes = await _settled([first, *later, elsewhere])

    assert outcomes == [None] * 16
    ids = [str(envelope.id) for _, envelope in events]
    assert [batch for journey, batch in cohorts.signals if journey == "journey-oxon-100001"] == [ids[:1], ids[1:]]
    assert [batch for journey, batch in cohorts.signals if journey == "journey-oxon-100002"] == [
        [str(other_envelope.id)]
    ]


async def test_completions_coming_faster_than_the_gap_wait_for_it_and_go_in_one_signal() -> None:
    """A busy school costs Temporal one signal a gap; a school's first completion after a quiet gap goes at once."""
    cohorts = Cohorts()
    cohorts.held.set()
    gap = 1.0
    bridge = JourneyBridge(cast(Client, cohorts), "journeys", load_half_terms(), completions_gap_seconds=gap)
    events = [(event, envelope_of(event)) for event in [_completed("100001", n) for n in range(1, 5)]]
    ids = [str(envelope.id) for _, envelope in events]
    loop = asyncio.get_running_loop()

    started = loop.time()
    await asyncio.wait_for(bridge.on_module_completed(*events[0]), gap / 2)  # nothing signalled before: at once
    following = [asyncio.create_task(bridge.on_module_completed(*pair)) for pair in events[1:3]]
    await asyncio.sleep(gap / 10)
    assert not any(task.done() for task in following)  # they wait for the gap since the first signal
    outcomes = await _settled(following)
    together_after = loop.time() - started
    await asyncio.sleep(gap * 1.1)  # quiet for longer than the gap
    await asyncio.wait_for(bridge.on_module_completed(*events[3]), gap / 2)

    assert outcomes == [None, None]
    assert together_after >= gap
    assert [batch for _, batch in cohorts.signals] == [ids[:1], ids[1:3], ids[3:]]
