"""How fast notifications sends reminders through SMTP, beside a plain SMTP client loop to the same server.

    .venv/bin/python -m benchmarks.notifications_smtp                  # 5,000 reminders, 3 runs
    .venv/bin/python -m benchmarks.notifications_smtp --reminders 200 --runs 1

It starts the real local stack, enrols a few schools with a headteacher and a senior leader each (their addresses
in enrolment), then per run:

1. **notifications**: publishes `--reminders / 2` ReminderIssued events straight onto RSP_JOURNEY (each becomes
   two messages, one per lead) and times from the first publish until every message is recorded as sent: the
   whole path, consumer and inbox, the message rows, the address asked of enrolment for each email, the
   wording, the SMTP transaction and the record;
2. **plain client**: aiosmtplib on one connection sends the same number of emails of the same shape to the same
   local mailbox server (aiosmtpd writing a Maildir), one after the other.

It prints messages per second for both and the ratio (goal: at least 0.5); quote the median.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosmtplib
import asyncpg
import httpx
import nats

from contracts import journey_id
from contracts.codec import envelope_of
from contracts.events.journey import ReminderIssued
from runtime.local.stack import LocalStack, isolated_settings
from services.notifications.adapters.smtp import build_email
from services.notifications.service_layer.routes import Email

__all__ = ["main"]

COHORT = "bench-notify"
SCHOOLS = 20


async def _school_with_leads(http: httpx.AsyncClient, enrolment: str, n: int) -> str:
    urn = f"{700001 + n:06d}"
    school = {"urn": urn, "name": f"Bench School {n}", "cohort_id": COHORT, "phase": "primary"}
    answer = await http.post(f"{enrolment}/schools", json=school)
    answer.raise_for_status()
    for role in ("headteacher", "senior_leader"):
        member = {"name": "Bench Lead", "email": f"{role}.{urn}@bench.example", "role": role}
        (await http.post(f"{enrolment}/schools/{urn}/staff", json=member)).raise_for_status()
    return urn


async def _wait_for(check: asyncpg.Pool, query: str, *args: object, want: int, within: float = 600) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if await check.fetchval(query, *args) >= want:
            return
        await asyncio.sleep(0.05)
    raise TimeoutError(f"not {want} after {within}s: {query}")


async def _through_notifications(js: object, db: asyncpg.Pool, urns: list[str], reminders: int, run: int) -> float:
    today = datetime.now(UTC).date()
    events = [
        ReminderIssued(
            urn=urns[i % len(urns)],
            cohort_id=COHORT,
            journey_id=journey_id(COHORT, urns[i % len(urns)]),
            reminder="mentoring_due",
            due_on=today + timedelta(days=i % 30),
            reason=f"Benchmark run {run}, reminder {i}.",
            issued_on=today,
        )
        for i in range(reminders // 2)
    ]
    before = await db.fetchval("SELECT count(*) FROM notifications.messages WHERE status = 'sent'")
    started = time.perf_counter()
    for event in events:
        envelope = envelope_of(event)
        await js.publish(event.subject, event.model_dump_json().encode(), headers=envelope.to_headers())  # type: ignore[attr-defined]
    await _wait_for(
        db, "SELECT count(*) FROM notifications.messages WHERE status = 'sent'", want=before + 2 * len(events)
    )
    return 2 * len(events) / (time.perf_counter() - started)


async def _plain_client(host: str, port: int, count: int) -> float:
    started = time.perf_counter()
    client = aiosmtplib.SMTP(hostname=host, port=port)
    await client.connect()
    try:
        for i in range(count):
            email = Email(uuid.uuid4(), f"plain.{i % 40}@bench.example", "Bench School: a reminder", "Body " * 60)
            await client.send_message(build_email(email, "Bench <bench@rsp.localhost>"))
    finally:
        await client.quit()
    return count / (time.perf_counter() - started)


async def run(reminders: int, runs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="rsp-bench-notify-") as folder:
        stack = LocalStack(isolated_settings(Path(folder)), echo=None)
        endpoints = await stack.start()
        try:
            assert stack.smtp_url is not None
            assert stack.nats_operator_url is not None
            host, port = stack.smtp_url.removeprefix("smtp://").split(":")
            headers = {"Authorization": f"Bearer {stack.token()}"}
            async with httpx.AsyncClient(headers=headers, timeout=30) as http:
                cohort = {"cohort_id": COHORT, "name": "Bench", "local_authority": "Oxfordshire",
                          "starts_on": "2026-09-01"}  # fmt: skip
                (await http.post(f"{endpoints.url('enrolment')}/cohorts", json=cohort)).raise_for_status()
                urns = [await _school_with_leads(http, endpoints.url("enrolment"), n) for n in range(SCHOOLS)]
            db = await asyncpg.create_pool(endpoints.postgres_dsn, min_size=1, max_size=2)
            connection = await nats.connect(stack.nats_operator_url)
            try:
                await _wait_for(db, "SELECT count(*) FROM notifications.staff", want=2 * SCHOOLS)
                await _wait_for(db, "SELECT count(*) FROM notifications.schools", want=SCHOOLS)
                service, plain = [], []
                for number in range(runs):
                    service.append(await _through_notifications(connection.jetstream(), db, urns, reminders, number))
                    plain.append(await _plain_client(host, int(port), reminders))
                    print(f"run {number + 1}: notifications {service[-1]:.0f}/s, plain aiosmtplib {plain[-1]:.0f}/s")
            finally:
                await connection.close()
                await db.close()
        finally:
            await stack.stop()
    median_service, median_plain = statistics.median(service), statistics.median(plain)
    ratio = median_service / median_plain
    print(
        f"{reminders} reminders, median of {runs}: notifications {median_service:.0f} messages/s, "
        f"plain client {median_plain:.0f} messages/s, ratio {ratio:.2f} (goal >= 0.5)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reminders", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    asyncio.run(run(arguments.reminders, arguments.runs))


if __name__ == "__main__":
    main()
