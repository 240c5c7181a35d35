"""The dashboard in a real browser: headless Chromium opens it, an event arrives, and the open page shows it
and its new figures without being reloaded."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

from nats.js import JetStreamContext

from contracts.events import ModuleCompleted
from runtime.local.stack import LocalStack
from tests.browser import Chromium
from tests.clients import Platform
from tests.support import enrolled_school, eventually
from tests.support_events import publish_event

COHORT = "e2e-chromium"
_KEEP_ANNOUNCEMENTS = """
window.announcements = [];
const status = document.getElementById('live-status');
new MutationObserver(() => window.announcements.push(status.textContent))
  .observe(status, {childList: true, characterData: true, subtree: true});
"""


async def test_a_new_event_appears_on_the_open_dashboard_without_a_reload(
    local_stack: LocalStack, api: Platform, js: JetStreamContext, chromium: str
) -> None:
    urn = await enrolled_school(api, COHORT)
    completions = f"document.querySelector('#cohort-{COHORT}-schools-{urn} td[data-column=\"7\"]')?.textContent"
    with Chromium(chromium) as browser:
        await asyncio.to_thread(browser.open, api.reporting.dashboard_login_url(local_stack.token()))

        async def live() -> bool:
            state = await asyncio.to_thread(
                browser.evaluate, "location.pathname + ' ' + document.body?.getAttribute('data-live')"
            )
            return bool(state == "/dashboard open")

        await eventually(live)
        assert await asyncio.to_thread(browser.evaluate, completions) == "0"
        await asyncio.to_thread(browser.evaluate, "window.sameDocument = true")
        # Other tests' events reach the same page: keep every announcement the status line makes, not only the last.
        await asyncio.to_thread(browser.evaluate, _KEEP_ANNOUNCEMENTS)

        envelope = await publish_event(
            js,
            ModuleCompleted(
                completion_id=uuid.uuid4(),
                staff_id=uuid.uuid4(),
                urn=urn,
                cohort_id=COHORT,
                module_number=1,
                completed_at=datetime.now(UTC),
            ),
        )

        async def shown() -> bool:
            listed = await asyncio.to_thread(
                browser.evaluate, f"!!document.querySelector('#latest-events li[data-event-id=\"{envelope.id}\"]')"
            )
            return bool(listed) and await asyncio.to_thread(browser.evaluate, completions) == "1"

        await eventually(shown)
        assert await asyncio.to_thread(browser.evaluate, "window.sameDocument") is True  # never reloaded
        announced = await asyncio.to_thread(browser.evaluate, "window.announcements.join('\\n')")
        assert f"rsp.learning.module.completed.v1 about {urn}" in announced
