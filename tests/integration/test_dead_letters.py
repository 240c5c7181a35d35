"""An operator lists dead letters and sends one back once its cause is fixed: applied once, then gone."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path

import asyncpg
from nats.js import JetStreamContext

from contracts import SchoolEnrolled
from contracts.codec import envelope_of
from runtime.dead_letters import dead_letters
from runtime.local.stack import LocalStack
from tests.support import eventually, next_urn, stream_messages

RSP = str(Path(sys.executable).parent / "rsp")


def _rsp(local_stack: LocalStack, *args: str) -> subprocess.CompletedProcess[str]:
    assert local_stack.nats_operator_url is not None
    env = {k: v for k, v in os.environ.items() if not k.startswith("RSP_")}
    env["RSP_NATS_URL"] = local_stack.nats_operator_url
    return subprocess.run([RSP, "dead-letters", *args], env=env, capture_output=True, text=True, check=False)


async def test_replayed_dead_letter_is_applied_by_the_consumer_that_gave_up_and_leaves_the_list(
    local_stack: LocalStack, js: JetStreamContext, db: asyncpg.Pool
) -> None:
    enrolled = SchoolEnrolled(
        urn=next_urn(), cohort_id="dead-letter-probe", school_name="Probe", enrolled_on=date(2026, 9, 1)
    )
    envelope = envelope_of(enrolled)
    # As learning's consumer leaves it when it gives up (say its database refused the row for a day).
    headers = envelope.to_headers() | {
        "Nats-Msg-Id": f"learning:test:{uuid.uuid4()}",
        "rsp-dead-letter-reason": "gave up after 5 deliveries: a fixed bug",
        "rsp-dead-letter-consumer": "learning",
        "rsp-original-subject": enrolled.subject,
    }
    await js.publish("rsp.dead_letter.learning", enrolled.model_dump_json().encode(), headers=headers)
    [letter] = [letter async for letter in dead_letters(js, "learning") if letter.event_id == str(envelope.id)]

    listed = _rsp(local_stack, "--consumer", "learning")
    assert listed.returncode == 0, listed.stderr
    assert str(envelope.id) in listed.stdout
    assert "a fixed bug" in listed.stdout

    replayed = _rsp(local_stack, "--replay", str(letter.sequence))
    assert replayed.returncode == 0, replayed.stderr
    assert f"replayed {letter.sequence}" in replayed.stdout

    async def applied_by_learning() -> bool:
        count: int = await db.fetchval(
            "SELECT count(*) FROM learning.inbox WHERE consumer = 'learning' AND event_id = $1", envelope.id
        )
        return count == 1

    assert await eventually(applied_by_learning)
    assert [h for h, _ in await stream_messages(js, "RSP_ENROLMENT") if h.get("ce-id") == str(envelope.id)]
    assert str(envelope.id) not in _rsp(local_stack).stdout
