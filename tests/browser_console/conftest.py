"""One Chromium for the whole session (Playwright drives Debian's package: no browser download)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, async_playwright

from runtime.local.endpoints import Endpoints
from tests.browser import CHROMIUM_MISSING, chromium_binary


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    binary = chromium_binary()
    if binary is None:
        pytest.skip(CHROMIUM_MISSING)
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=binary, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
        )
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def context(browser: Browser) -> AsyncIterator[BrowserContext]:
    """A fresh profile per test (no cookies from another person); axe-core is injected past the console's CSP."""
    fresh = await browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    try:
        yield fresh
    finally:
        await fresh.close()


@pytest.fixture(scope="session")
def console_url(stack: Endpoints) -> str:
    return stack.url("console")


@pytest.fixture(scope="session")
async def programme_tools(admin_token: str) -> AsyncIterator[httpx.AsyncClient]:
    """The programme team's tools (what `rsp console-invite` calls), for sign-in links."""
    async with httpx.AsyncClient(timeout=10, headers={"Authorization": f"Bearer {admin_token}"}) as client:
        yield client
