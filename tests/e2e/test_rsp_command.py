"""`rsp up` as an operator runs it: demo data, endpoints.json, `rsp status`, Ctrl-C, and a restart that keeps data."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from temporalio.client import Client

from runtime.auth import Role, mint_token
from runtime.local.endpoints import Endpoints
from runtime.local.signing_key import load_or_create_signing_key
from services.enrolment.entrypoints.demo import DEMO_COHORT, DEMO_SCHOOLS
from tests.clients import platform_as
from tests.support import eventually

RSP = str(Path(sys.executable).parent / "rsp")


def _environment(data_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("RSP_")}
    env["RSP_DATA_DIR"] = str(data_dir)
    # Ports the kernel picks: this stack runs beside the test session's own stack.
    for name in ("ENROLMENT", "LEARNING", "CIRCLES", "REPORTING", "NATS", "NATS_MONITOR", "TEMPORAL", "TEMPORAL_UI"):
        env[f"RSP_{name}_PORT"] = "0"
    return env


class RunningStack:
    def __init__(self, data_dir: Path, *args: str) -> None:
        self.data_dir = data_dir
        self.log = (data_dir / "rsp-up.out").open("ab")
        self.process = subprocess.Popen(
            [RSP, "up", *args], env=_environment(data_dir), stdout=self.log, stderr=subprocess.STDOUT
        )

    async def endpoints(self) -> Endpoints:
        async def written() -> Endpoints | None:
            assert self.process.poll() is None, (self.data_dir / "rsp-up.out").read_text()
            return Endpoints.read(self.data_dir)

        return await eventually(written, within=120, every=0.5)

    def interrupt(self) -> int:
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=60)
        self.log.close()
        return code


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path
    # Whatever happened, leave nothing running.
    subprocess.run(["pkill", "-f", str(tmp_path)], check=False)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie awaiting its parent is gone for our purposes.
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "zombie" not in status.read_text()


async def test_rsp_up_runs_the_demo_stops_cleanly_and_finds_its_data_again(data_dir: Path) -> None:
    first = RunningStack(data_dir, "--demo")
    endpoints = await first.endpoints()
    admin_token = mint_token(load_or_create_signing_key(data_dir), Role.PROGRAMME_ADMIN, "t")
    async with platform_as(endpoints, admin_token) as api:

        async def demo_cohort_enrolled() -> bool:
            answer = await api.enrolment.cohort(DEMO_COHORT["cohort_id"])
            return answer.status_code == 200 and len(answer.json()["schools"]) == len(DEMO_SCHOOLS)

        await eventually(demo_cohort_enrolled, within=60)
        status = await asyncio.to_thread(
            subprocess.run, [RSP, "status"], env=_environment(data_dir), capture_output=True, text=True, check=False
        )
        assert status.returncode == 0, status.stdout
        assert endpoints.dashboard in status.stdout

    pids = endpoints.pids
    assert set(pids) >= {"nats", "temporal", "enrolment", "learning", "circles", "reporting", "worker", "bridge"}
    assert first.interrupt() == 0
    assert [name for name, pid in pids.items() if _alive(pid)] == []
    assert not (data_dir / "endpoints.json").exists()

    second = RunningStack(data_dir)
    try:
        endpoints = await second.endpoints()
        # The signing key was kept: a token from the first run still works.
        async with platform_as(endpoints, admin_token) as api:
            urn = DEMO_SCHOOLS[0][0]
            answer = await api.enrolment.school(urn)
            assert answer.status_code == 200
            assert answer.json()["cohort_id"] == DEMO_COHORT["cohort_id"]
        temporal = await Client.connect(endpoints.temporal_address)
        journeys = [w.id async for w in temporal.list_workflows(f'Urn = "{urn}"')]
        assert journeys == [f"journey-{DEMO_COHORT['cohort_id']}-{urn}"]
    finally:
        assert second.interrupt() == 0
