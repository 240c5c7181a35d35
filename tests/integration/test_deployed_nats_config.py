"""The NATS configuration Compose runs (deploy/nats/nats-server.conf) works on a real server: each password comes
from the server's environment, the operator makes the streams, and a process gets only its own rights."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import nats
import pytest
from nats.aio.client import Client as NatsClient
from nats.errors import NoServersError
from nats.errors import TimeoutError as NatsTimeout
from nats.js.api import StreamConfig

from runtime.broker import ensure_streams, inbox_prefix
from runtime.local.nats_users import DEPLOY_CONFIG, OPERATOR, password_variable
from runtime.local.stack import PLATFORM_PROCESSES
from tests.support import eventually, violation_reported

USERS = (*(name for name, _ in PLATFORM_PROCESSES), OPERATOR)


def _password(user: str) -> str:
    return f"test-{user}-secret"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    store = tmp_path_factory.mktemp("deployed-nats")
    environment = os.environ | {password_variable(user): _password(user) for user in USERS}
    binary = Path(sys.executable).parent / "nats-server"
    process = subprocess.Popen(
        [str(binary), "-c", str(DEPLOY_CONFIG), "-js", "-sd", str(store), "-a", "127.0.0.1", "-p", str(port)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


async def _connect(port: int, user: str, password: str, errors: list[str]) -> NatsClient:
    async def remember(error: Exception) -> None:
        errors.append(str(error))

    async def attempt() -> NatsClient | None:
        try:
            return await nats.connect(
                f"nats://{user}:{password}@127.0.0.1:{port}",
                error_cb=remember,
                allow_reconnect=False,
                inbox_prefix=inbox_prefix(user) if user != OPERATOR else "_INBOX",
            )
        except (NoServersError, OSError):
            return None  # still starting

    return await eventually(attempt, within=15)


@pytest.fixture(scope="module")
async def streams_made(server: int) -> int:
    operator = await _connect(server, OPERATOR, _password(OPERATOR), [])
    try:
        await ensure_streams(operator.jetstream())
    finally:
        await operator.close()
    return server


async def test_process_finds_the_streams_the_operator_made(streams_made: int) -> None:
    errors: list[str] = []
    learning = await _connect(streams_made, "learning", _password("learning"), errors)
    try:
        info = await learning.jetstream().stream_info("RSP_LEARNING")
        assert info.config.name == "RSP_LEARNING"
        assert errors == []
    finally:
        await learning.close()


async def test_process_may_neither_make_streams_nor_read_other_inboxes(streams_made: int) -> None:
    errors: list[str] = []
    circles = await _connect(streams_made, "circles", _password("circles"), errors)
    try:
        with pytest.raises(NatsTimeout):
            await circles.jetstream(timeout=1).add_stream(StreamConfig(name="RSP_ROGUE", subjects=["rogue.>"]))
        assert await violation_reported(errors, "$JS.API.STREAM.CREATE.RSP_ROGUE")
        await circles.subscribe("_INBOX_reporting.>")
        await circles.flush()
        assert await violation_reported(errors, "_INBOX_reporting.>")
    finally:
        await circles.close()


async def test_a_password_other_than_the_environment_one_is_refused(streams_made: int) -> None:
    with pytest.raises((nats.errors.Error, OSError)):
        await asyncio.wait_for(
            nats.connect(
                f"nats://enrolment:{_password('learning')}@127.0.0.1:{streams_made}",
                allow_reconnect=False,
                max_reconnect_attempts=0,
            ),
            timeout=10,
        )
