"""The pages the two journeys do not pass through, each checked with axe-core at WCAG 2.2 AA: inviting someone
(with a mistake first), withdrawing or completing a school, a facilitator's sessions, signing out, a link used
twice, and a page a role may not open."""

from __future__ import annotations

import uuid

import httpx
from playwright.async_api import BrowserContext, expect

from tests.browser_console.console import Keyboard, check_page, sign_in_link
from tests.clients import Platform
from tests.clients import expect as expect_answer
from tests.support import eventually, next_urn


async def test_the_remaining_pages_pass_axe(
    context: BrowserContext, console_url: str, programme_tools: httpx.AsyncClient, api: Platform
) -> None:
    cohort_id = f"pages-{uuid.uuid4().hex[:8]}"
    cohort = {"cohort_id": cohort_id, "name": "Pages", "local_authority": "Oxfordshire", "starts_on": "2026-09-01"}
    expect_answer(await api.enrolment.create_cohort(cohort), 201)
    urn = next_urn()
    school = {"urn": urn, "name": "Evenlode Primary School", "cohort_id": cohort_id, "phase": "primary"}
    expect_answer(await api.enrolment.enrol_school(school), 201)

    page = await context.new_page()
    keys = Keyboard(page)
    team_link = await sign_in_link(programme_tools, console_url, f"t-{urn}@council.example.org", "programme_admin", [])
    await page.goto(team_link)
    await keys.follow("button.govuk-button--start")
    await keys.follow("a[href='/people/new']")
    await check_page(page, "invite")
    await keys.type_into("#email", "facilitator@")
    await keys.radio("role", 1)
    await keys.follow("form[action='/people/new'] button")
    await expect(page.locator(".govuk-error-summary")).to_contain_text("Enter an email address in the correct format")
    await check_page(page, "invite-error")
    await keys.type_into("#email", f"facilitator-{urn}@council.example.org")
    await keys.type_into("#urns", urn)
    await keys.follow("form[action='/people/new'] button")
    await expect(page.locator(".govuk-panel__title")).to_have_text("Facilitator invited")
    await check_page(page, "invited")
    await page.goto(f"{console_url}/schools/{urn}/ending")
    await check_page(page, "school-ending")
    await page.goto(f"{console_url}/sign-out")
    await check_page(page, "sign-out")
    await keys.follow("form[action='/sign-out'] button")
    await expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()
    await check_page(page, "signed-out")
    await page.goto(team_link)
    await keys.follow("button.govuk-button--start")
    await expect(
        page.get_by_role("heading", name="This sign-in link has expired or has already been used")
    ).to_be_visible()
    await check_page(page, "link-not-valid")

    async def learning_knows_the_school() -> bool:
        return (await api.learning.school_sessions(urn)).status_code == 200

    await eventually(learning_knows_the_school)
    await page.goto(
        await sign_in_link(programme_tools, console_url, f"f-{urn}@council.example.org", "facilitator", [urn])
    )
    await keys.follow("button.govuk-button--start")
    await expect(page.get_by_role("heading", name="Your sessions")).to_be_visible()
    await check_page(page, "facilitator-sessions")
    answer = await page.goto(f"{console_url}/cohorts")
    assert answer is not None
    assert answer.status == 403
    await check_page(page, "forbidden")
