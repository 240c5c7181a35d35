"""Evidence a council can stand behind (issue 18), on the real stack: the implementation ledger from circles'
fidelity checklists and learning's starts, anonymous staff surveys released only in groups, early indicators with
approved quotes, outcomes like for like, and the cohort's EES files and council report."""

from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from nats.js import JetStreamContext

from runtime.auth import Role
from runtime.local.endpoints import Endpoints
from tests.clients import Platform, expect, platform_as
from tests.ees_checker import check_ees_files
from tests.support import (
    Footprint,
    enrolled_school,
    eventually,
    learning_knows_staff,
    published,
    scheduled_circle,
    scheduled_leadership_day,
    staff_on_circles_roster,
    stream_messages,
)

COHORT = "e2e-evidence"
TODAY = datetime.now(UTC).date()
CIRCLE_CHECKLIST = {
    "agreements_revisited": False,
    "everyone_invited_to_speak": True,
    "restorative_questions_used": True,
    "linked_to_module": False,
    "actions_agreed": True,
}
NEUTRAL = {"u1": 3, "u2": 3, "u3": 3, "r1": 3, "r2": 3, "r3": 3, "r4": 3}
SURVEYS = Footprint.rows_of("reporting.survey_tallies", "reporting.idempotency_keys", streams=("RSP_REPORTING",))


def _answers(c1: int, c2: int, c3: int) -> dict[str, int]:
    return {"c1": c1, "c2": c2, "c3": c3, **NEUTRAL}


def _as(mint: Callable[..., str], role: Role, urn: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint(role, f'{role.value}-{urn}', (urn,))}"}


async def test_the_ledger_counts_fidelity_recorded_with_circles_and_reach_from_module_starts(
    api: Platform, db: asyncpg.Pool
) -> None:
    urn = await enrolled_school(api, COHORT)
    facilitator = await staff_on_circles_roster(api, db, urn)
    await learning_knows_staff(api, urn, facilitator)
    circle_id = await scheduled_circle(api, urn, facilitator, str(TODAY))
    held = {
        "participant_count": 5,
        "participant_staff_ids": [facilitator],
        "themes": ["restorative_conversation"],
        "fidelity": CIRCLE_CHECKLIST,
    }
    expect(await api.circles.record_held(urn, circle_id, held))
    expect(await api.learning.record_start({"staff_id": facilitator, "urn": urn, "module_number": 1}), 201)

    async def ledger() -> dict[str, Any] | None:
        found = expect(await api.reporting.request("GET", f"/schools/{urn}/ledger"))
        circles = found["fidelity"][0]
        return found if circles["recorded"] == 1 and found["reach"]["started"] == 1 else None

    found = await eventually(ledger, within=30)

    circles = found["fidelity"][0]
    assert (circles["occasion"], circles["items_answered"], circles["items_done"], circles["done_percent"]) == (
        "circle",
        5,
        3,
        60.0,
    )
    assert {i["key"]: i["done"] for i in circles["items"]}["restorative_questions_used"] == 1
    assert found["reach"]["current_staff"] == 1
    assert found["reach"]["started_percent"] == 100.0
    dosage = {d["part"]: d for d in found["dosage"]}
    assert dosage["circles"]["received"] == 1
    assert dosage["modules"]["planned"] == 15


async def test_a_circle_checklist_missing_an_item_is_refused_and_nothing_is_recorded(
    api: Platform, db: asyncpg.Pool
) -> None:
    urn = await enrolled_school(api, COHORT)
    facilitator = await staff_on_circles_roster(api, db, urn)
    circle_id = await scheduled_circle(api, urn, facilitator, str(TODAY))
    incomplete = {k: v for k, v in CIRCLE_CHECKLIST.items() if k != "actions_agreed"}
    held = {"participant_count": 4, "participant_staff_ids": [], "themes": ["belonging"], "fidelity": incomplete}

    answer = await api.circles.record_held(urn, circle_id, held)

    assert answer.status_code == 422
    assert "fidelity" in answer.json()["detail"]
    assert "actions_agreed" in answer.json()["detail"]
    assert expect(await api.circles.circle(urn, circle_id))["status"] == "scheduled"


