"""Each service's `/docs` works with no network: Swagger UI comes from an installed package, not a CDN."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import httpx
import pytest

from runtime.local.endpoints import Endpoints
from tests.browser import Chromium
from tests.support import eventually

SERVICES = ("enrolment", "learning", "circles", "reporting")


@pytest.mark.parametrize("page_path", ["/docs", "/redoc"])
@pytest.mark.parametrize("service", SERVICES)
async def test_docs_page_loads_only_assets_the_service_itself_serves(
    stack: Endpoints, http: httpx.AsyncClient, service: str, page_path: str
) -> None:
    base = stack.url(service)
    page = await http.get(f"{base}{page_path}")

    assert page.status_code == 200
    assets = re.findall(r"""(?:src|href)=['"]([^'"]+)['"]""", page.text)
    assert assets
    assert all(asset.startswith("/") for asset in assets), assets
    for asset in assets:
        assert (await http.get(f"{base}{asset}")).status_code == 200, asset


@pytest.mark.parametrize("service", SERVICES)
async def test_docs_show_the_operations_in_a_browser_with_no_network(
    stack: Endpoints, stack_dir: Path, service: str, chromium: str
) -> None:
    with Chromium(chromium, offline=True) as browser:
        await asyncio.to_thread(browser.open, f"{stack.url(service)}/docs")

        async def operations_shown() -> int | None:
            count = await asyncio.to_thread(browser.evaluate, "document.querySelectorAll('.opblock').length")
            return int(count) if count else None

        shown = await eventually(operations_shown, within=30)
        picture = await asyncio.to_thread(browser.screenshot)

    (stack_dir / "screenshots").mkdir(exist_ok=True)
    (stack_dir / "screenshots" / f"{service}-docs.png").write_bytes(picture)
    assert shown >= 3
    assert picture.startswith(b"\x89PNG")
