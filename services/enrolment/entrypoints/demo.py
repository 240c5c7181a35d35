"""A small demo cohort, so the APIs and the Temporal UI show something real at once. Safe to run again."""

from __future__ import annotations

import asyncio
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


async def _post(client: httpx.AsyncClient, url: str, body: dict[str, object], attempts: int = 60) -> int:
    """POST, retrying a 404 while the school's enrolment event reaches the service."""
    for _ in range(attempts):
        answer = await client.post(url, json=body)
        if answer.status_code != 404:
            return answer.status_code
        await asyncio.sleep(0.5)
    return 404


async def _demo_staff(client: httpx.AsyncClient, endpoints: Endpoints, urn: str, number: int) -> str:
    """A fictional member of staff registered at `urn` (found again on a re-run), once learning has seen them."""
    enrolment, learning = endpoints.url("enrolment"), endpoints.url("learning")
    email = f"demo-staff-{number}@{urn}.school.example"
    for _ in range(60):  # the school's enrolment may still be on its way to enrolment's own read side
        answer = await client.post(
            f"{enrolment}/schools/{urn}/staff",
            json={"name": f"Demo Staff {number}", "email": email, "role": "teacher"},
        )
        if answer.status_code != 404:
            break
        await asyncio.sleep(0.5)
    if answer.status_code == 201:
        staff_id = str(answer.json()["staff_id"])
    else:  # 409: registered by an earlier run
        staff = (await client.get(f"{enrolment}/schools/{urn}/staff")).json()
        staff_id = next(str(m["staff_id"]) for m in staff if m["email"] == email)
    for _ in range(60):
        if (await client.get(f"{learning}/schools/{urn}/staff/{staff_id}/progress")).status_code == 200:
            break
        await asyncio.sleep(0.5)
    return staff_id


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
                staff_id = await _demo_staff(client, endpoints, urn, staff)
                for module in range(1, 2 + index + staff):
                    await _post(
                        client,
                        f"{learning}/completions",
                        {
                            "staff_id": staff_id,
                            "urn": urn,
                            "module_number": module,
                            "completed_at": datetime.now(UTC).isoformat(),
                        },
                    )
    return (
        f"rsp: demo cohort {DEMO_COHORT['cohort_id']!r} seeded with {len(DEMO_SCHOOLS)} schools; "
        f"see {endpoints.dashboard}"
    )
