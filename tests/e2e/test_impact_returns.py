"""Impact returns on the real stack: schools submit, reporting works out rates, change and suppression for a
small cohort exactly as done by hand here, publishes each return as an event, and refuses what cannot be true
without writing anything."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import asyncpg
import httpx
import pytest
from nats.js import JetStreamContext

from runtime.auth import Role
from runtime.local.endpoints import Endpoints
from tests.clients import Platform, platform_as
from tests.support import Footprint, enrolled_school, published

SUBMITTED = "rsp.reporting.impact_return.submitted.v1"
FIELDS = (
    "pupils_on_roll",
    "suspensions",
    "pupils_suspended",
    "permanent_exclusions",
    "possible_sessions",
    "sessions_missed",
    "pupils_persistently_absent",
)


def figures(*values: int) -> dict[str, int]:
    return dict(zip(FIELDS, values, strict=True))


def term_when(enrolled_on: date) -> tuple[str, str]:
    """The academic year and term a school is in on the day it joins (its first return)."""
    starts = enrolled_on.year if enrolled_on.month >= 9 else enrolled_on.year - 1
    term = "autumn" if enrolled_on.month >= 9 else "spring" if enrolled_on.month <= 3 else "summer"
    return f"{starts}/{(starts + 1) % 100:02d}", term


async def _enrolled_on(api: Platform, urn: str) -> date:
    return date.fromisoformat((await api.reporting.progress(urn)).json()["enrolled_on"])


def _as_school(mint: Callable[..., str], urn: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint(Role.SCHOOL, f'school-{urn}', (urn,))}"}


async def _submit(
    api: Platform,
    urn: str,
    period: str,
    year: str | None,
    values: dict[str, int],
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """An impact return for `urn`, sent by `api`'s caller (or by the caller `headers` authorise)."""
    body: dict[str, Any] = {"period": period, **values} | ({"academic_year": year} if year else {})
    return await api.reporting.submit_impact_return(urn, body, headers)


WRITTEN = Footprint.rows_of("reporting.impact_returns", "reporting.outbox", streams=("RSP_REPORTING",))


async def _events_about(db: asyncpg.Pool, js: JetStreamContext, urn: str) -> list[dict[str, Any]]:
    return [event for _, event in await published(db, js, "RSP_REPORTING", SUBMITTED) if event["urn"] == urn]


# (pupils, suspensions, pupils suspended, permanent exclusions, possible sessions, sessions missed, persistent)
BASELINES = [
    figures(400, 30, 12, 0, 152_000, 9_120, 60),
    figures(200, 12, 6, 0, 76_000, 3_800, 20),
    figures(600, 45, 20, 3, 228_000, 15_960, 90),
]
TERMS = [
    figures(400, 5, 4, 0, 50_000, 2_500, 48),
    figures(200, 1, 1, 0, 25_000, 1_000, 15),  # one suspension, one pupil: suppressed
    figures(600, 9, 7, 1, 75_000, 4_500, 66),  # one exclusion: suppressed
]


