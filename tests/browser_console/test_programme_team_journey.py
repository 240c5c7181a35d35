"""The programme team runs a cohort in the console, keyboard alone: create it (a mistake first), enrol the sample
GIAS extract after checking it, schedule a leadership day and record who attended; every page passes axe."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import httpx
from playwright.async_api import BrowserContext, expect

from tests.browser_console.console import Keyboard, check_page, sign_in_link
from tests.clients import Platform
from tests.clients import expect as expect_answer
from tests.support import eventually, next_urn

SAMPLE_EXTRACT = Path(__file__).resolve().parents[1] / "data" / "gias_oxfordshire_extract.csv"


def _extract_with_fresh_urns(folder: Path) -> Path:
    """The sample extract with URNs no other test of the session uses (the stack is shared); every other value,
    and so every reason a row is refused, stays as it is."""
    text = SAMPLE_EXTRACT.read_bytes().decode("latin-1")
    fresh: dict[str, str] = {}

    def renamed(match: re.Match[str]) -> str:
        return fresh.setdefault(match.group(1), next_urn()) + ","

    path = folder / "gias_extract.csv"
    path.write_bytes(re.sub(r"(?m)^(\d{6}),", renamed, text).encode("latin-1"))
    return path


async def test_programme_team_creates_a_cohort_enrols_schools_and_records_a_leadership_day(
    context: BrowserContext,
    console_url: str,
    programme_tools: httpx.AsyncClient,
    api: Platform,
    tmp_path: Path,
) -> None:
    page = await context.new_page()
    keys = Keyboard(page)
    link = await sign_in_link(
        programme_tools, console_url, f"team-{uuid.uuid4().hex[:8]}@oxon.example.org", "programme_admin", []
    )
    await page.goto(link)
    await check_page(page, "sign-in")
    await keys.follow("button.govuk-button--start")
    await expect(page.get_by_role("heading", name="Cohorts")).to_be_visible()
    await check_page(page, "cohorts")

    await keys.follow("a[href='/cohorts/new']")
    cohort_id = f"console-{uuid.uuid4().hex[:8]}"
    await keys.type_into("#cohort_id", cohort_id)
    await keys.type_into("#local_authority", "Oxfordshire")
    await keys.date("starts_on", 1, 9, 2026)
    await keys.follow("button[type=submit]")
    # The name was left out: the error summary says so, nothing is created, and what was typed is kept.
    await expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the cohort's name")
    await expect(page.locator("#cohort_id")).to_have_value(cohort_id)
    await check_page(page, "cohort-new-error")
    assert (await api.enrolment.cohort(cohort_id)).status_code == 404
    await keys.type_into("#name", "Oxfordshire autumn 2026")
    await keys.follow("button[type=submit]")
    await expect(page.locator(".govuk-notification-banner")).to_contain_text("Cohort created")
    cohort = expect_answer(await api.enrolment.cohort(cohort_id))
    days = [day["held_on"] for day in cohort["plan"]["leadership_days"]]
    assert len(days) == 10
    assert "2026-12-25" not in days
    await check_page(page, "cohort")

    await keys.follow(f"a[href='/cohorts/{cohort_id}/enrolments']")
    await check_page(page, "enrol-upload")
    await keys.upload("#extract", _extract_with_fresh_urns(tmp_path))
    await keys.follow("button[type=submit]")
    await expect(page.get_by_role("heading", name=re.compile("will be enrolled"))).to_be_visible()
    await check_page(page, "enrol-check")
    will_enrol = int((await page.get_by_role("heading", name=re.compile("will be enrolled")).inner_text()).split()[0])
    refused = page.locator("table").nth(1)
    await expect(refused).to_contain_text("EstablishmentStatus is 'Closed', not open")
    await expect(refused).to_contain_text("The URN appears earlier in the file")
    await expect(refused).to_contain_text("is not six digits")
    # Checking enrolled nothing.
    assert expect_answer(await api.enrolment.cohort(cohort_id))["schools"] == []
    await keys.follow("form[action$='/confirm'] button")
    await expect(page.locator(".govuk-panel__title")).to_have_text(f"{will_enrol} schools enrolled")
    await check_page(page, "enrol-done")
    schools = expect_answer(await api.enrolment.cohort(cohort_id))["schools"]
    assert len(schools) == will_enrol

    # A member of staff at one school (registered as the school would), for the attendance list.
    urn = schools[0]["urn"]
    head = expect_answer(
        await api.enrolment.register_staff(
            urn,
            {
                "name": "Pat Example",
                "email": f"pat-{urn}@school.example.org",
                "role": "headteacher",
                "starts_on": "2026-09-01",
            },
        ),
        201,
    )

    async def learning_knows_the_cohort() -> bool:
        return (await api.learning.request("GET", f"/cohorts/{cohort_id}/sessions")).status_code == 200

    await eventually(learning_knows_the_cohort)
    await page.goto(f"{console_url}/cohorts/{cohort_id}")
    await keys.follow(f"a[href='/cohorts/{cohort_id}/sessions']")
    await keys.radio("kind", 0)  # a leadership day
    await keys.date("held_on", 1, 9, 2026)
    await keys.type_into("#day_number", "1")
    await keys.type_into("#venue", "County Hall")
    await keys.follow("form[action$='/sessions'] button")
    await expect(page.locator(".govuk-notification-banner")).to_contain_text("Session scheduled")
    await check_page(page, "sessions")

    async def learning_knows_the_headteacher() -> bool:
        path = f"/schools/{urn}/staff/{head['staff_id']}/progress"
        return (await api.learning.request("GET", path)).status_code == 200

    await eventually(learning_knows_the_headteacher)
    await keys.follow(f"a[href^='/cohorts/{cohort_id}/sessions/']")
    await check_page(page, "attendance")
    await keys.follow("form button")
    await expect(page.locator(".govuk-error-summary")).to_contain_text("Select everyone who attended")
    await check_page(page, "attendance-error")
    await keys.choose(f"#staff-{urn}")
    await keys.follow("form button")
    await expect(page.locator(".govuk-notification-banner")).to_contain_text("Attendance recorded")
    sessions = expect_answer(await api.learning.request("GET", f"/cohorts/{cohort_id}/sessions"))
    assert [(s["status"], s["attendance"]) for s in sessions] == [
        ("held", [{"urn": urn, "staff_ids": [head["staff_id"]]}])
    ]
