"""Reporting's read models on the real stack: events in (enrolment's through its API; learning's, circles' and
the journey's published here as their producers would), every figure out as worked out by hand; a redelivered
event changes nothing; and a rebuild from the streams gives exactly the live tables back."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from nats.js import JetStreamContext

from contracts.events import (
    BackOnTrack,
    CircleHeld,
    Event,
    FlaggedAtRisk,
    ImmersionDayHeld,
    LeadershipDayHeld,
    MentoringSessionHeld,
    ModuleCompleted,
    ModuleCompletionWithdrawn,
    PhaseEntered,
    PractitionerTrained,
)
from contracts.identifiers import journey_id
from contracts.streams import stream_for
from contracts.subscriptions import CONSUMES
from runtime.database import create_pool
from runtime.local.stack import LocalStack
from services.reporting.rebuild import RebuildReport, rebuild_read_models
from tests.clients import Platform, expect
from tests.support import enrolled_school, eventually, read_model_rows, reporting_settled
from tests.support_events import publish_event

COHORT = "e2e-read-models"
RSP = str(Path(sys.executable).parent / "rsp")
NOW = datetime(2026, 10, 5, 15, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
async def reporting_pool(local_stack: LocalStack) -> AsyncIterator[asyncpg.Pool]:
    """Connected as reporting's own role, as `rsp rebuild-reporting` is."""
    pool = await create_pool(local_stack.service_dsns["reporting"], "reporting", max_size=3)
    try:
        yield pool
    finally:
        await pool.close()


async def _register(api: Platform, urn: str, role: str) -> uuid.UUID:
    member = {"name": "Read Model Person", "email": f"{uuid.uuid4().hex}@school.example", "role": role}
    return uuid.UUID(expect(await api.enrolment.register_staff(urn, member), 201)["staff_id"])


def _completed(urn: str, staff: uuid.UUID, module: int, completion_id: uuid.UUID | None = None) -> ModuleCompleted:
    return ModuleCompleted(
        completion_id=completion_id or uuid.uuid4(),
        staff_id=staff,
        urn=urn,
        cohort_id=COHORT,
        module_number=module,
        completed_at=NOW + timedelta(days=module),
    )


def _circle(urn: str, held_on: date, half_term: str | None, facilitator: uuid.UUID) -> CircleHeld:
    return CircleHeld(
        circle_id=uuid.uuid4(),
        urn=urn,
        cohort_id=COHORT,
        kind="practice_discussion",
        held_on=held_on,
        half_term=half_term,
        participant_count=6,
        participant_staff_ids=[facilitator],
        facilitator_staff_id=facilitator,
        themes=["belonging"],
    )


async def _progress(api: Platform, urn: str) -> dict[str, Any]:
    found: dict[str, Any] = expect(await api.reporting.progress(urn))
    return found


async def _stream_ends(js: JetStreamContext) -> dict[str, int]:
    names = {stream_for(event.subject).name for event in CONSUMES["reporting"]}
    return {name: (await js.stream_info(name)).state.last_seq for name in sorted(names)}


