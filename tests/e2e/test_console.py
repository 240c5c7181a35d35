"""The console over HTTP, on the session stack: one-time links, sessions, CSRF, double submits, refused input
writing nothing, and each role kept to its own pages."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import asyncpg
import httpx
import pytest

from runtime.auth import Role
from runtime.local.endpoints import Endpoints
from tests.clients import Platform
from tests.clients import expect as expect_answer
from tests.support import eventually, next_urn

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
async def team_tools(admin_token: str, stack: Endpoints) -> AsyncIterator[httpx.AsyncClient]:
    headers = {"Authorization": f"Bearer {admin_token}"}
    async with httpx.AsyncClient(base_url=stack.url("console"), headers=headers, timeout=10) as client:
        yield client


async def _link(tools: httpx.AsyncClient, role: str = "programme_admin", urns: tuple[str, ...] = ()) -> str:
    email = f"{role}-{uuid.uuid4().hex[:8]}@council.example.org"
    answer = await tools.post("/api/sign-in-links", json={"email": email, "role": role, "urns": list(urns)})
    assert answer.status_code == 201, answer.text
    return str(answer.json()["sign_in_url"])


@asynccontextmanager
async def _signed_in(stack: Endpoints, link: str) -> AsyncIterator[httpx.AsyncClient]:
    """A browser-like client holding the session cookie of the person the link is for."""
    async with httpx.AsyncClient(base_url=stack.url("console"), timeout=10) as browser:
        answer = await browser.post(link)
        assert answer.status_code == 303
        yield browser


async def _csrf(browser: httpx.AsyncClient, page: str) -> str:
    match = _CSRF.search((await browser.get(page)).text)
    assert match is not None
    return match.group(1)


async def test_a_sign_in_link_works_once_and_only_its_hash_is_kept(
    team_tools: httpx.AsyncClient, stack: Endpoints, db: asyncpg.Pool, stack_dir: Path
) -> None:
    link = await _link(team_tools)
    secret = link.rsplit("/", 1)[1]
    async with httpx.AsyncClient(timeout=10) as browser:
        opened = await browser.get(link)
        assert opened.status_code == 200
        assert "set-cookie" not in opened.headers  # opening the link (as a mail scanner does) spends nothing
        signed = await browser.post(link)
        assert signed.status_code == 303
        cookie = signed.headers["set-cookie"].lower()
        assert "httponly" in cookie
        assert "samesite=lax" in cookie
        again = await httpx.AsyncClient(timeout=10).post(link)
        assert again.status_code == 400
        assert "expired or has already been used" in again.text
        await browser.get(f"{stack.url('console')}/cohorts")
    stored = await db.fetch("SELECT link_hash FROM console.sign_in_links")
    assert all(secret not in row["link_hash"] for row in stored)
    traces = stack_dir / "traces" / "console.jsonl"

    async def cohorts_page_traced() -> bool:
        return traces.exists() and '"/cohorts"' in traces.read_text(encoding="utf-8")

    # Once the request after it has been traced, the sign-in itself is known to have left no span with the link.
    await eventually(cohorts_page_traced)
    assert secret not in traces.read_text(encoding="utf-8")


async def test_an_expired_link_does_not_sign_in(team_tools: httpx.AsyncClient, db: asyncpg.Pool) -> None:
    link = await _link(team_tools)
    await db.execute("UPDATE console.sign_in_links SET expires_at = now() - interval '1 minute' WHERE used_at IS NULL")
    async with httpx.AsyncClient(timeout=10) as browser:
        answer = await browser.post(link)
    assert answer.status_code == 400
    assert "set-cookie" not in answer.headers


async def test_signing_out_ends_the_session_and_an_expired_session_signs_in_again(
    team_tools: httpx.AsyncClient, stack: Endpoints, db: asyncpg.Pool
) -> None:
    async with _signed_in(stack, await _link(team_tools)) as browser:
        assert (await browser.get("/cohorts")).status_code == 200
        cookie = browser.cookies["rsp_console_session"]
        answer = await browser.post("/sign-out", data={"csrf_token": await _csrf(browser, "/sign-out")})
        assert answer.status_code == 200
        assert "You have signed out" in answer.text
        browser.cookies.set("rsp_console_session", cookie)  # the old cookie, kept by someone
        refused = await browser.get("/cohorts")
        assert refused.status_code == 303
        assert refused.headers["location"] == "/sign-in"

    async with _signed_in(stack, await _link(team_tools)) as later:
        await db.execute("UPDATE console.sessions SET expires_at = now() - interval '1 second'")
        assert (await later.get("/cohorts")).headers["location"] == "/sign-in"


async def test_an_invitation_with_bad_input_is_refused_and_adds_no_one(
    team_tools: httpx.AsyncClient, stack: Endpoints, db: asyncpg.Pool
) -> None:
    before = await db.fetchval("SELECT count(*) FROM console.people")
    for body, field in (
        ({"email": "lead@school.example.org", "role": "school", "urns": []}, "urns"),
        ({"email": "not an email", "role": "facilitator", "urns": ["123456"]}, "email"),
        ({"email": "someone@school.example.org", "role": "viewer", "urns": []}, "role"),
    ):
        answer = await team_tools.post("/api/sign-in-links", json=body)
        assert answer.status_code == 422
        assert [problem["loc"][-1] for problem in answer.json()["errors"]] == [field]
    async with _signed_in(stack, await _link(team_tools)) as browser:
        form = {"csrf_token": await _csrf(browser, "/people/new"), "email": "lead@", "role": "school", "urns": "12"}
        page = await browser.post("/people/new", data=form)
        assert page.status_code == 422
        assert "There is a problem" in page.text
        assert 'value="lead@"' in page.text  # what was typed is kept
    assert await db.fetchval("SELECT count(*) FROM console.people") == before + 1  # only the team member signed in


async def test_a_form_without_its_csrf_token_writes_nothing(
    team_tools: httpx.AsyncClient, stack: Endpoints, api: Platform
) -> None:
    link = await _link(team_tools)
    cohort_id = f"csrf-{uuid.uuid4().hex[:8]}"
    form = {
        "form_token": uuid.uuid4().hex,
        "cohort_id": cohort_id,
        "name": "Never made",
        "local_authority": "Oxfordshire",
        "starts_on-day": "1",
        "starts_on-month": "9",
        "starts_on-year": "2026",
        "leadership_days": "10",
    }
    async with _signed_in(stack, link) as browser:
        for token in (None, "forged"):
            sent = form if token is None else {**form, "csrf_token": token}
            answer = await browser.post("/cohorts/new", data=sent)
            assert answer.status_code == 400
            assert "The form has expired" in answer.text
    assert (await api.enrolment.cohort(cohort_id)).status_code == 404


async def test_a_double_submitted_form_creates_the_cohort_once(
    team_tools: httpx.AsyncClient, stack: Endpoints, api: Platform
) -> None:
    cohort_id = f"twice-{uuid.uuid4().hex[:8]}"
    async with _signed_in(stack, await _link(team_tools)) as browser:
        form = {
            "csrf_token": await _csrf(browser, "/cohorts/new"),
            "form_token": uuid.uuid4().hex,
            "cohort_id": cohort_id,
            "name": "Submitted twice",
            "local_authority": "Oxfordshire",
            "starts_on-day": "1",
            "starts_on-month": "9",
            "starts_on-year": "2026",
            "leadership_days": "10",
        }
        first = await browser.post("/cohorts/new", data=form)
        second = await browser.post("/cohorts/new", data=form)
        # Both land on the cohort: the second is the first's answer replayed, not "it already exists".
        assert first.headers["location"] == second.headers["location"] == f"/cohorts/{cohort_id}?done=cohort"
        # A new form (a new token) for the same cohort is refused by enrolment, shown at the field.
        again = await browser.post("/cohorts/new", data={**form, "form_token": uuid.uuid4().hex})
        assert again.status_code == 422
        assert "already exists" in again.text
    cohorts = expect_answer(await api.enrolment.cohorts())
    assert [c["cohort_id"] for c in cohorts].count(cohort_id) == 1


async def test_each_role_reaches_only_its_own_pages(
    team_tools: httpx.AsyncClient, stack: Endpoints, api: Platform, mint: Callable[..., str]
) -> None:
    cohort_id = f"roles-{uuid.uuid4().hex[:8]}"
    expect_answer(
        await api.enrolment.create_cohort(
            {"cohort_id": cohort_id, "name": "Roles", "local_authority": "Oxfordshire", "starts_on": "2026-09-01"}
        ),
        201,
    )
    ours, theirs = next_urn(), next_urn()
    for urn in (ours, theirs):
        school = {"urn": urn, "name": f"School {urn}", "cohort_id": cohort_id, "phase": "secondary"}
        expect_answer(await api.enrolment.enrol_school(school), 201)

    async def learning_knows_it() -> bool:
        return (await api.learning.school_sessions(ours)).status_code == 200

    await eventually(learning_knows_it)
    lead_link = await _link(team_tools, "school", (ours,))
    facilitator_link = await _link(team_tools, "facilitator", (ours,))
    async with _signed_in(stack, lead_link) as lead, _signed_in(stack, facilitator_link) as facilitator:
        assert (await lead.get("/")).headers["location"] == f"/schools/{ours}"
        assert (await lead.get(f"/schools/{ours}")).status_code == 200
        for page in (f"/schools/{theirs}", f"/schools/{theirs}/circles", f"/schools/{theirs}/staff"):
            assert (await lead.get(page)).status_code == 404
        assert (await lead.get("/cohorts")).status_code == 403
        assert (await lead.get(f"/cohorts/{cohort_id}")).status_code == 403
        sessions = await facilitator.get("/sessions")
        assert sessions.status_code == 200
        assert f"School {ours}" in sessions.text
        assert theirs not in sessions.text
        assert (await facilitator.get(f"/schools/{theirs}")).status_code == 404
    assert mint(Role.SCHOOL, schools=(ours,))  # the services' own tokens are untouched by the console


async def test_a_staff_file_that_cannot_be_read_registers_no_one(
    team_tools: httpx.AsyncClient, stack: Endpoints, api: Platform
) -> None:
    cohort_id = f"staff-{uuid.uuid4().hex[:8]}"
    expect_answer(
        await api.enrolment.create_cohort(
            {"cohort_id": cohort_id, "name": "Staff", "local_authority": "Oxfordshire", "starts_on": "2026-09-01"}
        ),
        201,
    )
    urn = next_urn()
    expect_answer(
        await api.enrolment.enrol_school({"urn": urn, "name": "S", "cohort_id": cohort_id, "phase": "primary"}), 201
    )
    async with _signed_in(stack, await _link(team_tools, "school", (urn,))) as lead:
        csrf = await _csrf(lead, f"/schools/{urn}/staff")
        for content, said in (
            (b"first,last\nAlex,Example\n", "must have the columns name, email and role"),
            (b"", "Select a CSV file of staff"),
            ("name,email,role\nZo\xeb,z@x.org,teacher\n".encode("latin-1"), "saved as UTF-8"),
        ):
            files = {"staff_file": ("staff.csv", content, "text/csv")} if content else {"staff_file": ("", b"", "")}
            answer = await lead.post(f"/schools/{urn}/staff/check", data={"csrf_token": csrf}, files=files)
            assert answer.status_code == 422
            assert said in answer.text
        # A refused one-by-one registration keeps what was typed and writes nothing.
        form = {"csrf_token": csrf, "form_token": uuid.uuid4().hex, "name": "Kit", "email": "kit@", "role": "teacher"}
        answer = await lead.post(f"/schools/{urn}/staff", data=form)
        assert answer.status_code == 422
        assert 'value="Kit"' in answer.text
    assert expect_answer(await api.enrolment.staff(urn)) == []


def test_session_lifetime_is_hours_not_days() -> None:
    from services.console.settings import ConsoleSettings

    assert timedelta(hours=ConsoleSettings().console_session_hours) <= timedelta(days=1)


async def test_withdrawing_a_school_needs_a_reason_and_then_ends_it(
    team_tools: httpx.AsyncClient, stack: Endpoints, api: Platform
) -> None:
    cohort_id = f"ends-{uuid.uuid4().hex[:8]}"
    expect_answer(
        await api.enrolment.create_cohort(
            {"cohort_id": cohort_id, "name": "Ends", "local_authority": "Oxfordshire", "starts_on": "2026-09-01"}
        ),
        201,
    )
    urn = next_urn()
    expect_answer(
        await api.enrolment.enrol_school({"urn": urn, "name": "W", "cohort_id": cohort_id, "phase": "primary"}), 201
    )
    async with _signed_in(stack, await _link(team_tools)) as browser:
        csrf = await _csrf(browser, f"/schools/{urn}/ending")
        form = {"csrf_token": csrf, "form_token": uuid.uuid4().hex, "reason": "  "}
        refused = await browser.post(f"/schools/{urn}/withdrawal", data=form)
        assert refused.status_code == 422
        assert "Enter why the school is withdrawing" in refused.text
        assert expect_answer(await api.enrolment.school(urn))["status"] == "active"
        done = await browser.post(f"/schools/{urn}/withdrawal", data={**form, "reason": "Merged with another school"})
        assert done.headers["location"] == f"/schools/{urn}?done=withdrawn"
    assert expect_answer(await api.enrolment.school(urn))["status"] == "withdrawn"
