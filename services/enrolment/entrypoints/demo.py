"""A demo cohort in the middle of its 18 months, seeded through the real APIs. Safe to run again.

Its schools joined months ago, on different days, so their journeys are in different phases. Each school's
history (staff, module completions, circles, mentoring, leadership days, an immersion day, practitioner training,
termly impact returns with small counts that are suppressed) is drawn from a seeded generator at the pace set for
it and sent, dated as it happened, through the services' own APIs: nothing is written behind their backs.

How the journeys judge that history as they would have lived it: a school is enrolled with its real, past
`enrolled_on`; the bridge starts its journey in catch-up mode (the day is before today), and the journey gathers
the dated events that arrive until they stop for a quiet spell (two minutes unless
`RSP_JOURNEY_CATCH_UP_QUIET_SECONDS` says otherwise), then lives them in date order, judging each phase
on its own end day with what had happened by then and issuing reminders as they fell due (`SchoolJourney` in
workflows/journey/workflows.py). Its clock and the events' dates agree, whatever order the streams deliver in.

Running it again changes nothing: the cohort exists, so the history is not sent twice.
"""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple

import httpx

from contracts.programme import add_months
from runtime.calendar_file import load_half_terms
from runtime.local.endpoints import Endpoints
from services.enrolment.domain.gias import GiasEstablishment, assess

__all__ = ["DEMO_COHORT", "DEMO_SCHOOLS", "DemoSchool", "phase_of", "seed_demo"]

DEMO_COHORT = {"cohort_id": "oxfordshire-demo", "name": "Oxfordshire demo cohort", "local_authority": "Oxfordshire"}


class DemoSchool(NamedTuple):
    """A fictional school (URNs in a range Get Information about Schools does not use for Oxfordshire), described
    as its GIAS row would describe it, and the pace its simulated history keeps."""

    urn: str
    name: str
    gias_phase: str  # `PhaseOfEducation (name)`
    gias_type: str  # `TypeOfEstablishment (name)`: a special school's phase comes from it
    joined_days_ago: int
    staff: int
    modules_per_month: float
    keen: float  # chance of each circle, mentoring session, leadership day and return


DEMO_SCHOOLS = (
    DemoSchool("990001", "Riverside Demo Primary School", "Primary", "Community school", 425, 8, 1.3, 0.95),
    DemoSchool("990002", "Hillview Demo Academy", "Secondary", "Academy converter", 275, 10, 0.4, 0.45),
    DemoSchool("990003", "Meadow Demo Special School", "Not applicable", "Community special school", 120, 6, 0.9, 0.9),
    DemoSchool("990004", "Brookside Demo Primary School", "Primary", "Voluntary aided school", 12, 7, 1.0, 0.9),
)
_THEMES = ["regulation", "co_regulation", "repair_after_conflict", "belonging", "staff_wellbeing"]


class _Api:
    """The services' APIs as a programme admin; every answer outside 2xx or an expected 409 stops the demo."""

    def __init__(self, client: httpx.AsyncClient, endpoints: Endpoints) -> None:
        self._client, self._endpoints = client, endpoints

    async def post(self, service: str, path: str, body: dict[str, Any], ok: tuple[int, ...] = (200, 201)) -> Any:
        url = f"{self._endpoints.url(service)}{path}"
        for _ in range(120):  # 404 while an event (an enrolment, a registration) is on its way to the service
            answer = await self._client.post(url, json=body)
            if answer.status_code != 404:
                break
            await asyncio.sleep(0.5)
        if answer.status_code not in ok:
            raise RuntimeError(f"demo: POST {path} answered {answer.status_code}: {answer.text[:300]}")
        return answer.json() if answer.content else None

    async def get(self, service: str, path: str) -> Any:
        answer = await self._client.get(f"{self._endpoints.url(service)}{path}")
        answer.raise_for_status()
        return answer.json()

    async def known_to_learning(self, urn: str, staff_id: str) -> None:
        for _ in range(120):
            answer = await self._client.get(
                f"{self._endpoints.url('learning')}/schools/{urn}/staff/{staff_id}/progress"
            )
            if answer.status_code == 200:
                return
            await asyncio.sleep(0.5)


def phase_of(school: DemoSchool) -> str:
    """The phase enrolment gives the school's GIAS row (a special school is `special`, as in a GIAS import)."""
    row = GiasEstablishment(0, school.urn, school.name, "Oxfordshire", school.gias_phase, "Open", school.gias_type)
    phase = assess(row).phase
    if phase is None:
        raise RuntimeError(f"demo school {school.urn} would not be enrolled from GIAS")
    return phase


