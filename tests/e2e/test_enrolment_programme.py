"""The programme team runs cohorts through enrolment's API: plans, leadership days, GIAS imports, completion and
URN changes, each published through the outbox, and each refusal leaving nothing behind."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from nats.js import JetStreamContext

from runtime.local.endpoints import Endpoints
from tests.clients import Platform, platform_as
from tests.support import Footprint, enrolled_school, next_urn, published, quiet_outboxes, stream_messages

EXTRACT = Path(__file__).parents[1] / "data" / "gias_oxfordshire_extract.csv"


def _cohort_id() -> str:
    return f"e2e-programme-{uuid.uuid4().hex[:8]}"


async def _cohort_with_a_school(api: Platform) -> tuple[str, str]:
    """A new cohort with one school enrolled in it: the cohort's id and the school's URN."""
    cohort_id = _cohort_id()
    return cohort_id, await enrolled_school(api, cohort_id)


WRITTEN = Footprint(
    (
        "SELECT count(*) FROM enrolment.cohorts",
        "SELECT count(*) FROM enrolment.school_enrolments",
        "SELECT count(*) FROM enrolment.staff",
        "SELECT md5(string_agg(plan::text, '' ORDER BY cohort_id)) FROM enrolment.cohorts",
    ),
    streams=("RSP_ENROLMENT",),
)


async def _events(db: asyncpg.Pool, js: JetStreamContext, subject: str) -> list[dict[str, Any]]:
    return [event for _, event in await published(db, js, "RSP_ENROLMENT", subject)]


async def test_cohort_with_its_own_plan_is_published_and_listed(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    cohort_id = _cohort_id()
    body = {
        "cohort_id": cohort_id,
        "name": "Oxfordshire spring cohort",
        "local_authority": "Oxfordshire",
        "starts_on": "2027-01-04",
        "plan": {"leadership_days": ["2027-01-05", "2027-03-02", "2027-06-08"], "immersion_days": 3},
    }

    created = await api.enrolment.create_cohort(body)

    assert created.status_code == 201, created.text
    cohort = created.json()
    assert cohort["ends_on"] == "2028-07-03"
    assert [day["held_on"] for day in cohort["plan"]["leadership_days"]] == ["2027-01-05", "2027-03-02", "2027-06-08"]
    assert (cohort["plan"]["immersion_days"], cohort["plan"]["modules"]) == (3, 15)
    listed = (await api.enrolment.cohorts()).json()
    assert [c for c in listed if c["cohort_id"] == cohort_id] == [cohort]
    [event] = [e for e in await _events(db, js, "rsp.enrolment.cohort.created.v1") if e["cohort_id"] == cohort_id]
    assert event["plan"] == cohort["plan"]


async def test_cohort_lists_its_schools_with_counts(api: Platform) -> None:
    cohort_id = _cohort_id()
    kept = await enrolled_school(api, cohort_id)
    leaving = await enrolled_school(api, cohort_id)
    await api.enrolment.withdraw_school(leaving, "headteacher left")

    cohort = (await api.enrolment.cohort(cohort_id)).json()

    assert cohort["counts"] == {"active": 1, "withdrawn": 1, "completed": 0, "converted": 0}
    assert {s["urn"]: s["status"] for s in cohort["schools"]} == {kept: "active", leaving: "withdrawn"}


BAD_PLANS: list[tuple[str, dict[str, Any], str]] = [
    ("day after the end", {"leadership_days": ["2026-09-10", "2028-03-01"]}, "plan.leadership_days[1]"),
    ("days out of order", {"leadership_days": ["2026-10-10", "2026-09-10"]}, "plan.leadership_days[1]"),
    ("day before the start", {"leadership_days": ["2026-08-31"]}, "plan.leadership_days[0]"),
    ("negative count", {"immersion_days": -1}, "immersion_days"),
    ("more modules than exist", {"modules": 16}, "modules"),
    ("unknown part", {"assemblies": 3}, "assemblies"),
]


@pytest.mark.parametrize(("plan", "field"), [(p, f) for _, p, f in BAD_PLANS], ids=[n for n, _, _ in BAD_PLANS])
async def test_plan_that_cannot_be_is_refused_naming_the_field_and_nothing_is_written(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext, plan: dict[str, Any], field: str
) -> None:
    async with WRITTEN.unchanged(db, js):
        body = {
            "cohort_id": _cohort_id(),
            "name": "Bad plan",
            "local_authority": "Oxfordshire",
            "starts_on": "2026-09-01",
            "plan": plan,
        }

        answer = await api.enrolment.create_cohort(body)

        assert answer.status_code == 422
        assert field in answer.text


async def test_moved_leadership_day_is_published_for_the_journeys(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    cohort_id, _ = await _cohort_with_a_school(api)

    moved = await api.enrolment.move_leadership_day(cohort_id, 2, {"held_on": "2026-10-08"})

    assert moved.status_code == 200, moved.text
    assert moved.json()["plan"]["leadership_days"][1] == {"number": 2, "held_on": "2026-10-08"}
    [event] = [
        e
        for e in await _events(db, js, "rsp.enrolment.cohort.leadership_day_rescheduled.v1")
        if e["cohort_id"] == cohort_id
    ]
    assert event == {"cohort_id": cohort_id, "day_number": 2, "previous_date": "2026-10-01", "held_on": "2026-10-08"}


@pytest.mark.parametrize(
    ("day", "body", "status", "says"),
    [
        (2, {"held_on": "2026-12-02"}, 422, "is not before leadership day 3 (2026-12-01)"),
        (10, {"held_on": "2028-03-01"}, 422, "outside the programme"),
        (11, {"held_on": "2027-05-05"}, 404, "1 to 10, not 11"),
        (2, {"held_on": "not a date"}, 422, "held_on"),
        (2, {"date": "2026-10-08"}, 422, "held_on"),
    ],
    ids=["past its neighbour", "after the end", "no such day", "not a date", "missing date"],
)
async def test_impossible_move_is_refused_and_changes_nothing(
    api: Platform,
    db: asyncpg.Pool,
    js: JetStreamContext,
    day: int,
    body: dict[str, str],
    status: int,
    says: str,
) -> None:
    cohort_id, _ = await _cohort_with_a_school(api)
    async with WRITTEN.unchanged(db, js):
        answer = await api.enrolment.move_leadership_day(cohort_id, day, body)

        assert answer.status_code == status
        assert says in answer.text


async def test_school_enrolled_with_its_headteacher_publishes_no_personal_data(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    cohort_id, _ = await _cohort_with_a_school(api)
    urn = next_urn()
    body = {
        "urn": urn,
        "name": "Windrush Special School",
        "cohort_id": cohort_id,
        "phase": "special",
        "local_authority": "Oxfordshire",
        "headteacher": {"name": "Marigold Thistlewood", "email": "m.thistlewood@windrush.example"},
    }

    enrolled = await api.enrolment.enrol_school(body)

    assert enrolled.status_code == 201, enrolled.text
    school = enrolled.json()
    assert (school["phase"], school["local_authority"]) == ("special", "Oxfordshire")
    staff = (await api.enrolment.staff(urn)).json()
    assert [(m["staff_id"], m["role"], m["name"]) for m in staff] == [
        (school["headteacher_id"], "headteacher", "Marigold Thistlewood")
    ]
    await quiet_outboxes(db)
    about_school = [m for m in await stream_messages(js, "RSP_ENROLMENT") if urn.encode() in m[1]]
    assert sorted(headers["ce-type"] for headers, _ in about_school) == [
        "rsp.enrolment.school.enrolled.v1",
        "rsp.enrolment.staff.registered.v1",
    ]
    assert not any(b"Thistlewood" in data or b"windrush.example" in data for _, data in about_school)


async def test_gias_extract_enrols_open_schools_and_a_rerun_changes_nothing(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    cohort_id, _ = await _cohort_with_a_school(api)
    extract = EXTRACT.read_bytes()

    first = await api.enrolment.import_gias_extract(cohort_id, extract)
    written = await WRITTEN.taken(db, js)
    again = await api.enrolment.import_gias_extract(cohort_id, extract)

    assert first.status_code == 200, first.text
    report = first.json()
    assert len(report["enrolled"]) == 10
    assert {s["urn"] for s in report["enrolled"]} >= {"931001", "931003", "931008"}
    assert next(s for s in report["enrolled"] if s["urn"] == "931008")["name"] == "St Thérèse's Catholic Primary School"
    assert {s["urn"]: s["reason"] for s in report["skipped"]}["931007"] == "EstablishmentStatus is 'Closed', not open"
    assert again.json()["enrolled"] == []
    assert await WRITTEN.taken(db, js) == written
    cohort = (await api.enrolment.cohort(cohort_id)).json()
    assert cohort["counts"]["active"] == 11


async def test_headteacher_names_from_an_extract_are_checked_kept_by_enrolment_and_never_published(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    cohort_id, _ = await _cohort_with_a_school(api)
    # Distinctive, so that finding them on a stream means they leaked.
    heads = {next_urn(): ("Dr", "Philippa", "Quincebrook"), next_urn(): ("Not applicable", "Oswin", "Larkspurrow")}
    header = (
        "URN,LA (name),EstablishmentName,TypeOfEstablishment (name),EstablishmentStatus (name),"
        "PhaseOfEducation (name),HeadTitle (name),HeadFirstName,HeadLastName"
    )
    rows = [
        f"{urn},Oxfordshire,Heads School {urn},Community school,Open,Primary,{','.join(head)}"
        for urn, head in heads.items()
    ]
    extract = ("\r\n".join([header, *rows]) + "\r\n").encode("cp1252")
    expected = dict(zip(heads, ["Dr Philippa Quincebrook", "Oswin Larkspurrow"], strict=True))

    async with WRITTEN.unchanged(db, js):
        check = await api.enrolment.request(
            "POST", f"/cohorts/{cohort_id}/gias-imports", content=extract,
            headers={"Content-Type": "text/csv"}, params={"check": "true"},
        )  # fmt: skip
        assert check.status_code == 200, check.text
        assert {s["urn"]: s["headteacher_name"] for s in check.json()["enrolled"]} == expected
    confirmed = await api.enrolment.import_gias_extract(cohort_id, extract)

    assert confirmed.status_code == 200, confirmed.text
    assert {s["urn"]: s["headteacher_name"] for s in confirmed.json()["enrolled"]} == expected
    for urn, name in expected.items():
        assert (await api.enrolment.school(urn)).json()["headteacher_name"] == name
    await quiet_outboxes(db)
    streams = [info.config.name for info in await js.streams_info() if info.config.name]
    messages = [data for stream in streams for _, data in await stream_messages(js, stream)]
    assert all(any(urn.encode() in data for data in messages) for urn in heads)  # the enrolments were published...
    assert not any(b"Quincebrook" in data or b"Larkspurrow" in data for data in messages)  # ...without the names


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "empty"),
        (b"URN,EstablishmentName\r\n931001,Somewhere\r\n", "LA (name)"),
        (b"\x00\x01\x02 not a csv at all", "URN"),
    ],
    ids=["empty file", "missing columns", "not a csv"],
)
async def test_file_that_is_not_a_gias_extract_is_refused_and_enrols_nothing(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext, content: bytes, says: str
) -> None:
    cohort_id, _ = await _cohort_with_a_school(api)
    async with WRITTEN.unchanged(db, js):
        answer = await api.enrolment.import_gias_extract(cohort_id, content)

        assert answer.status_code == 422
        assert says in answer.json()["detail"]


async def test_school_completes_once_its_cohort_is_over(api: Platform, db: asyncpg.Pool, js: JetStreamContext) -> None:
    cohort_id, urn = await _cohort_with_a_school(api)
    async with WRITTEN.unchanged(db, js):
        too_early = await api.enrolment.complete_school(urn)

        assert too_early.status_code == 409
        assert "cannot complete before" in too_early.json()["detail"]
    # Eighteen months pass: the cohort started two years ago.
    await db.execute("UPDATE enrolment.cohorts SET starts_on = starts_on - 730 WHERE cohort_id = $1", cohort_id)

    completed = await api.enrolment.complete_school(urn)

    assert completed.status_code == 200, completed.text
    assert completed.json()["status"] == "completed"
    events = [e for e in await _events(db, js, "rsp.enrolment.school.completed.v1") if e["urn"] == urn]
    assert [e["cohort_id"] for e in events] == [cohort_id]


async def test_new_urn_takes_the_school_and_its_staff_along(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    _, urn = await _cohort_with_a_school(api)
    member = await api.enrolment.register_staff(
        urn, {"name": "Ada Lovelace", "email": f"{uuid.uuid4().hex[:8]}@academy.example", "role": "teacher"}
    )
    successor_urn = next_urn()

    changed = await api.enrolment.change_urn(urn, {"successor_urn": successor_urn})

    assert changed.status_code == 200, changed.text
    successor = changed.json()
    assert (successor["urn"], successor["predecessor_urn"], successor["status"]) == (successor_urn, urn, "active")
    predecessor = (await api.enrolment.school(urn)).json()
    assert (predecessor["status"], predecessor["successor_urn"]) == ("converted", successor_urn)
    staff = (await api.enrolment.staff(successor_urn)).json()
    assert [m["staff_id"] for m in staff] == [member.json()["staff_id"]]
    events = await _events(db, js, "rsp.enrolment.school.urn_changed.v1")
    assert [e["successor_urn"] for e in events if e["predecessor_urn"] == urn] == [successor_urn]


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"successor_urn": "12345"}, 422, "successor_urn"),
        ({"successor_urn": "<own>"}, 422, "successor_urn"),
        ({"successor_urn": "<taken>"}, 409, "already enrolled"),
        ({"successor_urn": "<fresh>", "changed_on": "2020-01-01"}, 422, "changed_on"),
    ],
    ids=["five digits", "same urn", "successor already enrolled", "before enrolment"],
)
async def test_impossible_urn_change_is_refused_and_changes_nothing(
    api: Platform,
    db: asyncpg.Pool,
    js: JetStreamContext,
    body: dict[str, str],
    status: int,
    says: str,
) -> None:
    cohort_id, urn = await _cohort_with_a_school(api)
    taken = await enrolled_school(api, cohort_id)
    stand_in = {"<own>": urn, "<taken>": taken, "<fresh>": next_urn()}
    body = {key: stand_in.get(value, value) for key, value in body.items()}
    async with WRITTEN.unchanged(db, js):
        answer = await api.enrolment.change_urn(urn, body)

        assert answer.status_code == status
        assert says in answer.text


async def test_every_service_serves_the_event_catalogue(stack: Endpoints) -> None:
    async with platform_as(stack) as anonymous:  # the catalogue holds no personal data
        for service in anonymous.services.values():
            document = (await service.asyncapi()).json()
            assert document["asyncapi"] == "3.0.0"
            assert "rsp.enrolment.school.urn_changed.v1" in {c["address"] for c in document["channels"].values()}
