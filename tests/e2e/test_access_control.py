"""Who may do what, against the real running services: every endpoint x every role x own/other school.

Missing or bad tokens get 401, a role without the action 403, another school's data 404 (as if it did not
exist), and a refused write leaves no row and no event behind.
"""

from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from nats.js import JetStreamContext

from runtime.auth import SESSION_COOKIE, Role, mint_token
from runtime.local.endpoints import Endpoints
from runtime.local.stack import LocalStack
from services.reporting.domain.surveys import DEFAULT_INSTRUMENT
from tests.clients import Platform, ServiceClient, expect, platform_as
from tests.support import (
    Footprint,
    enrolled_school,
    next_urn,
    registered_staff,
    scheduled_circle,
    staff_on_circles_roster,
)

COHORT = "e2e-access"
# Each impact return in the matrix has a roll of its own, so each is a new version rather than a repeat.
_rolls = itertools.count(300)
ADMIN, FACILITATOR, SCHOOL, VIEWER = Role.PROGRAMME_ADMIN, Role.FACILITATOR, Role.SCHOOL, Role.VIEWER
SERVICE = Role.SERVICE
# A school's own detail (its staff ids, its at-risk reasons): not for commissioners, who read aggregates.
SCHOOL_DETAIL = frozenset({ADMIN, FACILITATOR, SCHOOL})
STAFF = "<the registered staff member>"  # in a body: the `{staff_id}` registered for the case
TODAY = datetime.now(UTC).date()


@dataclass(frozen=True)
class Endpoint:
    """One HTTP endpoint, the roles its service allows, and whether it is about one school."""

    name: str
    service: str
    method: str
    path: str  # `{urn}`: the school asked about, `{staff_id}`: someone registered there, `{circle_id}`: its circle
    allowed: frozenset[Role]
    school_scoped: bool
    body: Callable[[str], dict[str, Any] | str] | None = None  # a str is sent as a CSV file
    succeeds_with: int = 200
    fresh_schools: bool = False  # it changes the school for good (withdrawal): give each case its own schools
    staffed: bool = False  # its body names a staff member (STAFF) whom circles must already know
    params: dict[str, str] | None = None  # query parameters (an event stream's `timeout`, so it ends)
    # Makes what the call needs (a registered learner, a session...) as the programme team, for the school asked
    # about; returns names filled into `{...}` in the path and in the body's values.
    prepare: Callable[[Platform, str], Awaitable[dict[str, str]]] | None = None
    headers: dict[str, str] | None = None

    @property
    def writes(self) -> bool:
        return self.method in ("POST", "PUT", "PATCH", "DELETE")


# The smallest forecast reporting keeps: no schools, no phase ends to come.
_FORECAST: dict[str, Any] = {
    "cohort_id": COHORT, "made_on": "2026-11-26", "runs": 1, "seed": 0, "statement": "A projection.",
    "flagged_share": [], "completions": [], "schools": [],
}  # fmt: skip


async def _kept_forecast(api: Platform, urn: str) -> dict[str, str]:
    expect(await api.services["reporting"].request("PUT", f"/cohorts/{COHORT}/forecast", json=_FORECAST))
    return {}


async def _learner(api: Platform, urn: str) -> dict[str, str]:
    return {"learner": await registered_staff(api, urn)}


async def _feedback(api: Platform, urn: str) -> dict[str, str]:
    body = {"occasion": "circle", "occasion_id": str(uuid.uuid4()), "impacts": [], "quote": "It helped.",
            "consent_to_publish": True}  # fmt: skip
    given = await api.reporting.request("POST", f"/schools/{urn}/feedback", json=body)
    return {"feedback": expect(given, 201)["feedback_id"]}


async def _completion(api: Platform, urn: str) -> dict[str, str]:
    body = {"staff_id": (await _learner(api, urn))["learner"], "urn": urn, "module_number": 4}
    return {"completion": expect(await api.learning.record_completion(body), 201)["completion_id"]}


async def _session(api: Platform, body: dict[str, Any]) -> dict[str, str]:
    return {"session": expect(await api.learning.schedule_session(body), 201)["session_id"]}


async def _mentoring(api: Platform, urn: str) -> dict[str, str]:
    today = datetime.now(UTC).date().isoformat()
    return await _session(api, {"kind": "mentoring", "urn": urn, "held_on": today})


