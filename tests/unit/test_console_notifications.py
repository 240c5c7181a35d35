"""What the console sends the notifications service to email a sign-in link (a stand-in server, unit test)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest

from runtime.auth import Role, read_token
from runtime.errors import PlatformError
from services.console.adapters.notifications import NotificationsInvitations

SECRET = "k" * 40


async def test_an_invitation_is_posted_with_a_programme_team_token_and_its_key() -> None:
    seen: list[httpx.Request] = []

    def notifications(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(202, json={"accepted": True})

    async with httpx.AsyncClient(transport=httpx.MockTransport(notifications)) as http:
        sender = NotificationsInvitations(http, "http://notifications.test/", SECRET)
        expires = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
        await sender.send("lead@school.example.org", "http://console/sign-in/abc", expires, Role.SCHOOL, "key-1")
    [request] = seen
    assert str(request.url) == "http://notifications.test/sign-in-invitations"
    assert json.loads(request.content) == {
        "email": "lead@school.example.org",
        "sign_in_url": "http://console/sign-in/abc",
        "expires_at": "2026-12-01T09:00:00+00:00",
        "role": "school",
    }
    assert request.headers["Idempotency-Key"] == "key-1"
    caller = read_token(SECRET, request.headers["Authorization"].removeprefix("Bearer "))
    assert caller.role is Role.PROGRAMME_ADMIN


async def test_a_refused_invitation_is_an_error_that_names_neither_address_nor_link() -> None:
    async with httpx.AsyncClient(transport=httpx.MockTransport(lambda _: httpx.Response(503))) as http:
        sender = NotificationsInvitations(http, "http://n.test", SECRET)
        with pytest.raises(PlatformError) as refused:
            await sender.send(
                "lead@school.example.org", "http://console/sign-in/abc", datetime.now(UTC), Role.SCHOOL, "k"
            )
    assert "lead@" not in refused.value.message
    assert "sign-in/abc" not in refused.value.message