async def test_survey_scores_appear_only_once_a_group_of_five_has_answered(
    api: Platform, mint: Callable[..., str]
) -> None:
    urn = await enrolled_school(api, COHORT)
    school = _as(mint, Role.SCHOOL, urn)
    before = [_answers(2, 3, 4), _answers(3, 3, 3), _answers(1, 2, 5), _answers(4, 4, 2), _answers(2, 2, 4)]
    after = [_answers(4, 4, 2)] * 3 + [_answers(5, 4, 1), _answers(3, 4, 3), _answers(5, 5, 2)]
    for answers in before:
        body = {"wave": "before", "answers": answers}
        answer = await api.reporting.request("POST", f"/schools/{urn}/surveys/responses", json=body, headers=school)
        assert answer.status_code == 202, answer.text
    for n, answers in enumerate(after):
        body = {"wave": "after", "answers": answers}
        answer = await api.reporting.request("POST", f"/schools/{urn}/surveys/responses", json=body, headers=school)
        assert answer.status_code == 202, answer.text
        if n == 3:
            shown = expect(await api.reporting.request("GET", f"/schools/{urn}/surveys"))
            confidence = shown["changes"]["before to after"][0]
            # Four "after" answers are pending: nothing of them is released, so nothing shows.
            assert (confidence["responses_to"], confidence["score_to"]) == (0, None)
            assert confidence["score_from"] == 2.53

    shown = expect(await api.reporting.request("GET", f"/schools/{urn}/surveys"))

    confidence = shown["changes"]["before to after"][0]
    # Released in a group of five; the sixth waits for four more. (7+9+4+12+6)/15 = 2.53; (12x3+14+10)/15 = 4.0.
    assert (confidence["responses_from"], confidence["responses_to"]) == (5, 5)
    assert (confidence["score_from"], confidence["score_to"], confidence["change"]) == (2.53, 4.0, 1.47)
    follow_up = shown["changes"]["before to follow_up"][0]
    assert (follow_up["responses_to"], follow_up["score_to"], follow_up["change"]) == (0, None, None)


async def test_no_survey_answer_can_be_joined_back_to_a_person(
    api: Platform, mint: Callable[..., str], db: asyncpg.Pool, js: JetStreamContext, stack_dir: Path
) -> None:
    urn = await enrolled_school(api, COHORT)
    respondent = _as(mint, Role.SCHOOL, urn)
    # A distinctive set of answers someone might try to find again: all at the scale's top but one.
    marked = _answers(5, 5, 1) | {"r4": 1}
    body = {"wave": "follow_up", "answers": marked}
    before_rows = await _reporting_dump(db)

    answer = await api.reporting.request("POST", f"/schools/{urn}/surveys/responses", json=body, headers=respondent)

    assert answer.status_code == 202
    assert answer.content == b""  # nothing to look up later
    written = [row for row in await _reporting_dump(db) if row not in before_rows]
    # All that was written is the school's tallies (pending and released): counts and sums, no answer, no id,
    # no token, no time.
    assert {table for table, _ in written} == {"survey_tallies"}
    tallies = [json.loads(values) for _, values in written]
    assert sorted(t["respondents"] for t in tallies) == [0, 1]
    assert all(
        set(t) == {"instrument_id", "urn", "cohort_id", "wave", "released", "respondents", "points"} for t in tallies
    )
    assert [t["points"] for t in tallies if t["respondents"] == 1] == [
        {"confidence": 15, "understanding": 9, "restorative": 10}
    ]
    columns = await db.fetch(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'reporting' "
        "AND table_name IN ('survey_tallies', 'survey_instruments')"
    )
    assert not [c for c in columns if "staff" in c["column_name"] or c["column_name"].endswith("_at")]
    # Nothing published, logged or traced carries the answers or the respondent's token subject.
    needles = [json.dumps(marked), '"c1": 5', '"r4": 1']
    leaks = []
    for _, data in await stream_messages(js, "RSP_REPORTING"):
        if any(n in data.decode() for n in needles):
            leaks.append("RSP_REPORTING")
    for path in [*(stack_dir / "logs").glob("*.log"), *(stack_dir / "traces").glob("*.jsonl")]:
        text = path.read_text(encoding="utf-8", errors="replace")
        if any(n in text for n in needles):
            leaks.append(str(path.name))
    assert leaks == []
    # A key would keep a digest of the answers beside the caller and a time: refused, and nothing written.
    async with SURVEYS.unchanged(db, js):
        keyed = await api.reporting.request(
            "POST",
            f"/schools/{urn}/surveys/responses",
            json=body,
            headers={**respondent, "Idempotency-Key": str(uuid.uuid4())},
        )
        assert keyed.status_code == 422
        assert "Idempotency-Key" in keyed.json()["detail"]