async def _immersion_day(api: Platform, urn: str) -> dict[str, str]:
    return await _session(api, {"kind": "immersion_day", "cohort_id": COHORT, "held_on": "2026-11-05"})


# One fixed statement: stored once, every later PUT of it is the same statement again (204), so the case repeats.
MATRIX_STATEMENT_ID = "5d0c4f8e-2b7a-4c61-9e3d-a1b2c3d4e5f6"
MATRIX_STATEMENT = {
    "actor": {"mbox": "mailto:someone@platform.example"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
    "object": {"id": "https://platform.example/pages/access-matrix"},
}
XAPI_HEADERS = {"X-Experience-API-Version": "1.0.3"}


async def _stored_statement(api: Platform, urn: str) -> dict[str, str]:
    answer = await api.learning.put_statement(MATRIX_STATEMENT, MATRIX_STATEMENT_ID, headers=XAPI_HEADERS)
    assert answer.status_code == 204, answer.text
    return {}


ENDPOINTS = [
    Endpoint("create cohort", "enrolment", "POST", "/cohorts", frozenset({ADMIN}), False,
             lambda urn: {"cohort_id": f"access-{uuid.uuid4().hex[:8]}", "name": "A", "local_authority": "Oxfordshire",
                          "starts_on": "2026-09-01"},
             succeeds_with=201),
    Endpoint("read cohort", "enrolment", "GET", f"/cohorts/{COHORT}", frozenset({ADMIN, FACILITATOR, VIEWER}), False),
    Endpoint("list cohorts", "enrolment", "GET", "/cohorts", frozenset({ADMIN, FACILITATOR, VIEWER}), False),
    Endpoint("move leadership day", "enrolment", "PUT", f"/cohorts/{COHORT}/leadership-days/10",
             frozenset({ADMIN}), False, lambda urn: {"held_on": "2028-02-02"}),
    Endpoint("import gias extract", "enrolment", "POST", f"/cohorts/{COHORT}/gias-imports", frozenset({ADMIN}), False,
             lambda urn: f"URN,EstablishmentName,LA (name),PhaseOfEducation (name),EstablishmentStatus (name),"
                         f"TypeOfEstablishment (name)\r\n{next_urn()},Matrix School,Oxfordshire,Primary,Open,"
                         f"Community school\r\n"),
    Endpoint("enrol school", "enrolment", "POST", "/schools", frozenset({ADMIN}), True,
             lambda urn: {"urn": next_urn(), "name": "New School", "cohort_id": COHORT, "phase": "primary"},
             succeeds_with=201),
    Endpoint("withdraw school", "enrolment", "POST", "/schools/{urn}/withdrawal", frozenset({ADMIN}), True,
             lambda urn: {"reason": "matrix"}, fresh_schools=True),
    # Allowed, then refused by the rule that a school completes only once its cohort is over.
    Endpoint("complete school", "enrolment", "POST", "/schools/{urn}/completion", frozenset({ADMIN}), True,
             succeeds_with=409),
    Endpoint("change urn", "enrolment", "POST", "/schools/{urn}/urn-change", frozenset({ADMIN}), True,
             lambda urn: {"successor_urn": next_urn()}, fresh_schools=True),
    Endpoint("read school", "enrolment", "GET", "/schools/{urn}", frozenset({ADMIN, FACILITATOR, SCHOOL}), True),
    Endpoint("read school plan", "enrolment", "GET", "/schools/{urn}/plan", frozenset({ADMIN, FACILITATOR, SCHOOL}),
             True),
    Endpoint("register staff", "enrolment", "POST", "/schools/{urn}/staff", frozenset({ADMIN, SCHOOL}), True,
             lambda urn: {"name": "Matrix Person", "email": f"{uuid.uuid4().hex}@school.example", "role": "teacher"},
             succeeds_with=201),
    Endpoint("read staff", "enrolment", "GET", "/schools/{urn}/staff", frozenset({ADMIN, FACILITATOR, SCHOOL}), True),
    Endpoint("record staff leaving", "enrolment", "POST", "/schools/{urn}/staff/{staff_id}/departure",
             frozenset({ADMIN, SCHOOL}), True, lambda urn: {"left_on": "2027-07-20"}),
    Endpoint("erase expired personal data", "enrolment", "POST", "/personal-data-erasures", frozenset({ADMIN}), False,
             lambda urn: {"keep_days": 36500}),
    Endpoint("record completion", "learning", "POST", "/completions", frozenset({ADMIN, FACILITATOR, SCHOOL}), True,
             lambda urn: {"staff_id": "{learner}", "urn": urn, "module_number": 7}, succeeds_with=201,
             prepare=_learner),
    Endpoint("read completions", "learning", "GET", "/schools/{urn}/completions",
             frozenset({ADMIN, FACILITATOR, SCHOOL}), True),
    Endpoint("module catalogue", "learning", "GET", "/modules", frozenset(Role), False),
    Endpoint("record module start", "learning", "POST", "/module-starts", frozenset({ADMIN, FACILITATOR, SCHOOL}),
             True, lambda urn: {"staff_id": "{learner}", "urn": urn, "module_number": 2}, succeeds_with=201,
             prepare=_learner),
    Endpoint("withdraw completion", "learning", "POST", "/completions/{completion}/withdrawal",
             frozenset({ADMIN, FACILITATOR, SCHOOL}), True, lambda urn: {"reason": "recorded for the wrong person"},
             prepare=_completion),
    Endpoint("read staff progress", "learning", "GET", "/schools/{urn}/staff/{learner}/progress",
             frozenset({ADMIN, FACILITATOR, SCHOOL}), True,
             prepare=_learner),
    Endpoint("read school module progress", "learning", "GET", "/schools/{urn}/progress", frozenset(Role), True),
    Endpoint("read cohort module progress", "learning", "GET", f"/cohorts/{COHORT}/progress",
             frozenset({ADMIN, VIEWER}), False),
    Endpoint("post xapi statements", "learning", "POST", "/xapi/statements", frozenset({ADMIN}), False,
             lambda urn: {"actor": {"mbox": "mailto:someone@platform.example"},
                          "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
                          "object": {"id": f"https://platform.example/pages/{uuid.uuid4()}"}},
             headers={"X-Experience-API-Version": "1.0.3"}),
    Endpoint("put xapi statement", "learning", "PUT", "/xapi/statements", frozenset({ADMIN}), False,
             lambda urn: MATRIX_STATEMENT, succeeds_with=204, params={"statementId": MATRIX_STATEMENT_ID},
             headers=XAPI_HEADERS),
    Endpoint("read xapi statement", "learning", "GET", "/xapi/statements", frozenset({ADMIN}), False,
             params={"statementId": MATRIX_STATEMENT_ID}, headers=XAPI_HEADERS, prepare=_stored_statement),
    Endpoint("map xapi actor", "learning", "POST", "/xapi/actors", frozenset({ADMIN}), False,
             lambda urn: {"staff_id": "{learner}", "mbox_sha1sum": uuid.uuid4().hex + "00000000"}, succeeds_with=201,
             prepare=_learner),
    Endpoint("read unmatched statements", "learning", "GET", "/xapi/unmatched", frozenset({ADMIN}), False),
    Endpoint("schedule cohort session", "learning", "POST", "/sessions", frozenset({ADMIN}), False,
             lambda urn: {"kind": "immersion_day", "cohort_id": COHORT, "held_on": "2026-11-05"}, succeeds_with=201),
    Endpoint("schedule mentoring", "learning", "POST", "/sessions", frozenset({ADMIN, FACILITATOR}), True,
             lambda urn: {"kind": "mentoring", "urn": urn, "held_on": "2026-11-05"}, succeeds_with=201),
    Endpoint("move mentoring", "learning", "POST", "/sessions/{session}/move", frozenset({ADMIN, FACILITATOR}), True,
             lambda urn: {"held_on": "2026-12-01"}, prepare=_mentoring),
    Endpoint("record mentoring attendance", "learning", "POST", "/sessions/{session}/attendance",
             frozenset({ADMIN, FACILITATOR}), True, lambda urn: {"schools": [urn]},
             prepare=_mentoring),
    Endpoint("cancel cohort session", "learning", "POST", "/sessions/{session}/cancellation", frozenset({ADMIN}),
             False, lambda urn: {"reason": "snow"}, prepare=_immersion_day),
    Endpoint("read cohort sessions", "learning", "GET", f"/cohorts/{COHORT}/sessions", frozenset({ADMIN}), False),
    Endpoint("read school sessions", "learning", "GET", "/schools/{urn}/sessions",
             frozenset({ADMIN, FACILITATOR, SCHOOL}), True),
    Endpoint("read circle school", "circles", "GET", "/schools/{urn}", frozenset({ADMIN, FACILITATOR, SCHOOL}), True),
    Endpoint("schedule circle", "circles", "POST", "/schools/{urn}/circles", frozenset({ADMIN, FACILITATOR, SCHOOL}),
             True, lambda urn: {"kind": "practice_discussion", "scheduled_for": str(TODAY),
                                "facilitator_staff_id": STAFF}, succeeds_with=201, staffed=True),
    Endpoint("read circles", "circles", "GET", "/schools/{urn}/circles", SCHOOL_DETAIL, True),
    Endpoint("read circle", "circles", "GET", "/schools/{urn}/circles/{circle_id}", SCHOOL_DETAIL, True),
    Endpoint("record circle held", "circles", "POST", "/schools/{urn}/circles/{circle_id}/record",
             frozenset({ADMIN, FACILITATOR, SCHOOL}), True,
             lambda urn: {"participant_count": 5, "themes": ["attachment"], "reflection": "matrix"}),
    Endpoint("cancel circle", "circles", "POST", "/schools/{urn}/circles/{circle_id}/cancellation",
             frozenset({ADMIN, FACILITATOR, SCHOOL}), True),
    Endpoint("reschedule circle", "circles", "POST", "/schools/{urn}/circles/{circle_id}/rescheduling",
             frozenset({ADMIN, FACILITATOR, SCHOOL}), True,
             lambda urn: {"scheduled_for": str(TODAY + timedelta(days=1))}),
    Endpoint("read school half-terms", "circles", "GET", "/schools/{urn}/half-terms", SCHOOL_DETAIL, True),
    Endpoint("read cohort half-terms", "circles", "GET", f"/cohorts/{COHORT}/half-terms", frozenset({ADMIN, VIEWER}),
             False),
    Endpoint("read half-term calendar", "circles", "GET", "/half-terms", frozenset(Role), False),
    Endpoint("read school progress", "reporting", "GET", "/schools/{urn}/progress", SCHOOL_DETAIL, True),
    Endpoint("read all progress", "reporting", "GET", "/progress", SCHOOL_DETAIL, False),
    Endpoint("open dashboard", "reporting", "GET", "/dashboard", frozenset(Role), False),
    Endpoint("read all progress csv", "reporting", "GET", "/progress.csv", SCHOOL_DETAIL, False),
    Endpoint("open school dashboard", "reporting", "GET", "/dashboard/schools/{urn}", SCHOOL_DETAIL, True),
    Endpoint("read dashboard school csv", "reporting", "GET", "/dashboard/schools/{urn}/figures.csv",
             SCHOOL_DETAIL, True),
    Endpoint("read dashboard cohort csv", "reporting", "GET", f"/dashboard/cohorts/{COHORT}/schools.csv",
             SCHOOL_DETAIL, False),
    Endpoint("read dashboard cohort progress csv", "reporting", "GET",
             f"/dashboard/cohorts/{COHORT}/progress-over-time.csv", frozenset(Role), False),
    Endpoint("follow dashboard live", "reporting", "GET", "/dashboard/live", SCHOOL_DETAIL, False,
             params={"timeout": "1"}),
    Endpoint("follow live event feed", "reporting", "GET", "/events/live", SCHOOL_DETAIL, False,
             params={"timeout": "1"}),
    Endpoint("submit impact return", "reporting", "POST", "/schools/{urn}/impact/returns",
             frozenset({ADMIN, FACILITATOR, SCHOOL}), True,
             lambda urn: {"period": "baseline", "pupils_on_roll": next(_rolls), "suspensions": 0, "pupils_suspended": 0,
                          "permanent_exclusions": 0, "possible_sessions": 1000, "sessions_missed": 50,
                          "pupils_persistently_absent": 0},
             succeeds_with=201),
    Endpoint("read school impact", "reporting", "GET", "/schools/{urn}/impact", frozenset({ADMIN, FACILITATOR, SCHOOL}),
             True),
    Endpoint("read school impact csv", "reporting", "GET", "/schools/{urn}/impact.csv",
             frozenset({ADMIN, FACILITATOR, SCHOOL}), True),
    Endpoint("read cohort impact", "reporting", "GET", f"/cohorts/{COHORT}/impact", frozenset({ADMIN, VIEWER}), False),
    Endpoint("read cohort impact csv", "reporting", "GET", f"/cohorts/{COHORT}/impact.csv",
             frozenset({ADMIN, VIEWER}), False),
    Endpoint("read school ledger", "reporting", "GET", "/schools/{urn}/ledger", SCHOOL_DETAIL, True),
    Endpoint("read cohort ledger", "reporting", "GET", f"/cohorts/{COHORT}/ledger", frozenset({ADMIN, VIEWER}), False),
    Endpoint("log adaptation", "reporting", "POST", "/schools/{urn}/adaptations", frozenset({ADMIN, FACILITATOR}),
             True, lambda urn: {"part": "circles", "what_changed": "Fortnightly circles", "reason": "Staffing",
                                "decided_on": str(TODAY)},
             succeeds_with=201),
    Endpoint("read adaptations", "reporting", "GET", "/schools/{urn}/adaptations",
             frozenset({ADMIN, FACILITATOR, SCHOOL}), True),
    Endpoint("read survey instruments", "reporting", "GET", "/surveys/instruments", frozenset(Role), False),
    Endpoint("load survey instrument", "reporting", "POST", "/surveys/instruments", frozenset({ADMIN}), False,
             lambda urn: DEFAULT_INSTRUMENT.as_data() | {"instrument_id": f"council-{uuid.uuid4().hex[:12]}"},
             succeeds_with=201),
    Endpoint("answer staff survey", "reporting", "POST", "/schools/{urn}/surveys/responses",
             frozenset({ADMIN, FACILITATOR, SCHOOL}), True,
             lambda urn: {"wave": "before", "answers": {item.key: 3 for item in DEFAULT_INSTRUMENT.items}},
             succeeds_with=202),
    Endpoint("read school surveys", "reporting", "GET", "/schools/{urn}/surveys", SCHOOL_DETAIL, True),
    Endpoint("read cohort surveys", "reporting", "GET", f"/cohorts/{COHORT}/surveys", frozenset({ADMIN, VIEWER}),
             False),
    Endpoint("read reported impacts list", "reporting", "GET", "/early-indicators/impacts", frozenset(Role), False),
    Endpoint("give feedback", "reporting", "POST", "/schools/{urn}/feedback", frozenset({ADMIN, FACILITATOR, SCHOOL}),
             True, lambda urn: {"occasion": "circle", "occasion_id": str(uuid.uuid4()),
                                "impacts": ["staff_enjoyment"], "consent_to_publish": False},
             succeeds_with=201),
    Endpoint("read cohort feedback", "reporting", "GET", f"/cohorts/{COHORT}/feedback", frozenset({ADMIN}), False),
    Endpoint("approve a quote", "reporting", "POST", "/feedback/{feedback}/approval", frozenset({ADMIN}), False,
             lambda urn: {"approved": True}, prepare=_feedback),
    Endpoint("read early indicators", "reporting", "GET", f"/cohorts/{COHORT}/early-indicators", frozenset(Role),
             False),
    Endpoint("read like-for-like impact", "reporting", "GET", "/schools/{urn}/impact/like-for-like",
             frozenset({ADMIN, FACILITATOR, SCHOOL}), True),
    Endpoint("download EES data file", "reporting", "GET", f"/cohorts/{COHORT}/open-data/ees.csv",
             frozenset({ADMIN, VIEWER}), False),
    Endpoint("download EES metadata file", "reporting", "GET", f"/cohorts/{COHORT}/open-data/ees.meta.csv",
             frozenset({ADMIN, VIEWER}), False),
    Endpoint("download council report", "reporting", "GET", f"/cohorts/{COHORT}/council-report.ods",
             frozenset({ADMIN, VIEWER}), False),
    Endpoint("open cohort evidence page", "reporting", "GET", f"/dashboard/cohorts/{COHORT}/evidence",
             frozenset({ADMIN, VIEWER}), False),
    Endpoint("read cohort evidence csv", "reporting", "GET", f"/dashboard/cohorts/{COHORT}/evidence/dosage.csv",
             frozenset({ADMIN, VIEWER}), False),
    # Enrolment answers one address to notifications (a service token) and the programme team, never by school.
    Endpoint("read staff address", "enrolment", "GET", "/schools/{urn}/staff/{staff_id}/address",
             frozenset({ADMIN, SERVICE}), False),
    Endpoint("send sign-in invitation", "notifications", "POST", "/sign-in-invitations", frozenset({ADMIN}), False,
             lambda urn: {"email": f"{uuid.uuid4().hex[:10]}@school.example",
                          "sign_in_url": "https://console.example/sign-in/matrix",
                          "expires_at": "2030-01-01T09:00:00+00:00", "role": "school"},
             succeeds_with=201),
    Endpoint("read preferences", "notifications", "GET", "/people/{staff_id}/preferences",
             frozenset({ADMIN, SCHOOL}), False),
    Endpoint("set preferences", "notifications", "PUT", "/people/{staff_id}/preferences",
             frozenset({ADMIN, SCHOOL}), False, lambda urn: {"weekly_digest": True}),
    Endpoint("read messages", "notifications", "GET", "/messages", frozenset({ADMIN}), False),
    # No message is in doubt: a role that may ask is told there is none (404), the others 403.
    Endpoint("resend message", "notifications", "POST", "/messages/{staff_id}/resending", frozenset({ADMIN}), False,
             succeeds_with=404),
    Endpoint("open local mailbox", "notifications", "GET", "/mailbox", frozenset({ADMIN}), False),
    Endpoint("keep cohort forecast", "reporting", "PUT", f"/cohorts/{COHORT}/forecast", frozenset({ADMIN}), False,
             lambda urn: _FORECAST),
    Endpoint("read cohort forecast", "reporting", "GET", f"/cohorts/{COHORT}/forecast", frozenset({ADMIN}), False,
             prepare=_kept_forecast),
    Endpoint("open forecast page", "reporting", "GET", f"/dashboard/cohorts/{COHORT}/forecast", frozenset({ADMIN}),
             False, prepare=_kept_forecast),
]  # fmt: skip


def _filled(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, str) and value.startswith("{") and value.endswith("}") and value[1:-1] in names:
        return names[value[1:-1]]
    if isinstance(value, dict):
        return {key: _filled(item, names) for key, item in value.items()}
    return value


@dataclass(frozen=True)
class Schools:
    own: str
    other: str


@pytest.fixture(scope="module")
async def schools(api: Platform) -> Schools:
    return Schools(own=await enrolled_school(api, COHORT), other=await enrolled_school(api, COHORT))


def _token(local_stack: LocalStack, role: Role, own: str) -> str:
    # Facilitators and schools reach only the school they are given; admins and viewers need none.
    return local_stack.token(role, f"test-{role.value}", (own,) if role in (SCHOOL, FACILITATOR) else ())


async def _call(
    stack: Endpoints,
    endpoint: Endpoint,
    urn: str,
    token: str | None,
    staff_id: str = "",
    circle_id: str = "",
    names: dict[str, str] | None = None,
) -> httpx.Response:
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    headers |= endpoint.headers or {}
    names = names or {name: str(uuid.uuid4()) for name in ("learner", "completion", "session", "feedback")}
    path = endpoint.path.format(
        urn=urn, staff_id=staff_id or uuid.uuid4(), circle_id=circle_id or uuid.uuid4(), **names
    )
    body = _filled(endpoint.body(urn), names) if endpoint.body else None
    if isinstance(body, dict):
        body = {key: (staff_id or str(uuid.uuid4())) if value == STAFF else value for key, value in body.items()}
    async with platform_as(stack) as anonymous:  # no default admin header: the token, if any, is in `headers`
        service = anonymous.services[endpoint.service]
        if isinstance(body, str):
            headers["Content-Type"] = "text/csv"
            return await service.request(
                endpoint.method, path, content=body.encode("latin-1"), headers=headers, params=endpoint.params
            )
        return await service.request(endpoint.method, path, json=body, headers=headers, params=endpoint.params)


_ROWS = Footprint.rows_of(
    "enrolment.cohorts", "enrolment.school_enrolments", "enrolment.staff", "learning.module_completions",
    "reporting.impact_returns", "reporting.cohort_forecasts", "circles.circles", "circles.outbox",
    streams=("RSP_ENROLMENT", "RSP_LEARNING", "RSP_REPORTING", "RSP_CIRCLES"),
)  # fmt: skip
WRITTEN = Footprint(
    (
        *_ROWS.queries,
        "SELECT (SELECT count(*) FROM learning.module_starts) + (SELECT count(*) FROM learning.sessions)"
        " + (SELECT count(*) FROM learning.completion_withdrawals) + (SELECT count(*) FROM learning.xapi_actors)"
        " + (SELECT count(*) FROM learning.xapi_statements)"
        " + (SELECT count(*) FROM learning.sessions WHERE status <> 'scheduled')",
        "SELECT (SELECT count(*) FROM reporting.adaptations) + (SELECT count(*) FROM reporting.feedback)"
        " + (SELECT count(*) FROM reporting.survey_instruments)"
        " + (SELECT coalesce(sum(respondents), 0) FROM reporting.survey_tallies)"
        " + (SELECT count(*) FROM reporting.feedback WHERE quote_status = 'approved')",
    ),
    _ROWS.streams,
)


def _expected(endpoint: Endpoint, role: Role, whose: str) -> int:
    if role not in endpoint.allowed:
        return 403
    if endpoint.school_scoped and whose == "other" and role in (SCHOOL, FACILITATOR):
        return 404
    return endpoint.succeeds_with


CASES = [(e, r, w) for e in ENDPOINTS for r in Role for w in ("own", "other")]


@pytest.mark.parametrize(("endpoint", "role", "whose"), CASES, ids=[f"{e.name}-{r.value}-{w}" for e, r, w in CASES])
async def test_every_endpoint_answers_each_role_for_own_and_other_school(
    local_stack: LocalStack,
    stack: Endpoints,
    api: Platform,
    db: asyncpg.Pool,
    js: JetStreamContext,
    schools: Schools,
    endpoint: Endpoint,
    role: Role,
    whose: str,
) -> None:
    own, other = schools.own, schools.other
    if endpoint.fresh_schools:
        own, other = await enrolled_school(api, COHORT), await enrolled_school(api, COHORT)
    urn = own if whose == "own" else other
    staff_id = ""
    if "{staff_id}" in endpoint.path:
        member = {"name": "Leaver", "email": f"{uuid.uuid4().hex}@school.example", "role": "teacher"}
        staff_id = (await api.enrolment.register_staff(urn, member)).json()["staff_id"]
    if endpoint.staffed or "{circle_id}" in endpoint.path:
        staff_id = await staff_on_circles_roster(api, db, urn)
    circle_id = ""
    if "{circle_id}" in endpoint.path:
        circle_id = await scheduled_circle(api, urn, staff_id, str(TODAY))
    names = await endpoint.prepare(api, urn) if endpoint.prepare else None
    expected = _expected(endpoint, role, whose)
    before = await WRITTEN.taken(db, js)

    answer = await _call(stack, endpoint, urn, _token(local_stack, role, own), staff_id, circle_id, names)

    assert answer.status_code == expected, answer.text
    if expected >= 400:
        assert answer.json()["detail"]
        if endpoint.writes:
            assert await WRITTEN.taken(db, js) == before


# Not behind a bearer token: health checks, the public event catalogue, and the dashboard login, which takes its
# token from the link itself.
_OPEN_TO_ALL = frozenset({"/health", "/health/live", "/health/ready", "/asyncapi.json", "/dashboard/login",
                          "/mailbox/login",
                          # Notify's receipts carry the council's own bearer token, not a platform one.
                          "/notify/delivery-receipts"})  # fmt: skip


async def test_the_matrix_covers_every_endpoint_of_every_service(api: Platform) -> None:
    names = {name: uuid.uuid4() for name in ("staff_id", "circle_id", "learner", "completion", "session", "feedback")}
    covered = [(e.service, e.method, e.path.format(urn="123456", **names)) for e in ENDPOINTS]
    missing = []
    for service in ("enrolment", "learning", "circles", "reporting", "notifications"):
        document = (await api.services[service].openapi()).json()
        for template, operations in document["paths"].items():
            shape = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")
            for method in operations:
                found = any(s == service and m == method.upper() and shape.match(p) for s, m, p in covered)
                if template not in _OPEN_TO_ALL and not found:
                    missing.append(f"{service} {method.upper()} {template}")
    assert missing == []


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.name for e in ENDPOINTS])
async def test_no_token_gets_401_and_writes_nothing(
    stack: Endpoints, db: asyncpg.Pool, js: JetStreamContext, schools: Schools, endpoint: Endpoint,
) -> None:  # fmt: skip
    async with WRITTEN.unchanged(db, js):
        answer = await _call(stack, endpoint, schools.own, None)

        assert answer.status_code == 401
        assert answer.headers["www-authenticate"] == "Bearer"
        assert "bearer token is required" in answer.json()["detail"]