def _at(day: date) -> str:
    return datetime.combine(day, time(10), UTC).isoformat()


async def _enrol(api: _Api, school: DemoSchool, enrolled_on: date) -> str:
    """Enrol the school as of `enrolled_on` with its headteacher; answers the headteacher's staff id."""
    enrolled = await api.post(
        "enrolment",
        "/schools",
        {
            "urn": school.urn,
            "name": school.name,
            "cohort_id": DEMO_COHORT["cohort_id"],
            "phase": phase_of(school),
            "enrolled_on": enrolled_on.isoformat(),
            "headteacher": {"name": "Demo Head", "email": f"head@{school.urn}.school.example"},
        },
    )
    return str(enrolled["headteacher_id"])


async def _register(api: _Api, school: DemoSchool, enrolled_on: date, head: str) -> list[str]:
    """Register the school's staff from its first day, once learning knows them all: everyone, head first."""
    staff = [head]
    for number in range(1, school.staff):
        member = await api.post(
            "enrolment",
            f"/schools/{school.urn}/staff",
            {
                "name": f"Demo Staff {number}",
                "email": f"demo-staff-{number}@{school.urn}.school.example",
                "role": "teacher",
                "starts_on": enrolled_on.isoformat(),
            },
        )
        staff.append(str(member["staff_id"]))
    for staff_id in staff:
        await api.known_to_learning(school.urn, staff_id)
    return staff


async def _cohort_sessions(
    api: _Api, plan_days: list[dict[str, Any]], joined: dict[str, date], heads: dict[str, str],
    staff: dict[str, list[str]], starts_on: date, today: date, rng: random.Random,
) -> None:  # fmt: skip
    """Leadership days held so far (each headteacher attends with their school's keenness), an immersion day and
    practitioner training for the schools that had joined by then."""
    keen = {school.urn: school.keen for school in DEMO_SCHOOLS}
    cohort_id = DEMO_COHORT["cohort_id"]
    for day in plan_days:
        held_on = date.fromisoformat(day["held_on"])
        if held_on >= today:
            continue
        came = [urn for urn, on in joined.items() if on <= held_on and rng.random() < keen[urn]]
        session = await api.post(
            "learning",
            "/sessions",
            {
                "kind": "leadership_day",
                "held_on": held_on.isoformat(),
                "cohort_id": cohort_id,
                "day_number": day["number"],
            },
        )
        if came:
            attendance = {"schools": came, "staff_ids": [heads[urn] for urn in came]}
            await api.post("learning", f"/sessions/{session['session_id']}/attendance", attendance)
    for kind, months, per_school in (
        ("immersion_day", 5, 3),
        ("practitioner_training", 8, 2),
        ("immersion_day", 11, 3),
    ):
        held_on = add_months(starts_on, months)
        schools = [urn for urn, on in joined.items() if on + timedelta(days=30) <= held_on]
        if held_on >= today or not schools:
            continue
        session = await api.post(
            "learning", "/sessions", {"kind": kind, "held_on": held_on.isoformat(), "cohort_id": cohort_id}
        )
        attended = [staff_id for urn in schools for staff_id in staff[urn][1 : 1 + per_school]]
        await api.post(
            "learning", f"/sessions/{session['session_id']}/attendance", {"schools": schools, "staff_ids": attended}
        )