async def test_cohort_figures_match_those_worked_out_by_hand_with_suppression(
    stack: Endpoints, api: Platform, mint: Callable[..., str], db: asyncpg.Pool, js: JetStreamContext
) -> None:
    cohort = f"impact-{uuid.uuid4().hex[:8]}"
    a, b, c = [await enrolled_school(api, cohort) for _ in range(3)]
    for urn, baseline, term in zip((a, b, c), BASELINES, TERMS, strict=True):
        year, term_name = term_when(await _enrolled_on(api, urn))
        assert (await _submit(api, urn, "baseline", None, baseline, _as_school(mint, urn))).status_code == 201
        answer = await _submit(api, urn, term_name, year, term, _as_school(mint, urn))
        assert answer.status_code == 201, answer.text

    async with platform_as(stack, mint(Role.VIEWER, "commissioner")) as commissioner:
        table = (await commissioner.reporting.cohort_impact(cohort)).json()
        exported = await commissioner.reporting.cohort_impact_csv(cohort)

    rows = {row["urn"]: row for row in table["schools"]}
    assert table["schools_compared"] == 3
    # B's 1 suspension and 1 pupil suspended are suppressed, and A's (5 and 4, the next smallest) with them, so
    # the total of 15 less C's 9 gives only A and B together. Their rates go too.
    assert [rows[u]["latest"]["suspensions"] for u in (a, b, c)] == ["c", "c", 9]
    assert [rows[u]["latest"]["suspension_rate"] for u in (a, b, c)] == ["c", "c", 1.5]  # 9 / 600 x 100
    assert [rows[u]["latest"]["pupils_suspended"] for u in (a, b, c)] == ["c", "c", 7]
    # C's one exclusion is suppressed; A and B had none, so the total (1) is suppressed as well.
    assert [rows[u]["latest"]["permanent_exclusions"] for u in (a, b, c)] == [0, 0, "c"]
    assert table["latest_total"]["permanent_exclusions"] == "c"
    # Absence is about sessions: B 1,000 / 25,000 = 4%; persistent absence 15 / 200 = 7.5%.
    assert rows[b]["latest"]["overall_absence_rate"] == 4.0
    assert rows[b]["latest"]["persistent_absence_rate"] == 7.5
    # Change per school, percentage points; a term's suspensions against a third of the baseline year's.
    assert rows[c]["change_against_baseline"] == {
        "suspension_rate": -1.0,  # 1.5 - 7.5 / 3
        "permanent_exclusion_rate": "c",
        "overall_absence_rate": -1.0,  # 6 - 7
        "persistent_absence_rate": -4.0,  # 11 - 15
    }
    assert rows[a]["change_against_baseline"]["suspension_rate"] == "c"
    # Cohort totals, pupil-weighted: 87 / 1,200 = 7.25 and 15 / 1,200 = 1.25 suspensions per 100 pupils.
    assert table["baseline_total"]["suspensions"] == 87
    assert table["baseline_total"]["suspension_rate"] == 7.25
    assert table["latest_total"]["suspensions"] == 15
    assert table["latest_total"]["suspension_rate"] == 1.25
    assert table["change_against_baseline"] == {
        "suspension_rate": -1.17,  # 1.25 - 7.25 / 3
        "permanent_exclusion_rate": "c",
        "overall_absence_rate": -1.0,  # 8,000 / 150,000 = 5.33 against 28,880 / 456,000 = 6.33
        "persistent_absence_rate": -3.42,  # 129 / 1,200 = 10.75 against 170 / 1,200 = 14.17
    }
    # A (1.25 against 2.5) and B (0.5 against 2) halved their suspensions; C (1.5 against 2.5) did not.
    assert table["suspensions_halved"] == {"schools_counted": 3, "schools_halved": 2, "share_percent": 66.67}

    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv; charset=utf-8")
    assert exported.content.count(b"\r\n") == 5  # header, three schools, the total
    records = {record["urn"]: record for record in csv.DictReader(io.StringIO(exported.text))}
    assert (records[b]["latest_suspensions"], records[c]["latest_suspensions"]) == ("c", "9")
    assert records[c]["change_overall_absence_rate"] == "-1.0"
    assert records[""]["change_suspension_rate"] == "-1.17"

    events = await _events_about(db, js, b)
    assert [(e["period"], e["suspensions"], e["version"]) for e in events] == [
        ("baseline", 12, 1),
        (term_when(await _enrolled_on(api, b))[1], 1, 1),
    ]
    assert all(f"School {b}" not in json.dumps(e) for e in events)


async def test_corrected_return_replaces_the_earlier_one_and_keeps_it_in_the_history(
    stack: Endpoints, api: Platform, mint: Callable[..., str], db: asyncpg.Pool, js: JetStreamContext
) -> None:
    urn = await enrolled_school(api, "e2e-impact")
    async with platform_as(stack, mint(Role.FACILITATOR, "facilitator", (urn,))) as facilitator:
        first = await _submit(facilitator, urn, "baseline", None, BASELINES[0])
        corrected = await _submit(facilitator, urn, "baseline", None, BASELINES[0] | {"suspensions": 31})
        unchanged = await _submit(facilitator, urn, "baseline", None, BASELINES[0] | {"suspensions": 31})
        impact = (await facilitator.reporting.impact(urn)).json()
        exported = await facilitator.reporting.impact_csv(urn)

    assert (first.status_code, corrected.status_code, unchanged.status_code) == (201, 201, 200)
    [baseline] = impact["returns"]
    assert baseline["current"]["version"] == 2
    assert baseline["current"]["suspensions"] == 31
    assert baseline["current"]["replaces"] == first.json()["current"]["return_id"]
    assert [(v["version"], v["suspensions"]) for v in baseline["earlier"]] == [(1, 30)]
    assert impact["published"][0]["figures"]["suspension_rate"] == 7.75  # 31 / 400 x 100
    assert impact["returns_due"][0]["period"] == "baseline"
    assert [e["version"] for e in await _events_about(db, js, urn)] == [1, 2]
    assert exported.text.startswith("period,pupils_on_roll,")
    assert f"baseline {baseline['academic_year']},400,31," in exported.text


