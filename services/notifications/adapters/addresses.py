"""Recipients' addresses, asked of enrolment at the moment of sending and kept no longer than the send."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import httpx

from runtime.auth import Role, mint_token
from services.notifications.service_layer.routes import TryAgain

__all__ = ["EnrolmentAddressBook"]


class EnrolmentAddressBook:
    """Enrolment's `GET /schools/{urn}/staff/{staff_id}/address`, called with a service token."""

    def __init__(self, enrolment_url: str, jwt_secret: str, programme_team: str | None) -> None:
        self._secret = jwt_secret
        self._programme_team = programme_team
        self._client = httpx.AsyncClient(base_url=enrolment_url, timeout=10, limits=httpx.Limits(keepalive_expiry=2))
        self._token = ""
        self._token_until = datetime.min.replace(tzinfo=UTC)

    def _bearer(self) -> str:
        now = datetime.now(UTC)
        if now >= self._token_until:
            self._token = mint_token(self._secret, Role.SERVICE, "notifications", lifetime=timedelta(minutes=10))
            self._token_until = now + timedelta(minutes=9)
        return self._token

    def programme_team(self) -> str | None:
        return self._programme_team

    async def of_staff(self, urn: str, staff_id: UUID, today: datetime) -> str | None:
        """Their email; None when erased, gone from the school or unknown there (then nothing is sent)."""
        try:
            answer = await self._client.get(
                f"/schools/{urn}/staff/{staff_id}/address", headers={"Authorization": f"Bearer {self._bearer()}"}
            )
        except httpx.HTTPError as failure:
            raise TryAgain(f"enrolment not reachable: {type(failure).__name__}") from None
        if answer.status_code == 404:
            return None
        if answer.status_code != 200:
            raise TryAgain(f"enrolment answered {answer.status_code}")
        found = answer.json()
        left_on = found.get("left_on")
        if left_on is not None and left_on < today.date().isoformat():
            return None
        email = found.get("email")
        return email if isinstance(email, str) and email else None

    async def close(self) -> None:
        await self._client.aclose()