async def _school_history(
    api: _Api, school: DemoSchool, enrolled_on: date, head: str, staff: list[str], today: date
) -> None:
    rng = random.Random(f"demo:{school.urn}")
    urn = school.urn
    # One member of staff leaves after five months (a newcomer is not needed for the demo's figures).
    leaver, leaves_on = staff[-1], add_months(enrolled_on, 5)
    for staff_id in staff:
        speed = school.modules_per_month * rng.uniform(0.6, 1.4)
        day = enrolled_on + timedelta(days=rng.randint(3, 20))
        for module in range(1, 16):
            day += timedelta(days=max(3, round(rng.expovariate(speed) * 30.4)))
            if day >= today or (staff_id == leaver and day >= leaves_on):
                break
            await api.post(
                "learning",
                "/completions",
                {"staff_id": staff_id, "urn": urn, "module_number": module, "completed_at": _at(day)},
            )
    if leaves_on < today:
        await api.post("enrolment", f"/schools/{urn}/staff/{leaver}/departure", {"left_on": leaves_on.isoformat()})
    calendar = load_half_terms()
    for half_term in calendar.overlapping(enrolled_on, today - timedelta(days=1)):
        held_on = max(enrolled_on, half_term.starts_on) + timedelta(days=14)
        if held_on >= today or rng.random() >= school.keen:
            continue
        circle = await api.post(
            "circles",
            f"/schools/{urn}/circles",
            {"kind": "practice_discussion", "scheduled_for": held_on.isoformat(), "facilitator_staff_id": head},
        )
        present = [s for s in staff if s != leaver or held_on < leaves_on][:5]
        await api.post(
            "circles",
            f"/schools/{urn}/circles/{circle['circle_id']}/record",
            {
                "held_on": held_on.isoformat(),
                "participant_count": len(present),
                "participant_staff_ids": present,
                "themes": rng.sample(_THEMES, 2),
            },
        )
    terms: dict[str, date] = {}
    for half_term in calendar.overlapping(enrolled_on, today):
        term = half_term.half_term_id.rsplit("-", 1)[0]
        terms[term] = max(terms.get(term, half_term.ends_on), half_term.ends_on)
    roll = rng.randint(180, 420)
    await api.post("reporting", f"/schools/{urn}/impact/returns", _figures("baseline", None, roll, 1.0, rng))
    for number, (term, ends) in enumerate(sorted(terms.items(), key=lambda kv: kv[1])):
        if ends >= today:
            continue
        if rng.random() < school.keen:
            session = await api.post(
                "learning",
                "/sessions",
                {"kind": "mentoring", "urn": urn, "held_on": (ends - timedelta(days=10)).isoformat()},
            )
            await api.post(
                "learning", f"/sessions/{session['session_id']}/attendance", {"schools": [urn], "staff_ids": [head]}
            )
        if rng.random() < school.keen:
            year, season = term.rsplit("-", 1)
            start, end = year.split("-")
            # Suspensions fall as the practice takes hold; a handful of pupils (suppressed when published).
            improving = max(0.4, 1 - 0.12 * (number + 1) * school.keen)
            await api.post(
                "reporting", f"/schools/{urn}/impact/returns", _figures(season, f"{start}/{end}", roll, improving, rng)
            )


def _figures(period: str, academic_year: str | None, roll: int, factor: float, rng: random.Random) -> dict[str, Any]:
    suspensions = max(1, round(rng.randint(6, 14) * factor))
    possible = roll * 2 * 60
    missed = round(possible * rng.uniform(0.05, 0.09) * (0.5 + factor / 2))
    body: dict[str, Any] = {
        "period": period,
        "pupils_on_roll": roll,
        "suspensions": suspensions,
        "pupils_suspended": max(1, min(suspensions, rng.randint(1, 4))),
        "permanent_exclusions": rng.choice([0, 0, 1]),
        "possible_sessions": possible,
        "sessions_missed": missed,
        "pupils_persistently_absent": round(roll * rng.uniform(0.08, 0.16) * factor),
    }
    if academic_year is not None:
        body["academic_year"] = academic_year
    return body


async def seed_demo(endpoints: Endpoints, admin_token: str) -> str:
    today = datetime.now(UTC).date()
    joined = {school.urn: today - timedelta(days=school.joined_days_ago) for school in DEMO_SCHOOLS}
    starts_on = min(joined.values())
    headers = {"Authorization": f"Bearer {admin_token}"}
    async with httpx.AsyncClient(timeout=30, headers=headers) as client:
        api = _Api(client, endpoints)
        created = await client.post(
            f"{endpoints.url('enrolment')}/cohorts", json={**DEMO_COHORT, "starts_on": starts_on.isoformat()}
        )
        if created.status_code == 409:
            return f"rsp: demo cohort {DEMO_COHORT['cohort_id']!r} is already seeded; see {endpoints.dashboard}"
        created.raise_for_status()
        plan_days = created.json()["plan"]["leadership_days"]
        heads: dict[str, str] = {}
        staff: dict[str, list[str]] = {}
        for school in DEMO_SCHOOLS:
            heads[school.urn] = await _enrol(api, school, joined[school.urn])
        for school in DEMO_SCHOOLS:
            staff[school.urn] = await _register(api, school, joined[school.urn], heads[school.urn])
        await _cohort_sessions(api, plan_days, joined, heads, staff, starts_on, today, random.Random("demo:cohort"))
        for school in DEMO_SCHOOLS:
            await _school_history(api, school, joined[school.urn], heads[school.urn], staff[school.urn], today)
    return (
        f"rsp: demo cohort {DEMO_COHORT['cohort_id']!r} seeded with {len(DEMO_SCHOOLS)} schools that joined up to "
        f"{max(s.joined_days_ago for s in DEMO_SCHOOLS)} days ago; their journeys live that history in date order "
        "once it stops arriving (two minutes by default: RSP_JOURNEY_CATCH_UP_QUIET_SECONDS). "
        f"See {endpoints.dashboard}"
    )
