"""`rsp verify` finds every copy in step with its owner, and names a copy that is not."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

from nats.js import JetStreamContext
from temporalio.client import Client

from contracts import ModuleCompleted
from runtime.local.stack import LocalStack
from tests.clients import Platform, expect
from tests.support import enrolled_learner, ensure_cohort, eventually
from tests.support_events import publish_event
from workflows.journey.lifecycle import NOT_YET_REGISTERED
from workflows.verify import journey_progress

RSP = str(Path(sys.executable).parent / "rsp")
COHORT = "e2e-verify"


async def _rsp_verify(local_stack: LocalStack, stack_dir: Path, urn: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RSP_")}
    env |= {"RSP_DATA_DIR": str(stack_dir), "RSP_JWT_SECRET": local_stack.settings.require_jwt_secret()}
    return await asyncio.to_thread(
        subprocess.run, [RSP, "verify", "--urn", urn], env=env, capture_output=True, text=True, timeout=120
    )


async def _settled(api: Platform, temporal: Client, urn: str, staff_id: str, completions: int) -> None:
    """Reporting and the journey hold `completions`, and the journey knows `staff_id` as registered: the
    registration reaches it on enrolment's stream, and may come after the completions on learning's."""

    async def everywhere() -> bool:
        reported = expect(await api.reporting.progress(urn))["modules"]["module_completions"]
        journey = await journey_progress(temporal, COHORT, urn)
        if journey is None or staff_id not in journey.staff or journey.staff[staff_id].role == NOT_YET_REGISTERED:
            return False
        return reported == completions and journey.module_completions() == completions

    await eventually(everywhere, within=60)


async def test_verify_finds_copies_in_step_then_names_the_completion_only_the_copies_hold(
    local_stack: LocalStack, stack_dir: Path, api: Platform, js: JetStreamContext, temporal: Client
) -> None:
    await ensure_cohort(api, COHORT)
    urn, staff_id = await enrolled_learner(api, COHORT)
    for module in (1, 2, 3):
        completion = {"staff_id": staff_id, "urn": urn, "module_number": module}
        expect(await api.learning.record_completion(completion), 201)
    await _settled(api, temporal, urn, staff_id, 3)

    in_step = await _rsp_verify(local_stack, stack_dir, urn)

    assert in_step.returncode == 0, in_step.stdout + in_step.stderr
    assert "checked 1 active schools: 0 differences" in in_step.stdout

    # A completion learning never recorded, published straight onto its stream: every copy takes it.
    stray = ModuleCompleted(
        completion_id=uuid.uuid4(),
        staff_id=uuid.UUID(staff_id),
        urn=urn,
        cohort_id=COHORT,
        module_number=9,
        completed_at=datetime.now(UTC),
    )
    await publish_event(js, stray)
    await _settled(api, temporal, urn, staff_id, 4)

    out_of_step = await _rsp_verify(local_stack, stack_dir, urn)

    assert out_of_step.returncode == 1
    assert f"{urn}  module completions learning ≠ reporting: 3 ≠ 4" in out_of_step.stdout
    assert f"learning ≠ journey: missing 0 []; unexpected 1 ['{stray.completion_id}']" in out_of_step.stdout
