"""Pointed at servers that already run, the stack starts only the platform's own processes and works with them."""

from __future__ import annotations

from pathlib import Path

import httpx
from temporalio.client import Client

from contracts import journey_id
from runtime.local.endpoints import Endpoints
from runtime.local.stack import LocalStack, isolated_settings
from tests.clients import Platform
from tests.support import eventually, next_urn

COHORT = "e2e-external"


async def test_platform_runs_against_existing_postgres_nats_and_temporal(
    local_stack: LocalStack, stack: Endpoints, tmp_path: Path, http: httpx.AsyncClient, api: Platform, temporal: Client
) -> None:
    settings = isolated_settings(tmp_path).model_copy(
        update={
            "jwt_secret": local_stack.settings.jwt_secret,
            "postgres_dsn": stack.postgres_dsn,
            "nats_url": local_stack.nats_operator_url,
            "temporal_address": stack.temporal_address,
        }
    )
    second = LocalStack(settings, echo=None)
    endpoints = await second.start()
    try:
        assert set(endpoints.pids) == {"enrolment", "learning", "circles", "reporting", "console", "worker", "bridge"}
        assert (endpoints.postgres_dsn, endpoints.nats_url, endpoints.temporal_address) == (
            stack.postgres_dsn,
            local_stack.nats_operator_url,
            stack.temporal_address,
        )
        elsewhere = Platform.over(http, endpoints)
        cohort = {
            "cohort_id": COHORT,
            "name": "External servers",
            "local_authority": "Oxfordshire",
            "starts_on": "2026-09-01",
        }
        assert (await elsewhere.enrolment.create_cohort(cohort)).status_code == 201
        urn = next_urn()

        enrolled = await elsewhere.enrolment.enrol_school(
            {"urn": urn, "name": "Elsewhere School", "cohort_id": COHORT, "phase": "primary"}
        )

        assert enrolled.status_code == 201
        # The same data, whichever set of processes answers.
        assert (await api.enrolment.school(urn)).json()["cohort_id"] == COHORT

        async def journey_started() -> list[str]:
            return [w.id async for w in temporal.list_workflows(f'Urn = "{urn}"')]

        assert await eventually(journey_started) == [journey_id(COHORT, urn)]
    finally:
        await second.stop()
    # Stopping it left the servers it did not start running.
    assert (await api.enrolment.health()).status_code == 200
    assert (await http.get(f"{stack.nats_monitor}/healthz")).status_code == 200
