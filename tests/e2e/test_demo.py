"""The living demo on the real stack: journeys that lived a back-dated history are in several phases, some at
risk, the dashboard's charts have lines; the forecast made from those journeys is kept and served by reporting."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from temporalio.client import Client
from temporalio.common import SearchAttributeKey

from contracts.identifiers import journey_id
from contracts.search_attributes import AT_RISK, COHORT_ID, JOURNEY_PHASE, URN
from runtime.local.endpoints import Endpoints
from runtime.local.stack import LocalStack
from services.enrolment.entrypoints.demo import DEMO_COHORT, DEMO_SCHOOLS, seed_demo
from tests.support import eventually
from workflows.forecast.montecarlo import forecast_cohort
from workflows.forecast.report import document
from workflows.verify import journey_progress

COHORT = DEMO_COHORT["cohort_id"]
RSP = str(Path(sys.executable).parent / "rsp")


async def _journeys(temporal: Client) -> dict[str, tuple[str, bool]]:
    """(phase, at risk) of each running demo journey by URN, as the Temporal UI's visibility lists them."""
    found = {}
    query = f'{COHORT_ID} = "{COHORT}" AND WorkflowType = "SchoolJourney" AND ExecutionStatus = "Running"'
    async for execution in temporal.list_workflows(query):
        attributes = execution.typed_search_attributes
        phase = attributes.get(SearchAttributeKey.for_keyword(JOURNEY_PHASE)) or ""
        urn = attributes.get(SearchAttributeKey.for_keyword(URN)) or ""
        found[urn] = (phase, bool(attributes.get(SearchAttributeKey.for_bool(AT_RISK))))
    return found


async def test_the_demo_seeds_a_cohort_living_its_history(
    local_stack: LocalStack, stack: Endpoints, admin_token: str, temporal: Client, http: httpx.AsyncClient
) -> None:
    message = await seed_demo(stack, admin_token)
    assert "seeded" in message

    async def lived() -> list[tuple[str, bool]] | None:
        states = {school.urn: await journey_progress(temporal, COHORT, school.urn) for school in DEMO_SCHOOLS}
        if any(state is None or state.catching_up for state in states.values()):
            return None
        # What the journeys know, once the visibility store the Temporal UI searches has been told it too.
        known = {urn: (state.phase, state.at_risk) for urn, state in states.items() if state is not None}
        listed = await _journeys(temporal)
        return list(listed.values()) if listed == known else None

    # The journeys wait for their history to stop arriving (30 s on the test stack, see conftest), then live it.
    journeys = await eventually(lived, within=900, every=1)
    assert len({phase for phase, _ in journeys}) >= 3
    assert any(at_risk for _, at_risk in journeys)

    # Each journey was started back-dated, with the quiet spell this stack is set to (its input, as the UI shows it).
    history = await temporal.get_workflow_handle(journey_id(COHORT, DEMO_SCHOOLS[0].urn)).fetch_history()
    started = history.events[0].workflow_execution_started_event_attributes
    start = json.loads(started.input.payloads[0].data)
    assert start["catch_up"] is True
    assert start["catch_up_quiet_seconds"] == local_stack.settings.journey_catch_up_quiet_seconds

    reporting = stack.url("reporting")
    answer = await http.get(f"{reporting}/dashboard/cohorts/{COHORT}/progress-over-time.csv")
    assert answer.status_code == 200
    months = list(csv.DictReader(io.StringIO(answer.text)))
    assert len(months) > 1, "the progress chart has more than one point per series"
    answer = await http.get(f"{reporting}/dashboard/cohorts/{COHORT}/impact-change.csv")
    assert len(list(csv.DictReader(io.StringIO(answer.text)))) > 1, "the impact chart compares several schools"
    assert "c" in answer.text.split(","), "small counts are suppressed"

    reminders = []
    for school in DEMO_SCHOOLS:
        state = await journey_progress(temporal, COHORT, school.urn)
        assert state is not None
        assert not state.catching_up
        reminders += state.reminders_issued
    assert reminders, "reminders went out as the history fell behind"

    special = await http.get(f"{stack.url('enrolment')}/schools/990003")
    assert special.json()["phase"] == "special", "the special school is seeded as GIAS would enrol it"

    again = await seed_demo(stack, admin_token)
    assert "already seeded" in again


async def test_reporting_keeps_the_latest_forecast_and_serves_it(
    stack: Endpoints, admin_token: str, temporal: Client, http: httpx.AsyncClient
) -> None:
    await seed_demo(stack, admin_token)  # already seeded by the test above when run with it; seeds it otherwise
    states = [state for s in DEMO_SCHOOLS if (state := await journey_progress(temporal, COHORT, s.urn)) is not None]
    forecast = forecast_cohort(COHORT, states, datetime.now(UTC).date(), runs=200, seed=3)
    body: dict[str, Any] = document(forecast)
    url = f"{stack.url('reporting')}/cohorts/{COHORT}/forecast"

    answer = await http.put(url, json=body)
    assert answer.status_code == 200, answer.text
    kept = (await http.get(url)).json()
    assert kept["document"]["runs"] == 200
    assert [s["urn"] for s in kept["document"]["schools"]] == sorted(s.urn for s in states)
    page = await http.get(f"{stack.url('reporting')}/dashboard/cohorts/{COHORT}/forecast")
    assert page.status_code == 200
    assert "This is a projection, not a measurement." in page.text
    assert 'class="band"' in page.text

    # Refused, and the kept forecast stays as it was.
    wrong_cohort = await http.put(url, json={**body, "cohort_id": "another-cohort", "runs": 5})
    assert wrong_cohort.status_code == 422
    assert "cohort_id" in wrong_cohort.text
    impossible = {**body, "runs": 7, "flagged_share": [{"phase": "launch", "share_at_risk": {"mean": -1}}]}
    assert (await http.put(url, json=impossible)).status_code == 422
    assert (await http.get(url)).json()["document"]["runs"] == 200
    missing = await http.get(f"{stack.url('reporting')}/cohorts/no-forecast-here/forecast")
    assert missing.status_code == 404


async def test_rsp_forecast_prints_the_table_with_a_what_if_beside_it_and_keeps_only_the_forecast(
    stack_dir: Path, stack: Endpoints, admin_token: str, http: httpx.AsyncClient
) -> None:
    await seed_demo(stack, admin_token)
    env = {key: value for key, value in os.environ.items() if not key.startswith("RSP_")}
    env["RSP_DATA_DIR"] = str(stack_dir)
    command = [RSP, "forecast", COHORT, "--runs", "60", "--seed", "4", "--what-if", "completions:990002=+100"]
    done = await asyncio.to_thread(subprocess.run, command, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "60 runs per school" in done.stdout
    assert "what-if (completions:990002=+100)" in done.stdout
    assert "990002" in done.stdout
    assert "->" in done.stdout
    assert "A projection, not a measurement" in done.stdout
    kept = (await http.get(f"{stack.url('reporting')}/cohorts/{COHORT}/forecast")).json()
    assert kept["document"]["runs"] == 60
    assert kept["document"]["seed"] == 4

    refused = [RSP, "forecast", COHORT, "--what-if", "extend:990002=400"]
    done = await asyncio.to_thread(subprocess.run, refused, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert "1 to 90 days" in done.stderr
    assert (await http.get(f"{stack.url('reporting')}/cohorts/{COHORT}/forecast")).json()["document"]["seed"] == 4
