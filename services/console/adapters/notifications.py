"""Delivering a sign-in link by email, through the notifications service when one is configured."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx

from runtime.auth import Role, mint_token
from runtime.errors import PlatformError

__all__ = ["NotificationsInvitations"]


class NotificationsInvitations:
    """POSTs `{notifications}/sign-in-invitations` as the console's own programme-admin service identity."""

    def __init__(self, http: httpx.AsyncClient, url: str, jwt_secret: str) -> None:
        self._http = http
        self._url = url.rstrip("/")
        self._secret = jwt_secret

    async def send(self, email: str, sign_in_url: str, expires_at: datetime, role: Role, key: str) -> None:
        token = mint_token(self._secret, Role.PROGRAMME_ADMIN, "console", (), timedelta(minutes=5))
        answer = await self._http.post(
            f"{self._url}/sign-in-invitations",
            json={"email": email, "sign_in_url": sign_in_url, "expires_at": expires_at.isoformat(), "role": role.value},
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key},
        )
        if answer.status_code not in (200, 201, 202):
            # The status only: the answer could echo the address or the link.
            raise PlatformError(f"notifications did not take the invitation ({answer.status_code})")
