"""Staff, withdrawal and retention through enrolment's API, and no personal data anywhere it does not belong."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from nats.js import JetStreamContext
from temporalio.client import Client, WorkflowExecutionDescription, WorkflowHandle
from temporalio.service import RPCError

from contracts import journey_id
from runtime.auth import Role
from runtime.local.stack import LocalStack
from tests.clients import Platform
from tests.support import Footprint, enrolled_school, eventually, learning_knows_staff, next_urn, stream_messages

COHORT = "e2e-staff"
RSP = str(Path(sys.executable).parent / "rsp")
# Distinctive, so that finding them anywhere means they leaked.
PROBE_NAME = "Zebedee Quillfeather"
PROBE_EMAIL = "zebedee.quillfeather@pii-probe.example"


WRITTEN = Footprint.rows_of("enrolment.staff", "enrolment.outbox", streams=("RSP_ENROLMENT",))


def _staff(**changes: Any) -> dict[str, Any]:
    return {"name": "Ada Lovelace", "email": f"{uuid.uuid4().hex[:8]}@school.example", "role": "teacher", **changes}


async def test_registered_staff_member_is_published_by_id_and_role_only(api: Platform, js: JetStreamContext) -> None:
    urn = await enrolled_school(api, COHORT)

    answer = await api.enrolment.register_staff(urn, _staff(role="headteacher"))

    assert answer.status_code == 201, answer.text
    staff_id = answer.json()["staff_id"]

    async def published() -> dict[str, Any] | None:
        for _, data in await stream_messages(js, "RSP_ENROLMENT", "rsp.enrolment.staff.registered.v1"):
            event: dict[str, Any] = json.loads(data)
            if event["staff_id"] == staff_id:
                return event
        return None

    event = await eventually(published)
    assert event == {"staff_id": staff_id, "urn": urn, "cohort_id": COHORT, "role": "headteacher",
                     "starts_on": answer.json()["starts_on"]}  # fmt: skip


@pytest.mark.parametrize(
    ("case", "body", "named"),
    [
        ("bad email", _staff(email="not-an-email"), "email"),
        ("unknown role", _staff(role="caretaker-in-chief"), "role"),
        ("missing name", {"email": "x@school.example", "role": "teacher"}, "name"),
        ("extra field", _staff(urn="999999"), "urn"),
        ("bad start date", _staff(starts_on="2026-13-01"), "starts_on"),
    ],
)
async def test_bad_staff_registration_is_refused_naming_the_field_and_writes_nothing(
    api: Platform,
    db: asyncpg.Pool,
    js: JetStreamContext,
    case: str,
    body: dict[str, Any],
    named: str,
) -> None:
    urn = await enrolled_school(api, COHORT)
    async with WRITTEN.unchanged(db, js):
        answer = await api.enrolment.register_staff(urn, body)

        assert answer.status_code == 422
        assert named in answer.text


async def test_staff_departure_and_withdrawal_follow_the_rules_and_publish_no_reason(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    enrolment = api.enrolment
    urn = await enrolled_school(api, COHORT)
    member = (await enrolment.register_staff(urn, _staff(starts_on="2026-09-01"))).json()

    too_early = await enrolment.record_departure(urn, member["staff_id"], {"left_on": "2026-08-31"})
    left = await enrolment.record_departure(urn, member["staff_id"], {"left_on": "2026-12-19"})
    again = await enrolment.record_departure(urn, member["staff_id"], {"left_on": "2026-12-20"})
    withdrawn = await enrolment.withdraw_school(urn, "Head's private matter")
    withdrawn_again = await enrolment.withdraw_school(urn, "again")
    async with WRITTEN.unchanged(db, js):
        late_joiner = await enrolment.register_staff(urn, _staff())

        assert (too_early.status_code, "left_on" in too_early.text) == (422, True)
        assert (left.status_code, left.json()["left_on"]) == (200, "2026-12-19")
        assert again.status_code == 409
        assert (withdrawn.status_code, withdrawn.json()["status"]) == (200, "withdrawn")
        assert withdrawn_again.status_code == 409
        assert (late_joiner.status_code, "withdrawn" in late_joiner.text) == (409, True)

    async def withdrawal_published() -> list[bytes]:
        messages = await stream_messages(js, "RSP_ENROLMENT", "rsp.enrolment.school.withdrawn.v1")
        return [data for _, data in messages if json.loads(data)["urn"] == urn]

    [event] = await eventually(withdrawal_published)
    assert b"private" not in event


async def test_erasure_command_empties_names_of_long_ended_schools_and_keeps_the_figures(
    local_stack: LocalStack, stack_dir: Path, api: Platform, db: asyncpg.Pool
) -> None:
    enrolment = api.enrolment
    ended, active = await enrolled_school(api, COHORT), await enrolled_school(api, COHORT)
    members = {}
    for urn in (ended, active):
        members[urn] = (await enrolment.register_staff(urn, _staff())).json()
        await learning_knows_staff(api, urn, members[urn]["staff_id"])
        completion = {"staff_id": members[urn]["staff_id"], "urn": urn, "module_number": 1}
        assert (await api.learning.record_completion(completion)).status_code == 201
    # A school enrolled from a GIAS extract keeps its headteacher's name on its record: erased the same way.
    from_gias = next_urn()
    extract = (
        "URN,LA (name),EstablishmentName,TypeOfEstablishment (name),EstablishmentStatus (name),"
        "PhaseOfEducation (name),HeadTitle (name),HeadFirstName,HeadLastName\r\n"
        f"{from_gias},Oxfordshire,Gias School {from_gias},Community school,Open,Primary,Mr,Ada,Lovelace\r\n"
    ).encode("cp1252")
    assert (await enrolment.import_gias_extract(COHORT, extract)).status_code == 200
    assert (await enrolment.school(from_gias)).json()["headteacher_name"] == "Mr Ada Lovelace"
    for urn in (ended, from_gias):
        assert (await enrolment.withdraw_school(urn, "closed")).status_code == 200
    # The schools left 400 days ago: move their end dates back rather than wait.
    await db.execute(
        "UPDATE enrolment.school_enrolments SET ended_on = ended_on - 400 WHERE urn = ANY($1::text[])",
        [ended, from_gias],
    )

    env = {k: v for k, v in os.environ.items() if not k.startswith("RSP_")}
    env |= {"RSP_DATA_DIR": str(stack_dir), "RSP_JWT_SECRET": local_stack.settings.require_jwt_secret()}
    command = await asyncio.to_thread(
        subprocess.run,
        [RSP, "erase-personal-data", "--keep-days", "365"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert command.returncode == 0, command.stderr
    assert ended in command.stdout
    staff = {urn: (await enrolment.staff(urn)).json() for urn in (ended, active)}
    [erased] = staff[ended]
    assert (erased["staff_id"], erased["role"], erased["name"], erased["email"]) == (
        members[ended]["staff_id"], "teacher", None, None,
    )  # fmt: skip
    assert staff[active][0]["name"] == "Ada Lovelace"
    assert (await enrolment.school(from_gias)).json()["headteacher_name"] is None
    progress = (await api.reporting.progress(ended)).json()
    assert progress["modules"]["module_completions"] == 1


async def test_no_staff_name_or_email_reaches_events_search_attributes_logs_or_traces(
    local_stack: LocalStack, stack_dir: Path, api: Platform, js: JetStreamContext, temporal: Client
) -> None:
    urn = await enrolled_school(api, COHORT)
    school_token = local_stack.token(Role.SCHOOL, "probe-school", (urn,))
    school = {"Authorization": f"Bearer {school_token}"}
    member = await api.enrolment.register_staff(
        urn, {"name": PROBE_NAME, "email": PROBE_EMAIL, "role": "teacher"}, headers=school
    )
    assert member.status_code == 201
    staff_id = member.json()["staff_id"]
    await learning_knows_staff(api, urn, staff_id)
    trace_id = secrets.token_hex(16)
    for module in (1, 2, 3):
        completion = {"staff_id": staff_id, "urn": urn, "module_number": module}
        traced = {**school, "traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01"}
        answer = await api.learning.record_completion(completion, headers=traced)
        assert answer.status_code == 201
    # A school enrolled from a GIAS extract naming the probe as its headteacher, traced too.
    head_urn = next_urn()
    extract = (
        "URN,LA (name),EstablishmentName,TypeOfEstablishment (name),EstablishmentStatus (name),"
        "PhaseOfEducation (name),HeadTitle (name),HeadFirstName,HeadLastName\r\n"
        f"{head_urn},Oxfordshire,Probe School {head_urn},Community school,Open,Primary,Dr,Zebedee,Quillfeather\r\n"
    ).encode("cp1252")
    traced = {"traceparent": f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-01"}
    assert (await api.enrolment.import_gias_extract(COHORT, extract, headers=traced)).status_code == 200

    async def last_projection_traced() -> bool:
        # Reporting's spans for the last completion are on disk: everything before them is too.
        path = stack_dir / "traces" / "reporting.jsonl"
        return (
            path.exists()
            and f"0x{trace_id}" in path.read_text(encoding="utf-8")
            and (await api.reporting.progress(urn)).json()["modules"]["module_completions"] == 3
        )

    await eventually(last_projection_traced, within=30)

    leaks: list[str] = []
    for stream in ("RSP_ENROLMENT", "RSP_LEARNING", "RSP_CIRCLES", "RSP_REPORTING", "RSP_JOURNEY", "RSP_DEAD_LETTER"):
        for headers, data in await stream_messages(js, stream):
            leaks += [f"stream {stream}" for text in (json.dumps(headers), data.decode()) if _mentions_probe(text)]
    for path in [*(stack_dir / "logs").glob("*.log"), *(stack_dir / "traces").glob("*.jsonl")]:
        if _mentions_probe(path.read_text(encoding="utf-8", errors="replace")):
            leaks.append(str(path.relative_to(stack_dir)))
    for journey in (urn, head_urn):
        handle = temporal.get_workflow_handle(journey_id(COHORT, journey))

        async def started(handle: WorkflowHandle[Any, Any] = handle) -> WorkflowExecutionDescription | None:
            try:
                return await handle.describe()
            except RPCError:  # the journey of the school just imported may not have started yet
                return None

        description = await eventually(started)
        if _mentions_probe(repr(description.typed_search_attributes)):
            leaks.append("search attributes")
        history = await handle.fetch_history()
        if _mentions_probe(history.to_json()):
            leaks.append("workflow history")

    assert leaks == []
    # The scan can see: the name is where it belongs.
    staff = (await api.enrolment.staff(urn)).json()
    assert any(_mentions_probe(json.dumps(m)) for m in staff)
    assert _mentions_probe((await api.enrolment.school(head_urn)).text)


def _mentions_probe(text: str) -> bool:
    lowered = text.lower()
    return "quillfeather" in lowered or "zebedee" in lowered