@pytest.mark.parametrize(
    ("token", "message"),
    [
        (lambda key: mint_token("not the stack's key" * 3, ADMIN, "forger"), "not valid"),
        (lambda key: mint_token(key, ADMIN, "old", now=datetime.now(UTC) - timedelta(days=2)), "expired"),
        (lambda key: "Bearer-but-not-a-jwt", "not valid"),
    ],
    ids=["forged", "expired", "malformed"],
)
async def test_bad_token_gets_401_saying_why_and_writes_nothing(
    local_stack: LocalStack,
    stack: Endpoints,
    db: asyncpg.Pool,
    js: JetStreamContext,
    schools: Schools,
    token: Callable[[str], str],
    message: str,
) -> None:
    record = next(e for e in ENDPOINTS if e.name == "record completion")
    async with WRITTEN.unchanged(db, js):
        answer = await _call(stack, record, schools.own, token(local_stack.settings.require_jwt_secret()))

        assert answer.status_code == 401
        assert message in answer.json()["detail"]


async def test_health_needs_no_token(stack: Endpoints) -> None:
    async with platform_as(stack) as anonymous:
        for service in stack.services.values():
            client = ServiceClient(anonymous.enrolment.http, service.url)
            assert (await client.health()).status_code == 200
            for probe in ("/health/live", "/health/ready"):
                assert (await client.request("GET", probe)).status_code == 200


