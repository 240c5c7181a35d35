"""A school lead uses the console, keyboard alone: upload the staff list (checked, then confirmed), record a circle,
submit a return with a mistake, correct it and see the figures; another school's pages are not found."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
from playwright.async_api import BrowserContext, expect

from tests.browser_console.console import Keyboard, check_page, sign_in_link
from tests.clients import Platform
from tests.clients import expect as expect_answer
from tests.support import eventually, next_urn


async def _school_in_a_cohort(api: Platform) -> tuple[str, str]:
    """A cohort that began on 1 September 2026 with two schools enrolled: (the lead's URN, another URN)."""
    cohort_id = f"lead-{uuid.uuid4().hex[:8]}"
    cohort = {
        "cohort_id": cohort_id,
        "name": "Lead journey",
        "local_authority": "Oxfordshire",
        "starts_on": "2026-09-01",
    }
    expect_answer(await api.enrolment.create_cohort(cohort), 201)
    ours, theirs = next_urn(), next_urn()
    for urn, name in ((ours, "Cherwell Vale Primary School"), (theirs, "Thames Meadow Academy")):
        school = {"urn": urn, "name": name, "cohort_id": cohort_id, "phase": "primary"}
        expect_answer(await api.enrolment.enrol_school(school), 201)

    async def known_everywhere() -> bool:
        answers = [
            await api.circles.school(ours),
            await api.reporting.impact(ours),
            await api.reporting.progress(ours),
        ]
        return all(answer.status_code == 200 for answer in answers)

    await eventually(known_everywhere)
    return ours, theirs


async def test_school_lead_registers_staff_records_a_circle_and_corrects_a_return(
    context: BrowserContext, console_url: str, programme_tools: httpx.AsyncClient, api: Platform, tmp_path: Path
) -> None:
    urn, other_urn = await _school_in_a_cohort(api)
    page = await context.new_page()
    keys = Keyboard(page)
    await page.goto(await sign_in_link(programme_tools, console_url, f"lead-{urn}@school.example.org", "school", [urn]))
    await keys.follow("button.govuk-button--start")
    await expect(page.get_by_role("heading", name="Cherwell Vale Primary School")).to_be_visible()
    await expect(page.locator(".govuk-summary-list")).to_contain_text("0 of 10 leadership days attended")
    await expect(page.locator("main")).to_contain_text("Impact return: baseline")
    await check_page(page, "school")

    # Staff: a CSV with three people to register and two rows refused, each with its reason.
    staff_file = tmp_path / "staff.csv"
    staff_file.write_text(
        "name,email,role\n"
        "Alex Example,alex@cherwell.example.org,Headteacher\n"
        "Sam Sample,sam@cherwell.example.org,teacher\n"
        "Jo Placeholder,jo@cherwell.example.org,Teaching assistant\n"
        "No Address,not-an-email,teacher\n"
        "Sam Again,sam@cherwell.example.org,teacher\n",
        encoding="utf-8",
    )
    await keys.follow(f"a[href='/schools/{urn}/staff']")
    await check_page(page, "staff")
    await keys.upload("#staff_file", staff_file)
    await keys.follow(f"form[action='/schools/{urn}/staff/check'] button")
    await expect(page.get_by_role("heading", name="3 will be registered")).to_be_visible()
    refused = page.locator("table").nth(1)
    await expect(refused).to_contain_text("The email address is not in the correct format")
    await expect(refused).to_contain_text("The email address appears earlier in the file")
    await check_page(page, "staff-check")
    assert expect_answer(await api.enrolment.staff(urn)) == []
    await keys.follow(f"form[action='/schools/{urn}/staff/confirm'] button")
    await expect(page.locator(".govuk-notification-banner")).to_contain_text("Staff registered")
    staff = expect_answer(await api.enrolment.staff(urn))
    assert sorted(member["name"] for member in staff) == ["Alex Example", "Jo Placeholder", "Sam Sample"]

    async def staff_counted() -> bool:
        return bool(expect_answer(await api.reporting.progress(urn))["staff_counted"] == 3)

    await eventually(staff_counted)

    # A circle held today, facilitated by the headteacher, with two staff.
    today = datetime.now(UTC).date()
    await keys.follow(f"a[href='/schools/{urn}/circles']")
    await check_page(page, "circles")
    await keys.radio("kind", 1)  # a practice discussion circle
    await keys.date("held_on", today.day, today.month, today.year)
    await keys.choose_option("#facilitator_staff_id", "Alex")
    await keys.choose("#participant_staff_ids")
    await keys.choose("#participant_staff_ids-2")
    await keys.type_into("#participant_count", "2")
    await keys.choose("#themes")
    await keys.follow(f"form[action='/schools/{urn}/circles'] button")
    await expect(page.locator(".govuk-notification-banner")).to_contain_text("Circle recorded")
    circles = expect_answer(await api.circles.circles(urn))
    assert [(c["status"], c["kind"], c["participant_count"]) for c in circles] == [("held", "practice_discussion", 2)]

    # The baseline return, first with a mistake: 12 suspensions but no pupil suspended.
    await page.goto(f"{console_url}/schools/{urn}")
    await keys.follow(f"a[href='/schools/{urn}/returns']")
    await check_page(page, "returns")
    await keys.radio("period", 0)  # the baseline
    figures = {
        "pupils_on_roll": "212",
        "suspensions": "12",
        "pupils_suspended": "0",
        "permanent_exclusions": "0",
        "possible_sessions": "80000",
        "sessions_missed": "4000",
        "pupils_persistently_absent": "20",
    }
    for name, value in figures.items():
        await keys.type_into(f"#{name}", value)
    await keys.follow(f"form[action='/schools/{urn}/returns'] button")
    await expect(page.locator(".govuk-error-summary")).to_contain_text("Pupils suspended: cannot be 0")
    await expect(page.locator("#suspensions")).to_have_value("12")
    await check_page(page, "returns-error")
    assert expect_answer(await api.reporting.impact(urn))["returns"] == []
    await keys.type_into("#pupils_suspended", "9")
    await keys.follow(f"form[action='/schools/{urn}/returns'] button")
    await expect(page.locator(".govuk-notification-banner")).to_contain_text("Impact return submitted")
    # The figures as reporting publishes them: 12 suspensions of 212 pupils is 5.66 per 100.
    await expect(page.locator("#figures")).to_contain_text("5.66")
    await check_page(page, "returns-figures")

    # Another school's pages do not exist for this school lead.
    for path in (f"/schools/{other_urn}", f"/schools/{other_urn}/staff", f"/schools/{other_urn}/returns"):
        answer = await page.goto(f"{console_url}{path}")
        assert answer is not None
        assert answer.status == 404
    await expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    await check_page(page, "not-found")
