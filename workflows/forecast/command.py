"""`rsp forecast COHORT`: forecast a cohort from its journeys, print the table, keep it in reporting.

Each journey's state comes from its `progress` query (what the journey itself knows), the cohort's schools from
enrolment's API; the forecast runs here, on this machine's cores, and the result (never a what-if) is kept by
reporting, which serves it to the dashboard. A what-if is printed beside the forecast and changes nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from datetime import UTC, datetime

import httpx

from runtime.commands import Command, admin_token, running_stack
from runtime.settings import Settings
from runtime.temporal import connect_temporal
from workflows.forecast.montecarlo import forecast_cohort
from workflows.forecast.report import document, table
from workflows.forecast.whatif import WhatIfError, parse_what_if
from workflows.journey.messages import JourneyProgress
from workflows.verify import journey_progress

__all__ = ["FORECAST"]


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("cohort_id", metavar="COHORT", help="the cohort's id")
    parser.add_argument("--runs", type=int, default=1000, help="simulated runs per school (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="the same seed gives the same forecast (default 0)")
    parser.add_argument(
        "--what-if",
        action="append",
        default=[],
        metavar="CHANGE",
        help="try a change beside the forecast (repeat for several): move-day:N=DATE, add-day:DATE, "
        "add-mentoring:URN=DATE, extend:URN|all=DAYS, completions:URN|all=+PERCENT",
    )
    parser.add_argument("--no-keep", action="store_true", help="print only; do not send the forecast to reporting")
    parser.add_argument(
        "--wait-minutes",
        type=float,
        default=0,
        help="first wait up to this long for journeys still catching up on a back-dated history (the demo's)",
    )


async def _journeys(settings: Settings, cohort_id: str, token: str, wait_minutes: float) -> list[JourneyProgress]:
    """The running journeys of the cohort; with `wait_minutes`, once none is still catching up (or that long)."""
    deadline = asyncio.get_running_loop().time() + 60 * wait_minutes
    while True:
        states = await _states(settings, cohort_id, token)
        if not any(state.catching_up for state in states) or asyncio.get_running_loop().time() > deadline:
            return states
        await asyncio.sleep(10)


async def _states(settings: Settings, cohort_id: str, token: str) -> list[JourneyProgress]:
    endpoints = running_stack(settings)
    where = {"temporal_address": endpoints.temporal_address, "temporal_namespace": endpoints.temporal_namespace}
    temporal = await connect_temporal(settings.model_copy(update=where))
    async with httpx.AsyncClient(timeout=30, headers={"Authorization": f"Bearer {token}"}) as http:
        answer = await http.get(f"{endpoints.url('enrolment')}/cohorts/{cohort_id}")
        answer.raise_for_status()
        urns = [school["urn"] for school in answer.json()["schools"] if school["status"] == "active"]
    found = await asyncio.gather(*(journey_progress(temporal, cohort_id, urn) for urn in urns))
    return [state for state in found if state is not None and state.phase != "completed"] if urns else []


def _run(args: argparse.Namespace) -> int:
    if not 1 <= args.runs <= 100_000:
        print("rsp: --runs must be from 1 to 100000", file=sys.stderr)
        return 2
    try:
        what_if = parse_what_if(args.what_if)
    except WhatIfError as error:
        print(f"rsp: {error}", file=sys.stderr)
        return 2
    settings = Settings()
    token = admin_token(settings)
    try:
        states = asyncio.run(_journeys(settings, args.cohort_id, token, args.wait_minutes))
    except httpx.HTTPStatusError as error:
        print(f"rsp: enrolment answered {error.response.status_code} for cohort {args.cohort_id!r}", file=sys.stderr)
        return 1
    if not states:
        print(f"rsp: cohort {args.cohort_id!r} has no running journeys to forecast", file=sys.stderr)
        return 1
    today = datetime.now(UTC).date()
    processes = os.cpu_count() or 1
    forecast = forecast_cohort(args.cohort_id, states, today, args.runs, args.seed, processes=processes)
    tried = None
    if not what_if.empty:
        tried = forecast_cohort(args.cohort_id, states, today, args.runs, args.seed, what_if, processes)
    print(table(forecast, tried))
    if not args.no_keep:
        endpoints = running_stack(settings)
        answer = httpx.put(
            f"{endpoints.url('reporting')}/cohorts/{args.cohort_id}/forecast",
            json=document(forecast),
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        if answer.status_code != 200:
            print(f"rsp: reporting refused the forecast ({answer.status_code}): {answer.text}", file=sys.stderr)
            return 1
        print(f"\nKept by reporting: {endpoints.url('reporting')}/dashboard/cohorts/{args.cohort_id}/forecast")
    return 0


FORECAST = Command("forecast a cohort's phase ends from its journeys (Monte Carlo), with what-ifs", _run, _arguments)
