"""Session fixtures: the real local stack (Postgres, NATS, Temporal and the platform's processes), started once."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import asyncpg
import httpx
import nats
import pytest
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from temporalio.client import Client

from runtime.local.endpoints import Endpoints
from runtime.local.stack import LocalStack, isolated_settings
from tests.browser import CHROMIUM_MISSING, chromium_binary
from tests.clients import Platform


def pytest_unconfigure(config: pytest.Config) -> None:
    """A service built in the test process (the API document tests build each) points the root logger at the
    stdout pytest captured, which pytest closes as it ends. The embedded Postgres's exit handler logs after that,
    and printed a "Logging error" traceback under every run's result. The session is over, so its handlers go."""
    logging.getLogger().handlers.clear()


@pytest.fixture(scope="session")
def stack_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("stack")


@pytest.fixture(scope="session")
async def local_stack(stack_dir: Path) -> AsyncIterator[LocalStack]:
    # Back-dated journeys (the demo's) wait 30 s, not the default two minutes, for their history to stop arriving:
    # the demo sends a school's history within seconds, and the suite need not idle for the difference.
    settings = isolated_settings(stack_dir).model_copy(update={"journey_catch_up_quiet_seconds": 30})
    local = LocalStack(settings, echo=None)
    await local.start()
    try:
        yield local
    finally:
        await local.stop()


@pytest.fixture(scope="session")
def stack(local_stack: LocalStack) -> Endpoints:
    assert local_stack.endpoints is not None
    return local_stack.endpoints


@pytest.fixture(scope="session")
def mint(local_stack: LocalStack) -> Callable[..., str]:
    """Tokens signed with the test stack's key: `mint(Role.SCHOOL, schools=("123456",))`."""
    return local_stack.token


@pytest.fixture(scope="session")
def admin_token(local_stack: LocalStack) -> str:
    return local_stack.token()


@pytest.fixture(scope="session")
async def http(admin_token: str) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client acting as the programme team (a programme_admin token)."""
    headers = {"Authorization": f"Bearer {admin_token}"}
    async with httpx.AsyncClient(timeout=10, headers=headers, limits=httpx.Limits(keepalive_expiry=2)) as client:
        yield client


@pytest.fixture(scope="session")
def api(http: httpx.AsyncClient, stack: Endpoints) -> Platform:
    """The four services' APIs, called as the programme team."""
    return Platform.over(http, stack)


@pytest.fixture(scope="session")
async def nats_client(local_stack: LocalStack) -> AsyncIterator[NatsClient]:
    """Connected as the stack's unrestricted operator user (each platform process has a restricted one)."""
    assert local_stack.nats_operator_url is not None
    client = await nats.connect(local_stack.nats_operator_url)
    try:
        yield client
    finally:
        await client.close()


@pytest.fixture(scope="session")
def js(nats_client: NatsClient) -> JetStreamContext:
    return nats_client.jetstream()


@pytest.fixture(scope="session")
async def temporal(stack: Endpoints) -> Client:
    from temporalio.contrib.pydantic import pydantic_data_converter

    return await Client.connect(
        stack.temporal_address, namespace=stack.temporal_namespace, data_converter=pydantic_data_converter
    )


@pytest.fixture(scope="session")
async def db(stack: Endpoints) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(stack.postgres_dsn, min_size=1, max_size=4)
    assert pool is not None
    try:
        yield pool
    finally:
        await pool.close()


@pytest.fixture
def chromium() -> str:
    """The headless browser's binary; a test that needs one is skipped, saying so, where it is not installed."""
    binary = chromium_binary()
    if binary is None:
        pytest.skip(CHROMIUM_MISSING)
    return binary
