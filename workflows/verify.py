"""`rsp verify`: does every copy agree with the service that owns the fact, after whatever faults happened?

Owners and copies, school by school, compared as facts (ids), not figures:
- staff: enrolment owns who is registered and who has left; learning, reporting and the journey keep copies.
- module completions: learning owns them (withdrawn ones are gone); reporting and the journey keep copies.
- circles held: circles owns them; reporting and the journey keep copies.
- whether the school is still in the programme, and the last day of its 18 months: enrolment owns them; the journey
  follows (a journey terminated in the Temporal UI, which runs no workflow code, shows here until the bridge next
  hears of the school).

It reads each service through its own HTTP API as a programme admin, and each journey through its `progress`
query, so it needs nothing but what an operator has. It prints ids and counts, never a name or an email.
Differences are expected for a moment after a burst (events still on their way); run it again on a quiet stack.
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode

from contracts import journey_id
from runtime.commands import Command, admin_token, running_stack
from runtime.local.endpoints import Endpoints
from runtime.settings import Settings
from runtime.temporal import connect_temporal
from workflows.journey.messages import JourneyProgress
from workflows.journey.workflows import SchoolJourney

__all__ = ["VERIFY", "Difference", "journey_progress", "verify_school"]


@dataclass(frozen=True)
class Difference:
    urn: str
    fact: str
    owner: str
    copy: str
    detail: str

    def line(self) -> str:
        return f"{self.urn}  {self.fact:<18} {self.owner} ≠ {self.copy}: {self.detail}"


@dataclass
class _Owned:
    """What the owners say about one school."""

    current_staff: set[str] = field(default_factory=set)
    left_staff: set[str] = field(default_factory=set)
    completions: dict[str, tuple[str, int]] = field(default_factory=dict)  # completion id -> (staff, module)
    circles_held: set[str] = field(default_factory=set)


def _compare(urn: str, fact: str, owner: str, copy: str, owned: set[str], copied: set[str]) -> list[Difference]:
    missing, extra = sorted(owned - copied), sorted(copied - owned)
    if not missing and not extra:
        return []
    detail = f"missing {len(missing)} {missing[:5]}; unexpected {len(extra)} {extra[:5]}"
    return [Difference(urn, fact, owner, copy, detail)]


def _count(urn: str, fact: str, owner: str, copy: str, owned: int, copied: int) -> list[Difference]:
    return [] if owned == copied else [Difference(urn, fact, owner, copy, f"{owned} ≠ {copied}")]


class _Services:
    def __init__(self, http: httpx.AsyncClient, endpoints: Endpoints) -> None:
        self._http = http
        self._endpoints = endpoints

    async def get(self, service: str, path: str) -> Any:
        answer = await self._http.get(f"{self._endpoints.url(service)}{path}")
        answer.raise_for_status()
        return answer.json()

    async def status(self, service: str, path: str) -> int:
        return (await self._http.get(f"{self._endpoints.url(service)}{path}")).status_code


async def _owned(services: _Services, urn: str) -> _Owned:
    owned = _Owned()
    for member in await services.get("enrolment", f"/schools/{urn}/staff"):
        (owned.left_staff if member["left_on"] else owned.current_staff).add(member["staff_id"])
    for completion in await services.get("learning", f"/schools/{urn}/completions"):
        owned.completions[completion["completion_id"]] = (completion["staff_id"], completion["module_number"])
    owned.circles_held = {
        circle["circle_id"] for circle in await services.get("circles", f"/schools/{urn}/circles") if circle["held_on"]
    }
    return owned


async def journey_progress(temporal: Client, cohort_id: str, urn: str) -> JourneyProgress | None:
    """A school's journey state, or None when there is no journey (yet: the bridge may still be starting it)."""
    handle: WorkflowHandle[SchoolJourney, Any] = temporal.get_workflow_handle_for(
        SchoolJourney.run, journey_id(cohort_id, urn)
    )
    try:
        return await handle.query(SchoolJourney.progress)
    except RPCError as failure:
        if failure.status == RPCStatusCode.NOT_FOUND:
            return None
        raise