@pytest.fixture(scope="module")
async def impact_school(api: Platform) -> str:
    return await enrolled_school(api, "e2e-impact")


BAD_RETURNS: list[tuple[str, str, dict[str, Any], int, str]] = [
    ("more pupils suspended than on roll", "baseline", figures(100, 200, 101, 0, 1000, 10, 0), 422, "pupils_suspended"),
    ("more persistently absent than on roll", "baseline", figures(100, 0, 0, 0, 1000, 10, 101), 422,
     "pupils_persistently_absent"),
    ("more sessions missed than possible", "baseline", figures(100, 0, 0, 0, 1000, 1001, 0), 422, "sessions_missed"),
    ("negative suspensions", "baseline", figures(100, -1, 0, 0, 1000, 10, 0), 422, "suspensions"),
    ("no pupils on roll", "baseline", figures(0, 0, 0, 0, 1000, 10, 0), 422, "pupils_on_roll"),
    ("term outside the 18 months", "autumn@+3", figures(100, 0, 0, 0, 1000, 10, 0), 422, "period"),
    ("baseline of the wrong year", "baseline@-3", figures(100, 0, 0, 0, 1000, 10, 0), 422, "academic_year"),
    ("term without its year", "autumn", figures(100, 0, 0, 0, 1000, 10, 0), 422, "academic_year"),
    ("unknown period", "winter", figures(100, 0, 0, 0, 1000, 10, 0), 422, "period"),
    ("extra field", "baseline", figures(100, 0, 0, 0, 1000, 10, 0) | {"pupil_names": "x"}, 422, "pupil_names"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "period", "body", "status", "named"), BAD_RETURNS, ids=[c[0] for c in BAD_RETURNS])
async def test_return_that_cannot_be_true_is_refused_naming_the_field_and_writes_nothing(
    api: Platform,
    db: asyncpg.Pool,
    js: JetStreamContext,
    impact_school: str,
    case: str,
    period: str,
    body: dict[str, Any],
    status: int,
    named: str,
) -> None:
    starts = int(term_when(await _enrolled_on(api, impact_school))[0][:4])
    name, _, shift = period.partition("@")
    year = f"{starts + int(shift)}/{(starts + int(shift) + 1) % 100:02d}" if shift else None
    async with WRITTEN.unchanged(db, js):
        answer = await _submit(api, impact_school, name, year, body)

        assert answer.status_code == status, answer.text
        assert named in answer.text


async def test_return_for_an_unknown_school_is_404_and_writes_nothing(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    async with WRITTEN.unchanged(db, js):
        answer = await _submit(api, "999997", "baseline", None, BASELINES[0])

        assert answer.status_code == 404
        assert "999997" in answer.json()["detail"]


async def test_retried_submission_with_the_same_key_writes_once(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    urn = await enrolled_school(api, "e2e-impact")
    key = {"Idempotency-Key": str(uuid.uuid4())}

    first = await _submit(api, urn, "baseline", None, BASELINES[1], key)
    again = await _submit(api, urn, "baseline", None, BASELINES[1], key)

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert await db.fetchval("SELECT count(*) FROM reporting.impact_returns WHERE urn = $1", urn) == 1
    assert len(await _events_about(db, js, urn)) == 1


async def test_unknown_cohort_impact_is_404(api: Platform) -> None:
    answer = await api.reporting.cohort_impact("no-such-cohort")

    assert answer.status_code == 404
    assert "no-such-cohort" in answer.json()["detail"]
