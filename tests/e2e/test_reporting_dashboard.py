"""The dashboard and the live feed over HTTP on the real stack: the overview and a school's page show the
projected figures with accessible charts and tables, every table downloads as the same CSV, and the live feed
streams events as they happen in their CloudEvents envelope, to each caller only what they may see."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import uuid
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
from nats.js import JetStreamContext

from contracts.events import FlaggedAtRisk, ModuleCompleted, PhaseEntered
from contracts.identifiers import journey_id
from runtime.auth import SESSION_COOKIE, Role
from runtime.local.endpoints import Endpoints
from runtime.local.stack import LocalStack
from tests.clients import Platform, platform_as
from tests.support import enrolled_school, eventually
from tests.support_events import publish_event

COHORT = "e2e-dashboard"


def _completion(urn: str, module: int = 1) -> ModuleCompleted:
    return ModuleCompleted(
        completion_id=uuid.uuid4(),
        staff_id=uuid.uuid4(),
        urn=urn,
        cohort_id=COHORT,
        module_number=module,
        completed_at=datetime(2026, 10, 1, 9, tzinfo=UTC),
    )


async def _sse(
    reader: Platform, count: int, opened: asyncio.Event | None = None, **params: str
) -> list[dict[str, Any]]:
    """The first `count` SSE messages (id and parsed data) of the live feed. `opened` is set once the feed has
    fixed where it starts (it says so with its first line, the reconnection delay)."""
    found: list[dict[str, Any]] = []
    async with reader.reporting.live_events({"limit": str(count), "timeout": "20", **params}) as answer:
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/event-stream")
        message: dict[str, Any] = {}
        async for line in answer.aiter_lines():
            if line.startswith("retry: ") and opened is not None:
                opened.set()
            elif line.startswith("id: "):
                message["id"] = line[4:]
            elif line.startswith("data: "):
                message["data"] = json.loads(line[6:])
            elif line == "" and "data" in message:
                found.append(message)
                message = {}
    return found


def _school_cells(overview: str, urn: str) -> list[str]:
    """The cells of the school's row in the overview's table of schools; none while it has no row."""
    row = re.search(rf'<tr id="cohort-{COHORT}-schools-{urn}".*?</tr>', overview)
    return [] if row is None else re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row.group(0))


async def test_overview_and_school_page_show_the_figures_with_accessible_charts_and_tables(
    local_stack: LocalStack, stack: Endpoints, api: Platform, js: JetStreamContext
) -> None:
    urn = await enrolled_school(api, COHORT)
    journey = journey_id(COHORT, urn)
    await publish_event(js, _completion(urn))
    await publish_event(
        js, PhaseEntered(urn=urn, cohort_id=COHORT, journey_id=journey, phase="foundations",
                         entered_on=date(2026, 12, 1), month=3),
    )  # fmt: skip
    await publish_event(
        js, FlaggedAtRisk(urn=urn, cohort_id=COHORT, journey_id=journey, phase="launch",
                          reasons=["=no circle in 2026-27-autumn-2"], flagged_on=date(2026, 12, 1)),
    )  # fmt: skip
    token = local_stack.token(Role.PROGRAMME_ADMIN, f"dashboard-{Role.PROGRAMME_ADMIN.value}", ())
    async with platform_as(stack, seconds=20, cookies={SESSION_COOKIE: token}) as browser:

        async def seen() -> str | None:
            # This school's own row, once all three events above are projected: the page also holds other tests'
            # schools, and the journey's own "launch" phase arrives whenever the journey starts.
            page = (await browser.reporting.dashboard()).text
            cells = _school_cells(page, urn)
            projected = len(cells) > 7 and cells[3] == "foundations" and cells[4] != "No" and cells[7] == "1"
            return page if projected else None

        overview = await eventually(seen)
        school_page = await browser.reporting.school_dashboard(urn)
        schools_csv = await browser.reporting.cohort_schools_csv(COHORT)
        figures_csv = await browser.reporting.school_figures_csv(urn)
        script = await browser.reporting.dashboard_script()

    cells = _school_cells(overview, urn)
    assert cells[1:6] == [urn, "active", "foundations", "Yes: =no circle in 2026-27-autumn-2", "0"]
    assert cells[7] == "1"  # module completions
    # Headings, charts with a title and a description, captioned tables, no outside resources.
    assert "<h1>Cohort overview</h1>" in overview
    assert re.search(r'<svg class="chart"[^>]*role="img"[^>]*aria-labelledby="[^"]+-title [^"]+-desc"', overview)
    assert "<caption" in overview
    assert '<th scope="col">' in overview
    assert '<th scope="row">' in overview
    assert re.findall(r'(?:src|href)="(?:https?:)?//', overview) == []  # nothing loaded from elsewhere
    assert school_page.status_code == 200
    assert "<h2>At risk</h2>" in school_page.text
    assert "<h2>Impact against baseline</h2>" in school_page.text
    assert script.status_code == 200
    assert "EventSource" in script.text
    # The CSV is the table shown (numbers as numbers, empty cells empty), RFC 4180.
    assert schools_csv.headers["content-type"].startswith("text/csv; charset=utf-8")
    rows = list(csv.reader(io.StringIO(schools_csv.text)))
    assert schools_csv.text.endswith("\r\n")
    ours = next(r for r in rows if r[1] == urn)
    shown = [re.sub(r"<[^>]+>", "", cell) for cell in cells]  # the school's name is a link on the page
    assert ours == [cell if cell != "n/a" else "" for cell in shown]
    figures = dict(list(csv.reader(io.StringIO(figures_csv.text)))[1:])
    assert figures["Module completions"] == "1"
    assert figures["Journey phase"] == "foundations"


async def test_live_feed_streams_new_events_in_their_envelope_and_resumes_after_the_last_one(
    local_stack: LocalStack, stack: Endpoints, api: Platform, js: JetStreamContext
) -> None:
    urn = await enrolled_school(api, COHORT)
    async with platform_as(stack, local_stack.token(Role.PROGRAMME_ADMIN, "other-dashboard"), seconds=30) as reader:
        opened = asyncio.Event()
        listening = asyncio.create_task(_sse(reader, 1, opened))
        await asyncio.wait_for(opened.wait(), 30)  # the stream starts at the newest event: open it before publishing
        envelope = await publish_event(js, _completion(urn, 4))
        first = (await asyncio.wait_for(listening, 30))[0]
        if first["data"]["id"] != str(envelope.id):  # another test's event came first: read on from it
            later = await _sse(reader, 50, after=first["id"])
            first = next(m for m in later if m["data"]["id"] == str(envelope.id))
        second_envelope = await publish_event(js, _completion(urn, 5))
        resumed = await _sse(reader, 50, after=first["id"], timeout="5")

    event = first["data"]
    assert event["specversion"] == "1.0"
    assert event["type"] == ModuleCompleted.subject
    assert event["source"] == ModuleCompleted.source
    assert event["subject"] == urn
    assert datetime.fromisoformat(event["time"]) == envelope.time
    assert event["data"]["module_number"] == 4
    assert str(second_envelope.id) in [m["data"]["id"] for m in resumed]
    assert str(envelope.id) not in [m["data"]["id"] for m in resumed]


async def test_a_school_reads_only_its_own_events_on_the_live_feed(
    local_stack: LocalStack, stack: Endpoints, api: Platform, js: JetStreamContext, db: asyncpg.Pool
) -> None:
    own, other = await enrolled_school(api, COHORT), await enrolled_school(api, COHORT)

    async def journey_has_begun() -> bool:
        # The school's journey announces its start and first phase on its own; let those reach the feed first.
        return bool(
            await db.fetchval(
                "SELECT true FROM reporting.event_feed WHERE urn = $1 AND type = $2", own, PhaseEntered.subject
            )
        )

    await eventually(journey_has_begun, within=30)
    token = local_stack.token(Role.SCHOOL, f"school-{own}", (own,))
    async with platform_as(stack, token, seconds=30) as school:
        opened = asyncio.Event()
        listening = asyncio.create_task(_sse(school, 1, opened))
        await asyncio.wait_for(opened.wait(), 30)
        await publish_event(js, _completion(other))
        mine = await publish_event(js, _completion(own))
        received = await asyncio.wait_for(listening, 30)

    assert [m["data"]["id"] for m in received] == [str(mine.id)]
