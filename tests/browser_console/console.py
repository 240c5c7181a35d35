"""Driving the console in Chromium (Playwright, Debian's chromium): signing in as someone, moving with the
keyboard alone, checking each page with axe-core at WCAG 2.2 AA, and keeping a screenshot of it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Page

__all__ = [
    "AXE_TAGS",
    "SCREENSHOTS",
    "Keyboard",
    "check_page",
    "sign_in_link",
]

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOTS = ROOT / "test-artefacts" / "screenshots"


async def sign_in_link(http: httpx.AsyncClient, console_url: str, email: str, role: str, urns: list[str]) -> str:
    """A one-time link, from the console's API as the programme team's tools ask for one."""
    answer = await http.post(f"{console_url}/api/sign-in-links", json={"email": email, "role": role, "urns": urns})
    assert answer.status_code == 201, answer.text
    return str(answer.json()["sign_in_url"])


async def check_page(page: Page, name: str) -> None:
    """No axe-core violation at WCAG 2.2 AA on the page as it is now, and a screenshot of it for people."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.add_script_tag(path=str(AXE_SCRIPT))
    violations: list[dict[str, Any]] = await page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
        ".map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))",
        AXE_TAGS,
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    assert violations == [], f"{name}: {json.dumps(violations, indent=1)}"


class Keyboard:
    """Moves through a page as a keyboard user does: Tab until the wanted control has focus, then type, Space or
    Enter. A control that Tab cannot reach fails the test."""

    def __init__(self, page: Page, most_tabs: int = 150) -> None:
        self.page = page
        self._most_tabs = most_tabs

    async def focus(self, selector: str) -> None:
        for _ in range(self._most_tabs):
            if await self.page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
                return
            await self.page.keyboard.press("Tab")
        title = (await self.page.title()) or (await self.page.content())[:600]
        raise AssertionError(f"Tab never reached {selector!r} on {self.page.url} ({title!r})")

    async def type_into(self, selector: str, text: str) -> None:
        await self.focus(selector)
        await self.page.keyboard.press("Control+A")
        await self.page.keyboard.press("Delete")
        if text:
            await self.page.keyboard.type(text)

    async def press(self, selector: str, key: str = "Enter") -> None:
        await self.focus(selector)
        await self.page.keyboard.press(key)

    async def follow(self, selector: str) -> None:
        """Enter on a link or button, waiting for the page it leads to."""
        async with self.page.expect_navigation():
            await self.press(selector, "Enter")

    async def choose(self, selector: str) -> None:
        """Space on a radio button or checkbox."""
        await self.press(selector, " ")

    async def radio(self, name: str, position: int) -> None:
        """A radio button by its position in its group (from 0): Tab reaches the group, arrows move and select."""
        await self.focus(f"input[type=radio][name={name}]")
        if position == 0:
            await self.page.keyboard.press(" ")
        for _ in range(position):
            await self.page.keyboard.press("ArrowDown")

    async def choose_option(self, selector: str, text: str) -> None:
        """A select's option by typing its first letters, as keyboard users do."""
        await self.focus(selector)
        await self.page.keyboard.type(text)

    async def date(self, name: str, day: int, month: int, year: int) -> None:
        await self.type_into(f"#{name}-day", str(day))
        await self.type_into(f"#{name}-month", str(month))
        await self.type_into(f"#{name}-year", str(year))

    async def upload(self, selector: str, path: Path) -> None:
        """Tab reaches the file input; the file is then given to it as the chooser would.

        Space on a focused file input opens the browser's own chooser, which is Chromium's part, not the console's:
        waiting for that dialog proved flaky in headless Chromium under load (no `filechooser` event in 30 s), so
        the test proves what is ours, that the control is reachable by keyboard and the upload then works."""
        await self.focus(selector)
        await self.page.locator(selector).set_input_files(str(path))
