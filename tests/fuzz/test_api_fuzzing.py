"""Every service's API answers fuzzed input as its OpenAPI document says: no server error, no answer outside its
schema, no undocumented status code, no wrong content type.

Schemathesis (its `run` command) generates a bounded number of examples per operation from each service's own
document and sends them with a programme admin's bearer token, on a stack of this stage's own. The two event
streams (`/events/live`, `/dashboard/live`) are left out: they answer with a stream that stays open until a
timeout, which a request-and-answer fuzzer cannot judge.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from runtime.local.endpoints import Endpoints
from runtime.local.stack import LocalStack

SCHEMATHESIS = str(Path(sys.executable).parent / "schemathesis")
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance"
STREAMS = r"^/(events|dashboard)/live$"


@pytest.mark.parametrize("service", ["enrolment", "learning", "circles", "reporting", "notifications"])
async def test_fuzzed_requests_get_only_documented_answers(
    local_stack: LocalStack, stack: Endpoints, stack_dir: Path, service: str
) -> None:
    report = stack_dir / "fuzzing" / service
    command = [
        SCHEMATHESIS, "run", f"{stack.url(service)}/openapi.json",
        "--header", f"Authorization: Bearer {local_stack.token()}",
        "--max-examples", "5",
        "--phases", "examples,coverage,fuzzing",
        "--checks", CHECKS,
        "--exclude-path-regex", STREAMS,
        "--seed", "20261126",
        "--report", "junit", "--report-dir", str(report),
        "--no-color",
    ]  # fmt: skip

    run = await asyncio.to_thread(subprocess.run, command, capture_output=True, text=True, timeout=600)

    assert run.returncode == 0, run.stdout[-8000:] + run.stderr[-2000:]
    assert " passed" in run.stdout