async def _reporting_dump(db: asyncpg.Pool) -> list[tuple[str, str]]:
    """Every row of reporting's evidence and idempotency tables, as JSON text."""
    found = []
    for table in ("survey_tallies", "survey_instruments", "feedback", "adaptations", "idempotency_keys"):
        for row in await db.fetch(f"SELECT row_to_json(t)::text AS j FROM reporting.{table} t"):
            found.append((table, row["j"]))
    return found


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({k: v for k, v in _answers(2, 3, 4).items() if k != "r2"}, "answers.r2"),
        (_answers(2, 3, 9), "answers.c3"),
        ({**_answers(2, 3, 4), "z9": 1}, "answers"),
    ],
)
async def test_a_bad_survey_response_gets_a_clear_error_and_counts_nothing(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext, answers: dict[str, int], field: str
) -> None:
    urn = await enrolled_school(api, COHORT)
    async with SURVEYS.unchanged(db, js):
        body = {"wave": "before", "answers": answers}
        answer = await api.reporting.request("POST", f"/schools/{urn}/surveys/responses", json=body)

        assert answer.status_code == 422
        assert answer.json()["detail"].startswith(field)


async def test_early_indicators_count_impacts_and_show_only_consented_approved_quotes(
    api: Platform, mint: Callable[..., str], stack: Endpoints
) -> None:
    urn = await enrolled_school(api, COHORT)
    day = str(uuid.uuid4())
    given = []
    for impacts, quote, consent in [
        (["understanding_of_needs", "changed_leadership_style"], "I listen first now.", True),
        (["understanding_of_needs"], "Ask me about the pupils I worry about.", False),
        (["fewer_suspensions"], None, False),
    ]:
        body = {"occasion": "leadership_day", "occasion_id": day, "impacts": impacts, "consent_to_publish": consent}
        body |= {"quote": quote} if quote else {}
        given.append(expect(await api.reporting.request("POST", f"/schools/{urn}/feedback", json=body), 201))
    path = f"/cohorts/{COHORT}/early-indicators"

    async with platform_as(stack, mint(Role.VIEWER, "commissioner")) as commissioner:
        before = expect(await commissioner.reporting.request("GET", path))
        consented, not_consented, _ = given
        refused = await api.reporting.request(
            "POST", f"/feedback/{not_consented['feedback_id']}/approval", json={"approved": True}
        )
        approved = await api.reporting.request(
            "POST", f"/feedback/{consented['feedback_id']}/approval", json={"approved": True}
        )
        after = expect(await commissioner.reporting.request("GET", path))

    assert "I listen first now." not in before["quotes"]
    assert refused.status_code == 422
    assert expect(approved)["quote_status"] == "approved"
    assert "I listen first now." in after["quotes"]
    assert "Ask me about the pupils I worry about." not in after["quotes"]
    counts = {i["impact"]: i["reported"] for i in after["impacts"]}
    assert counts["understanding_of_needs"] >= 2
    assert counts["fewer_suspensions"] >= 1


async def test_an_adaptation_keeps_its_reason_in_reporting_and_publishes_nothing(
    api: Platform, mint: Callable[..., str], db: asyncpg.Pool, js: JetStreamContext
) -> None:
    urn = await enrolled_school(api, COHORT)
    facilitator = _as(mint, Role.FACILITATOR, urn)
    body = {
        "part": "circles",
        "what_changed": "Circles held fortnightly in smaller groups",
        "reason": "Staffing pressures after a long-term absence",
        "decided_on": str(TODAY),
    }
    async with Footprint.rows_of(streams=("RSP_REPORTING",)).unchanged(db, js):
        logged = await api.reporting.request("POST", f"/schools/{urn}/adaptations", json=body, headers=facilitator)
    refused = await api.reporting.request(
        "POST", f"/schools/{urn}/adaptations", json=body | {"decided_on": "2099-01-01"}, headers=facilitator
    )

    assert expect(logged, 201)["reason"] == body["reason"]
    assert refused.status_code == 422
    assert "decided_on" in refused.json()["detail"]
    listed = expect(await api.reporting.request("GET", f"/schools/{urn}/adaptations"))
    assert [a["what_changed"] for a in listed] == [body["what_changed"]]
    ledger = expect(await api.reporting.request("GET", f"/schools/{urn}/ledger"))
    assert ledger["adaptations_logged"] == 1