async def test_school_sees_only_itself_in_progress_and_on_the_dashboard(
    local_stack: LocalStack, stack: Endpoints, schools: Schools
) -> None:
    token = _token(local_stack, SCHOOL, schools.own)
    async with platform_as(stack, token) as school, platform_as(stack) as browser:
        progress = await school.reporting.all_progress()
        login = await browser.reporting.dashboard_login(token)
        page = await browser.reporting.dashboard()  # the cookie set by the login, no header

    assert [school["urn"] for school in progress.json()] == [schools.own]
    assert login.status_code == 303
    assert page.status_code == 200
    assert schools.own in page.text
    assert schools.other not in page.text


async def test_commissioner_sees_cohort_figures_but_no_school_named_on_the_dashboard(
    local_stack: LocalStack, stack: Endpoints, schools: Schools
) -> None:
    token = _token(local_stack, VIEWER, schools.own)
    async with platform_as(stack, token) as commissioner:
        page = await commissioner.reporting.dashboard()

    assert page.status_code == 200
    assert f"cohort-{COHORT}-progress-chart" in page.text
    assert "Impact against baseline" in page.text
    assert f"cohort-{COHORT}-schools" not in page.text
    assert "/dashboard/schools/" not in page.text


async def test_dashboard_cookie_opens_no_api(local_stack: LocalStack, stack: Endpoints) -> None:
    cookies = {SESSION_COOKIE: local_stack.token()}
    async with platform_as(stack, cookies=cookies) as browser:
        answer = await browser.reporting.all_progress()

    assert answer.status_code == 401


async def test_school_cannot_grant_itself_another_school_by_extra_fields(
    local_stack: LocalStack, stack: Endpoints, db: asyncpg.Pool, js: JetStreamContext, schools: Schools
) -> None:
    token = _token(local_stack, SCHOOL, schools.own)
    before = await WRITTEN.taken(db, js)
    body = {"staff_id": str(uuid.uuid4()), "urn": schools.own, "module_number": 1, "role": "programme_admin"}

    async with platform_as(stack, token) as school:
        answer = await school.learning.record_completion(body)

    assert answer.status_code == 422
    assert "role" in answer.text
    assert await WRITTEN.taken(db, js) == before
