"""A council enrols many schools at once (one GIAS extract): every school's journey runs, found by the search
attributes a new journey has, and the cohort's workflow knows each journey once, whatever way the bridge batched
its joins."""

from __future__ import annotations

import uuid
from typing import Any

from temporalio.client import Client, WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode

from contracts import journey_id
from tests.clients import Platform, expect
from tests.support import ensure_cohort, eventually, next_urn
from workflows.cohort.messages import CohortCalendarState
from workflows.cohort.workflows import Cohort, cohort_workflow_id

SCHOOLS = 40
HEADER = "URN,LA (name),EstablishmentName,TypeOfEstablishment (name),EstablishmentStatus (name),PhaseOfEducation (name)"


def _extract(urns: list[str]) -> bytes:
    rows = [HEADER, *(f"{urn},Oxfordshire,Bulk Primary School {urn},Community school,Open,Primary" for urn in urns)]
    return ("\r\n".join(rows) + "\r\n").encode("cp1252")


async def test_a_gias_import_of_many_schools_starts_every_journey_and_the_cohort_knows_each_once(
    api: Platform, temporal: Client
) -> None:
    cohort_id = f"e2e-bulk-{uuid.uuid4().hex[:8]}"
    await ensure_cohort(api, cohort_id)
    urns = [next_urn() for _ in range(SCHOOLS)]

    report = expect(await api.enrolment.import_gias_extract(cohort_id, _extract(urns)))
    cohort: WorkflowHandle[Cohort, Any] = temporal.get_workflow_handle_for(Cohort.run, cohort_workflow_id(cohort_id))

    async def cohort_knows_every_school() -> CohortCalendarState | None:
        try:
            calendar = await cohort.query(Cohort.calendar)
        except RPCError as failure:
            if failure.status == RPCStatusCode.NOT_FOUND:
                return None  # the bridge has not started the cohort's workflow yet
            raise
        return calendar if len(calendar.journeys) >= SCHOOLS else None

    async def journeys_found_as_new() -> list[str] | None:
        query = (
            f'CohortId = "{cohort_id}" AND WorkflowType = "SchoolJourney" AND ExecutionStatus = "Running" '
            'AND LocalAuthority = "Oxfordshire" AND JourneyPhase = "launch" AND AtRisk = false '
            "AND StaffCompletedAllPercent = 0 AND MonthsElapsed = 0"
        )
        found = [w.id async for w in temporal.list_workflows(query)]
        return found if len(found) >= SCHOOLS else None

    calendar = await eventually(cohort_knows_every_school, within=120)
    found = await eventually(journeys_found_as_new, within=60)

    expected = sorted(journey_id(cohort_id, urn) for urn in urns)
    assert len(report["enrolled"]) == SCHOOLS
    assert sorted(calendar.journeys) == expected
    assert sorted(found) == expected