def _figures(*values: int, records: int | None = None) -> dict[str, int]:
    names = (
        "pupils_on_roll",
        "suspensions",
        "pupils_suspended",
        "permanent_exclusions",
        "possible_sessions",
        "sessions_missed",
        "pupils_persistently_absent",
    )
    found = dict(zip(names, values, strict=True))
    return found | ({"pupils_with_absence_records": records} if records else {})


async def test_like_for_like_figures_and_the_cohort_files_agree_and_pass_dfes_rules(
    api: Platform, mint: Callable[..., str], stack: Endpoints
) -> None:
    cohort = f"evidence-{uuid.uuid4().hex[:8]}"
    a, b, c = [await enrolled_school(api, cohort) for _ in range(3)]
    enrolled = datetime.fromisoformat(expect(await api.reporting.progress(a))["enrolled_on"]).date()
    year = enrolled.year if enrolled.month >= 9 else enrolled.year - 1
    term = "autumn" if enrolled.month >= 9 else "spring" if enrolled.month <= 3 else "summer"
    this_year, baseline_year = f"{year}/{(year + 1) % 100:02d}", f"{year - 1}/{year % 100:02d}"
    returns = {
        a: [
            ("baseline", None, _figures(400, 30, 18, 3, 180_000, 10_800, 50)),
            (term, baseline_year, _figures(400, 12, 8, 1, 60_000, 3_000, 40, records=410)),
            (term, this_year, _figures(420, 9, 6, 0, 63_000, 2_835, 30, records=430)),
        ],
        b: [
            ("baseline", None, _figures(300, 20, 12, 0, 135_000, 6_750, 30)),
            (term, this_year, _figures(310, 7, 4, 0, 46_500, 2_000, 12)),
        ],
        c: [
            ("baseline", None, _figures(200, 10, 6, 0, 90_000, 4_500, 20)),
            (term, this_year, _figures(205, 2, 1, 0, 30_000, 1_500, 9)),
        ],
    }
    for urn, periods in returns.items():
        for period, academic_year, values in periods:
            body = {"period": period, **values} | ({"academic_year": academic_year} if academic_year else {})
            expect(await api.reporting.submit_impact_return(urn, body), 201)

    compared = expect(await api.reporting.request("GET", f"/schools/{a}/impact/like-for-like"))["comparisons"]
    other = expect(await api.reporting.request("GET", f"/schools/{b}/impact/like-for-like"))["comparisons"]
    async with platform_as(stack, mint(Role.VIEWER, "commissioner")) as commissioner:
        # The cohort and its schools reach reporting as different events, in either order: wait for the cohort.
        async def cohort_file() -> httpx.Response | None:
            answer = await commissioner.reporting.request("GET", f"/cohorts/{cohort}/open-data/ees.csv")
            return answer if answer.status_code != 404 else None

        data = await eventually(cohort_file)
        assert data.status_code == 200, data.text
        meta = await commissioner.reporting.request("GET", f"/cohorts/{cohort}/open-data/ees.meta.csv")
        report = await commissioner.reporting.request("GET", f"/cohorts/{cohort}/council-report.ods")

    [like] = compared
    assert (like["basis"], like["compared_with"]) == ("termly", f"{term} {baseline_year}")
    # 9 / 420 x 100 = 2.142857 against 12 / 400 x 100 = 3; 6 / 420 against 2; 3 / 420 against 1.
    assert like["change"]["suspension_rate"] == -0.86
    assert like["change"]["one_or_more_suspension_rate"] == -0.57
    assert like["change"]["repeat_suspension_rate"] == -0.29
    # 30 / 430 = 6.98% against 40 / 410 = 9.76% of pupils with absence records; 4.5% against 5.0% of sessions.
    assert like["change"]["persistent_absence_percent"] == -2.8
    assert like["change"]["overall_absence_percent"] == -0.5
    # The baseline term's one exclusion is withheld, and so is the change worked out from it.
    assert like["change"]["permanent_exclusion_rate"] is None
    [fallback] = other
    assert (fallback["basis"], fallback["compared_with"]) == ("annual", f"baseline {baseline_year}")
    # C's 2 suspensions of 1 pupil are withheld; B's, the next smallest, with them (the total would give C's back).
    assert fallback["term_rates"]["suspension_rate"] is None
    assert fallback["change"]["suspension_rate"] is None
    # A year's pupils suspended cannot be shared out by term: not compared against an annual baseline.
    assert fallback["change"]["one_or_more_suspension_rate"] is None
    assert fallback["change"]["overall_absence_percent"] == -0.7  # 2000 / 46500 = 4.30% against 5.0%
    name = data.headers["content-disposition"].split('filename="')[1].rstrip('"')
    meta_name = meta.headers["content-disposition"].split('filename="')[1].rstrip('"')
    assert check_ees_files(name, data.content, meta_name, meta.content) == []
    rows = list(csv.DictReader(io.StringIO(data.content.decode("utf-8"))))
    c_term = next(r for r in rows if r["school_urn"] == c and r["return_type"] == "Programme")
    assert (c_term["suspensions"], c_term["suspension_rate"], c_term["repeat_suspensions"]) == ("c", "c", "c")
    a_term = next(r for r in rows if r["school_urn"] == a and r["return_type"] == "Programme")
    assert (a_term["suspensions"], a_term["suspension_rate"]) == ("9", "2.14")
    assert report.headers["content-type"] == "application/vnd.oasis.opendocument.spreadsheet"
    with zipfile.ZipFile(io.BytesIO(report.content)) as archive:
        content = archive.read("content.xml").decode("utf-8")
    for sheet in ("Implementation ledger", "Staff surveys", "Early indicators", "Outcomes like for like"):
        assert f'table:name="{sheet}"' in content


