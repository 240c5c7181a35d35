"""`rsp status` names every process of the stack, says where it is and whether it is up, and fails when one is not."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from pathlib import Path

from runtime.local.endpoints import Endpoints, ServiceEndpoint
from runtime.local.stack import LocalStack

RSP = str(Path(sys.executable).parent / "rsp")
EVERY_PROCESS = (
    "postgres", "nats", "temporal", "temporal-ui", "enrolment", "learning", "circles", "reporting", "worker", "bridge",
)  # fmt: skip


async def _rsp_status(data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RSP_")} | {"RSP_DATA_DIR": str(data_dir)}
    return await asyncio.to_thread(
        subprocess.run, [RSP, "status"], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _said(output: str) -> dict[str, tuple[str, str]]:
    """Each process's line: name -> (up or DOWN, where)."""
    found = {}
    for line in output.splitlines():
        parts = line.split(maxsplit=2)
        if len(parts) == 3 and parts[0] in EVERY_PROCESS and parts[1] in ("up", "DOWN"):
            found[parts[0]] = (parts[1], parts[2])
    return found


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_status_reports_every_process_of_a_running_stack_up_and_where(
    local_stack: LocalStack, stack_dir: Path, stack: Endpoints
) -> None:
    status = await _rsp_status(stack_dir)

    assert status.returncode == 0, status.stdout + status.stderr
    said = _said(status.stdout)
    assert {name: up for name, (up, _) in said.items()} == dict.fromkeys(EVERY_PROCESS, "up"), status.stdout
    assert said["postgres"][1] == stack.postgres_dsn
    assert said["temporal"][1] == stack.temporal_address
    assert said["learning"][1] == stack.url("learning")
    assert "polling task queue school-journeys" in said["worker"][1]
    assert "rsp-bridge" in said["bridge"][1]


async def test_status_of_a_stack_whose_processes_are_gone_names_each_down_and_fails(tmp_path: Path) -> None:
    gone = f"http://127.0.0.1:{_closed_port()}"
    Endpoints(
        services={name: ServiceEndpoint(url=gone, docs=f"{gone}/docs") for name in EVERY_PROCESS[4:8]},
        dashboard=f"{gone}/dashboard",
        temporal_address=f"127.0.0.1:{_closed_port()}",
        temporal_namespace="default",
        temporal_ui=gone,
        nats_url=f"nats://127.0.0.1:{_closed_port()}",
        nats_monitor=gone,
        postgres_dsn=f"postgresql://rsp@127.0.0.1:{_closed_port()}/rsp",
    ).write(tmp_path)

    status = await _rsp_status(tmp_path)

    assert status.returncode == 1, status.stdout + status.stderr
    said = _said(status.stdout)
    assert {name: up for name, (up, _) in said.items()} == dict.fromkeys(EVERY_PROCESS, "DOWN"), status.stdout
    assert f"rsp: down: {', '.join(said)}" in status.stdout