async def _rebuilt_in_a_quiet_moment(
    db: asyncpg.Pool, js: JetStreamContext, pool: asyncpg.Pool, rebuild: Callable[[], Awaitable[object]]
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The live tables, and the tables after `rebuild`, taken when no event arrived in between (the shared stack's
    journey workers publish when they decide to: a moment with an arrival is tried again)."""
    for _ in range(10):
        ends = await _stream_ends(js)  # first: whatever arrives after it makes this moment not quiet
        await reporting_settled(db, js)
        live = await read_model_rows(pool)
        await rebuild()
        await reporting_settled(db, js)
        if await _stream_ends(js) == ends:
            return live, await read_model_rows(pool)
    raise AssertionError("events kept arriving: no quiet moment to compare the rebuilt tables with the live ones")


@pytest.fixture(scope="module")
async def school(api: Platform, js: JetStreamContext) -> dict[str, Any]:
    """One school with a bit of everything: three staff (one leaves), modules, a withdrawn completion, circles in
    two half-terms, leadership days, mentoring, immersion, practitioners, and a journey flagged twice."""
    urn = await enrolled_school(api, COHORT)
    head = await _register(api, urn, "headteacher")
    teacher = await _register(api, urn, "teacher")
    leaver = await _register(api, urn, "teaching_assistant")
    expect(await api.enrolment.record_departure(urn, str(leaver), {"left_on": "2026-12-18"}))
    journey = journey_id(COHORT, urn)
    withdrawn_completion = uuid.uuid4()
    events: list[Event] = [
        *(_completed(urn, teacher, module) for module in range(1, 16)),
        _completed(urn, head, 1),
        # Withdrawn before its completion is seen: each event type has its own consumer, so order is not given.
        ModuleCompletionWithdrawn(
            completion_id=withdrawn_completion, staff_id=head, urn=urn, cohort_id=COHORT, module_number=2,
            withdrawn_at=NOW + timedelta(days=9),
        ),
        _completed(urn, head, 2, withdrawn_completion),
        _completed(urn, leaver, 1),  # the leaver's completions no longer count
        _circle(urn, date(2026, 9, 17), "2026-27-autumn-1", head),
        _circle(urn, date(2026, 10, 8), "2026-27-autumn-1", head),
        _circle(urn, date(2026, 11, 12), "2026-27-autumn-2", teacher),
        _circle(urn, date(2026, 10, 28), None, teacher),  # in the holiday: counts as held, towards no half-term
        LeadershipDayHeld(session_id=uuid.uuid4(), cohort_id=COHORT, urn=urn, held_on=date(2026, 9, 24),
                          staff_ids=[head], day_number=1),
        LeadershipDayHeld(session_id=uuid.uuid4(), cohort_id=COHORT, urn=urn, held_on=date(2026, 11, 5),
                          staff_ids=[teacher], day_number=2),
        MentoringSessionHeld(session_id=uuid.uuid4(), cohort_id=COHORT, urn=urn, held_on=date(2026, 10, 1),
                             staff_ids=[head]),
        ImmersionDayHeld(session_id=uuid.uuid4(), cohort_id=COHORT, urn=urn, held_on=date(2026, 10, 15),
                         staff_ids=[teacher, leaver]),
        ImmersionDayHeld(session_id=uuid.uuid4(), cohort_id=COHORT, urn=urn, held_on=date(2027, 2, 4),
                         staff_ids=[teacher]),
        PractitionerTrained(session_id=uuid.uuid4(), staff_id=teacher, urn=urn, cohort_id=COHORT,
                            trained_on=date(2027, 1, 20)),
        PractitionerTrained(session_id=uuid.uuid4(), staff_id=leaver, urn=urn, cohort_id=COHORT,
                            trained_on=date(2027, 1, 20)),
        PhaseEntered(urn=urn, cohort_id=COHORT, journey_id=journey, phase="foundations",
                     entered_on=date(2026, 12, 1), month=3),
        PhaseEntered(urn=urn, cohort_id=COHORT, journey_id=journey, phase="launch",
                     entered_on=date(2026, 9, 1), month=0),
    ]  # fmt: skip
    for event in events:
        await publish_event(js, event)
    # Flagged, back on track, flagged again: published in this order, a moment apart (the envelopes' times).
    moment = datetime.now(UTC)
    await publish_event(
        js, FlaggedAtRisk(urn=urn, cohort_id=COHORT, journey_id=journey, phase="launch",
                          reasons=["1 of 3 staff completed modules 1 to 3 (half needed)"],
                          flagged_on=date(2026, 12, 1)),
        at=moment,
    )  # fmt: skip
    await publish_event(
        js, BackOnTrack(urn=urn, cohort_id=COHORT, journey_id=journey, cleared_on=date(2027, 1, 5)),
        at=moment + timedelta(milliseconds=10),
    )  # fmt: skip
    latest_reasons = ["no circle in half-term 2026-27-spring-1", "headteacher at 1 of 3 leadership days"]
    await publish_event(
        js, FlaggedAtRisk(urn=urn, cohort_id=COHORT, journey_id=journey, phase="foundations",
                          reasons=latest_reasons, flagged_on=date(2027, 3, 1)),
        at=moment + timedelta(milliseconds=20),
    )  # fmt: skip
    return {"urn": urn, "head": head, "teacher": teacher, "leaver": leaver, "reasons": latest_reasons}


async def test_every_part_of_the_programme_is_projected_as_worked_out_by_hand(
    api: Platform, js: JetStreamContext, db: asyncpg.Pool, school: dict[str, Any]
) -> None:
    await reporting_settled(db, js)

    progress = await _progress(api, school["urn"])

    # Staff: three registered, one left.
    assert progress["staff_counted"] == 2
    # Modules: the teacher's 15 and the head's module 1; the head's module 2 was withdrawn, the leaver left.
    assert progress["modules"]["module_completions"] == 16
    assert progress["modules"]["staff_with_completions"] == 2
    assert progress["modules"]["staff_completed_all"] == 1
    assert progress["modules"]["completions_by_module"]["2"] == 1
    # Circles: four held, in two half-terms (one in the holiday counts towards none).
    assert progress["circles_held"] == 4
    assert progress["half_terms_with_circle"] == ["2026-27-autumn-1", "2026-27-autumn-2"]
    # Leadership days: two attended, the registered headteacher at one of them.
    assert progress["leadership_days_attended"] == 2
    assert progress["leadership_days_headteacher_attended"] == 1
    assert progress["mentoring_sessions"] == 1
    assert progress["immersion_days"] == 2
    assert progress["practitioners_trained"] == 1  # the other trained practitioner has left
    journey = progress["journey"]
    assert journey["phase"] == "foundations"  # entered later in the journey than launch, whatever the arrival order
    assert journey["month"] == 3
    assert journey["at_risk"] is True
    assert journey["at_risk_reasons"] == school["reasons"]
    assert journey["flagged_in_phase"] == "foundations"
    assert journey["times_flagged_at_risk"] == 2
    assert progress["status"] == "active"


async def test_a_redelivered_event_changes_nothing(
    api: Platform, js: JetStreamContext, db: asyncpg.Pool, school: dict[str, Any]
) -> None:
    urn = school["urn"]
    completion = _completed(urn, school["head"], 7)
    first = await publish_event(js, completion)
    await eventually(lambda: _progress_where(api, urn, lambda p: p["modules"]["completions_by_module"]["7"] == 2))
    flag = FlaggedAtRisk(urn=urn, cohort_id=COHORT, journey_id=journey_id(COHORT, urn), phase="foundations",
                         reasons=["again"], flagged_on=date(2027, 3, 2))  # fmt: skip
    flagged = await publish_event(js, flag)
    await eventually(lambda: _progress_where(api, urn, lambda p: p["journey"]["times_flagged_at_risk"] == 3))
    before = await _progress(api, urn)

    await publish_event(js, completion, event_id=first.id, redelivered=True)
    await publish_event(js, flag, event_id=flagged.id, redelivered=True)
    await reporting_settled(db, js)

    assert await _progress(api, urn) == before


async def _progress_where(api: Platform, urn: str, check: Any) -> bool:
    return bool(check(await _progress(api, urn)))


async def test_rebuilt_read_models_equal_the_live_ones_and_later_events_count_once(
    api: Platform, js: JetStreamContext, db: asyncpg.Pool, reporting_pool: asyncpg.Pool, school: dict[str, Any]
) -> None:
    urn = school["urn"]
    await eventually(lambda: _progress_where(api, urn, lambda p: p["journey"]["times_flagged_at_risk"] >= 2))
    reports: list[RebuildReport] = []
    progress = await _progress(api, urn)

    async def rebuild() -> None:
        reports.append(await rebuild_read_models(reporting_pool, js))

    live, rebuilt = await _rebuilt_in_a_quiet_moment(db, js, reporting_pool, rebuild)

    assert rebuilt == live
    assert reports[-1].applied["RSP_JOURNEY"] >= 4  # this school's journey events, at least, were replayed
    assert await _progress(api, urn) == progress
    # The inbox came with the rebuilt tables: a new event counts once, an old one redelivered not at all.
    modules = progress["modules"]["module_completions"]
    await publish_event(js, _completed(urn, school["head"], 11))
    await eventually(lambda: _progress_where(api, urn, lambda p: p["modules"]["module_completions"] == modules + 1))
    await reporting_settled(db, js)
    assert (await _progress(api, urn))["modules"]["module_completions"] == modules + 1


async def test_rsp_rebuild_reporting_rebuilds_while_the_service_keeps_its_figures(
    local_stack: LocalStack,
    api: Platform,
    js: JetStreamContext,
    db: asyncpg.Pool,
    reporting_pool: asyncpg.Pool,
    school: dict[str, Any],
) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("RSP_")}
    assert local_stack.nats_operator_url is not None
    env |= {"RSP_POSTGRES_DSN": local_stack.service_dsns["reporting"], "RSP_NATS_URL": local_stack.nats_operator_url}

    runs: list[subprocess.CompletedProcess[str]] = []

    async def rebuild() -> None:
        runs.append(
            await asyncio.to_thread(
                subprocess.run, [RSP, "rebuild-reporting"], env=env, capture_output=True, text=True, check=False
            )
        )

    live, rebuilt = await _rebuilt_in_a_quiet_moment(db, js, reporting_pool, rebuild)

    assert runs[-1].returncode == 0, runs[-1].stderr
    assert "rebuilt reporting's read models from" in runs[-1].stdout
    assert rebuilt == live
    assert (await _progress(api, school["urn"]))["staff_counted"] == 2