async def test_the_evidence_page_shows_a_commissioner_the_cohort_figures_and_approved_quotes_only(
    api: Platform, mint: Callable[..., str], stack: Endpoints
) -> None:
    urn = await enrolled_school(api, COHORT)
    body = {
        "occasion": "circle",
        "occasion_id": str(uuid.uuid4()),
        "impacts": ["circles_for_decisions"],
        "quote": "We now use circles to decide things together.",
        "consent_to_publish": True,
    }
    given = expect(await api.reporting.request("POST", f"/schools/{urn}/feedback", json=body), 201)
    async with platform_as(stack, mint(Role.VIEWER, "commissioner")) as commissioner:
        before = await commissioner.reporting.request("GET", f"/dashboard/cohorts/{COHORT}/evidence")
        expect(
            await api.reporting.request("POST", f"/feedback/{given['feedback_id']}/approval", json={"approved": True})
        )
        after = await commissioner.reporting.request("GET", f"/dashboard/cohorts/{COHORT}/evidence")
        dosage = await commissioner.reporting.request("GET", f"/dashboard/cohorts/{COHORT}/evidence/dosage.csv")

    assert before.status_code == 200
    assert "We now use circles to decide things together." not in before.text
    assert "We now use circles to decide things together." in after.text
    for heading in ("Implementation: dosage", "Implementation: fidelity", "Staff surveys", "Outcome figures"):
        assert heading in after.text
    assert dosage.status_code == 200
    assert dosage.text.splitlines()[0].startswith("Part,Unit,Planned")


DAY_CHECKLIST = {
    "programme_content_covered": True,
    "restorative_questions_modelled": True,
    "school_practice_reviewed": True,
    "actions_set": False,
}


