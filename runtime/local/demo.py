"""A small demo cohort, so the APIs and the Temporal UI show something real at once. Safe to run again."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import httpx

from runtime.local.endpoints import Endpoints

__all__ = ["DEMO_COHORT", "DEMO_SCHOOLS", "seed_demo"]

DEMO_COHORT = {
    "cohort_id": "oxfordshire-demo",
    "name": "Oxfordshire demo cohort",
    "local_authority": "Oxfordshire",
    "starts_on": "2026-09-01",
}
# Fictional schools with URNs in a range Get Information about Schools does not use for Oxfordshire.
DEMO_SCHOOLS = (
    ("990001", "Riverside Demo Primary School"),
    ("990002", "Hillview Demo Academy"),
    ("990003", "Meadow Demo Special School"),
)
_STAFF_NAMESPACE = uuid.UUID("0b4cf1d2-1c4e-4c1e-9a8e-5d1a3c2b7f10")


async def _post(client: httpx.AsyncClient, url: str, body: dict[str, object], attempts: int = 60) -> int:
    """POST, retrying a 404 while the school's enrolment event reaches the service."""
    for _ in range(attempts):
        answer = await client.post(url, json=body)
        if answer.status_code != 404:
            return answer.status_code
        await asyncio.sleep(0.5)
    return 404


async def seed_demo(endpoints: Endpoints, admin_token: str) -> str:
    enrolment, learning = endpoints.url("enrolment"), endpoints.url("learning")
    headers = {"Authorization": f"Bearer {admin_token}"}
    async with httpx.AsyncClient(timeout=10, headers=headers) as client:
        await client.post(f"{enrolment}/cohorts", json=DEMO_COHORT)
        for urn, name in DEMO_SCHOOLS:
            await client.post(
                f"{enrolment}/schools",
                json={"urn": urn, "name": name, "cohort_id": DEMO_COHORT["cohort_id"], "phase": "primary"},
            )
        for index, (urn, _) in enumerate(DEMO_SCHOOLS):
            for staff in range(3):
                staff_id = uuid.uuid5(_STAFF_NAMESPACE, f"{urn}-{staff}")
                for module in range(1, 2 + index + staff):
                    await _post(
                        client,
                        f"{learning}/completions",
                        {
                            "staff_id": str(staff_id),
                            "urn": urn,
                            "module_number": module,
                            "completed_at": datetime.now(UTC).isoformat(),
                        },
                    )
    return (
        f"rsp: demo cohort {DEMO_COHORT['cohort_id']!r} seeded with {len(DEMO_SCHOOLS)} schools; "
        f"see {endpoints.dashboard}"
    )