async def verify_school(services: _Services, temporal: Client, cohort_id: str, urn: str) -> list[Difference]:
    """Every difference between the owners and the copies of one school's facts."""
    owned = await _owned(services, urn)
    differences: list[Difference] = []
    # Learning knows a registered person when it answers for them (a stranger gets 404).
    known = {
        staff_id
        for staff_id in sorted(owned.current_staff | owned.left_staff)
        if await services.status("learning", f"/schools/{urn}/staff/{staff_id}/progress") == 200
    }
    differences += _compare(urn, "staff", "enrolment", "learning", owned.current_staff | owned.left_staff, known)

    reported = await services.get("reporting", f"/schools/{urn}/progress")
    by_current = {(s, m) for s, m in owned.completions.values() if s not in owned.left_staff}
    differences += _count(
        urn, "staff counted", "enrolment", "reporting", len(owned.current_staff), reported["staff_counted"]
    )
    differences += _count(
        urn, "module completions", "learning", "reporting", len(by_current), reported["modules"]["module_completions"]
    )
    differences += _count(
        urn, "circles held", "circles", "reporting", len(owned.circles_held), reported["circles_held"]
    )

    journey = await journey_progress(temporal, cohort_id, urn)
    if journey is None:
        return [*differences, Difference(urn, "journey", "enrolment", "journey", "no journey for this school")]
    differences += await _journey_end(temporal, urn, journey, await services.get("enrolment", f"/schools/{urn}"))
    journey_staff = {staff_id for staff_id, record in journey.staff.items() if record.role != "unknown"}
    journey_left = {staff_id for staff_id, record in journey.staff.items() if record.left_on is not None}
    journey_completions = {cid for record in journey.staff.values() for cid in record.modules}
    differences += _compare(urn, "staff", "enrolment", "journey", owned.current_staff | owned.left_staff, journey_staff)
    differences += _compare(urn, "staff left", "enrolment", "journey", owned.left_staff, journey_left)
    differences += _compare(
        urn, "module completions", "learning", "journey", set(owned.completions), journey_completions
    )
    differences += _compare(urn, "circles held", "circles", "journey", owned.circles_held, set(journey.circles))
    return differences


async def _journey_end(temporal: Client, urn: str, journey: JourneyProgress, school: Any) -> list[Difference]:
    """The journey of a school enrolment says is active must be running, and end when enrolment says."""
    differences: list[Difference] = []
    if school["programme_ends_on"] != journey.ends_on.isoformat():
        detail = f"{school['programme_ends_on']} ≠ {journey.ends_on.isoformat()}"
        differences.append(Difference(urn, "programme end", "enrolment", "journey", detail))
    status = (await temporal.get_workflow_handle(school["journey_id"]).describe()).status
    if journey.withdrawn_on is not None or status != WorkflowExecutionStatus.RUNNING:
        how = "withdrawn" if journey.withdrawn_on is not None else (status.name.lower() if status else "gone")
        detail = f"the journey is {how}; withdraw the school in enrolment (POST /schools/{urn}/withdrawal)"
        differences.append(Difference(urn, "in the programme", "enrolment", "journey", detail))
    return differences


async def _verify(
    endpoints: Endpoints, token: str, settings: Settings, urns: frozenset[str]
) -> tuple[int, list[Difference]]:
    where = {"temporal_address": endpoints.temporal_address, "temporal_namespace": endpoints.temporal_namespace}
    temporal = await connect_temporal(settings.model_copy(update=where))
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(timeout=30, headers=headers) as http:
        services = _Services(http, endpoints)
        schools = [
            (cohort["cohort_id"], school["urn"])
            for summary in await services.get("enrolment", "/cohorts")
            for cohort in [await services.get("enrolment", f"/cohorts/{summary['cohort_id']}")]
            for school in cohort["schools"]
            if school["status"] == "active" and (not urns or school["urn"] in urns)
        ]
        found = await asyncio.gather(*(verify_school(services, temporal, c, urn) for c, urn in schools))
    return len(schools), [difference for differences in found for difference in differences]


def _schools(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--urn", action="append", default=[], help="only this school (repeat for more)")


def _run(args: argparse.Namespace) -> int:
    settings = Settings()
    endpoints = running_stack(settings)
    checked, differences = asyncio.run(_verify(endpoints, admin_token(settings), settings, frozenset(args.urn)))
    for difference in differences:
        print(difference.line())
    kinds = Counter(difference.fact for difference in differences)
    summary = ", ".join(f"{count} in {fact}" for fact, count in sorted(kinds.items())) or "none"
    print(f"checked {checked} active schools: {len(differences)} differences ({summary})")
    return 1 if differences else 0


VERIFY = Command(
    "compare every copy (learning, reporting, journeys) with the service that owns the fact", _run, _schools
)