async def test_a_leadership_days_checklist_reaches_every_attending_schools_ledger(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    cohort = f"evidence-days-{uuid.uuid4().hex[:6]}"
    urn = await enrolled_school(api, cohort)
    session = await scheduled_leadership_day(api, cohort, 1)

    held = await api.learning.record_attendance(session["session_id"], {"schools": [urn], "fidelity": DAY_CHECKLIST})

    assert held.status_code == 200, held.text
    held_events = [e for _, e in await published(db, js, "RSP_LEARNING", "rsp.learning.leadership_day.held.v1")]
    assert [e["fidelity"] for e in held_events if e["session_id"] == session["session_id"]] == [DAY_CHECKLIST]

    async def ledger() -> dict[str, Any] | None:
        found = expect(await api.reporting.request("GET", f"/schools/{urn}/ledger"))
        return found if found["fidelity"][1]["recorded"] == 1 else None

    days = (await eventually(ledger, within=30))["fidelity"][1]
    assert (days["occasion"], days["items_answered"], days["items_done"], days["done_percent"]) == (
        "leadership_day",
        4,
        3,
        75.0,
    )


async def test_a_checklist_on_a_session_that_has_none_is_refused_and_nothing_is_written(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    cohort = f"evidence-days-{uuid.uuid4().hex[:6]}"
    urn = await enrolled_school(api, cohort)
    immersion = {"kind": "immersion_day", "cohort_id": cohort, "held_on": TODAY.isoformat()}
    session = expect(await api.learning.schedule_session(immersion), 201)

    async with Footprint.rows_of("learning.sessions", streams=("RSP_LEARNING",)).unchanged(db, js):
        refused = await api.learning.record_attendance(
            session["session_id"], {"schools": [urn], "fidelity": DAY_CHECKLIST}
        )

    assert refused.status_code == 422
    assert refused.json()["detail"].startswith("fidelity: only a leadership day")


EVIDENCE_WRITTEN = Footprint.rows_of(
    "reporting.feedback", "reporting.survey_instruments", "reporting.adaptations", streams=("RSP_REPORTING",)
)


@pytest.mark.parametrize(
    ("path", "body", "says"),
    [
        (
            "/schools/{urn}/feedback",
            {"occasion": "circle", "occasion_id": str(uuid.UUID(int=7)), "impacts": ["world_peace"],
             "consent_to_publish": True},
            "impacts: world_peace is not on the list",
        ),
        (
            "/schools/{urn}/feedback",
            {"occasion": "circle", "occasion_id": str(uuid.UUID(int=7)), "impacts": ["attendance", "attendance"],
             "consent_to_publish": True},
            "impacts: name each impact once",
        ),
        (
            "/surveys/instruments",
            {"instrument_id": "bad-scale", "title": "T", "licence": "L", "lowest": 1, "highest": 5, "scoring": "mean",
             "scales": [{"key": "s", "title": "S"}], "items": [{"key": "a", "text": "A", "scale": "elsewhere"}]},
            "items[0].scale: 'elsewhere' is not one of the instrument's scales",
        ),
        (
            "/surveys/instruments",
            {"instrument_id": "rsp-staff-relational-practice-v1", "title": "T", "licence": "L", "lowest": 1,
             "highest": 5, "scoring": "mean", "scales": [{"key": "s", "title": "S"}],
             "items": [{"key": "a", "text": "A", "scale": "s"}]},
            "instrument_id: is the programme's own instrument's",
        ),
        (
            "/schools/{urn}/adaptations",
            {"part": "circles", "what_changed": "Fewer circles", "reason": "   ", "decided_on": str(TODAY)},
            "reason: must say something",
        ),
    ],
    ids=["unknown impact", "impact twice", "item on no scale", "the default's id", "blank reason"],
)  # fmt: skip
async def test_bad_evidence_gets_a_clear_error_and_writes_nothing(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext, path: str, body: dict[str, Any], says: str
) -> None:
    urn = await enrolled_school(api, COHORT)
    async with EVIDENCE_WRITTEN.unchanged(db, js):
        answer = await api.reporting.request("POST", path.format(urn=urn), json=body)

    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"].startswith(says)


async def test_approving_feedback_that_does_not_exist_is_not_found(api: Platform) -> None:
    answer = await api.reporting.request("POST", f"/feedback/{uuid.uuid4()}/approval", json={"approved": True})

    assert answer.status_code == 404
    assert "no feedback" in answer.json()["detail"]
