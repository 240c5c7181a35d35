"""The other services' HTTP APIs, called as the signed-in person with a short-lived token minted for them.

The console owns no programme data: every page reads through here and every form writes through here, so each
rule the services enforce (roles, a school's reach, validation) holds in the console as it does over the API.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from datetime import timedelta
from typing import Any

import httpx

from runtime.auth import mint_token
from runtime.errors import Forbidden, Invalid, PlatformError
from services.console.domain.errors import PageNotFound
from services.console.domain.people import Person

__all__ = ["ApiRefused", "PersonApi", "PlatformApi", "unless_missing"]

# Long enough for one page's calls; a leaked token is soon worthless.
_TOKEN_LIFETIME = timedelta(minutes=5)


class ApiRefused(Invalid):
    """A service refused a write (422, or 409 for a clash with what is recorded): its message, the fields named."""

    def __init__(self, message: str, fields: dict[str, str]) -> None:
        super().__init__(message)
        self.fields = fields


def _refusal(answer: httpx.Response) -> PlatformError:
    try:
        body = answer.json()
    except ValueError:
        body = {}
    detail = str(body.get("detail") or answer.text or answer.reason_phrase)
    if answer.status_code == 404:
        return PageNotFound()
    if answer.status_code in (401, 403):
        return Forbidden(detail)
    # Refused as it stands (422) or as things are (409, e.g. a cohort id already taken): told at the form.
    if answer.status_code in (409, 422):
        fields = {
            str(problem["loc"][-1]): str(problem["msg"]) for problem in body.get("errors") or [] if problem.get("loc")
        }
        return ApiRefused(detail, fields)
    return PlatformError(f"the platform answered {answer.status_code}: {detail}")


async def unless_missing(call: Awaitable[Any], empty: Any = None) -> Any:
    """A report another service has not made yet (the events that make it still on their way) is empty."""
    try:
        return await call
    except PageNotFound:
        return empty


class PersonApi:
    """The services' APIs as one person (their role, their schools, their id as the token's subject)."""

    def __init__(self, http: httpx.AsyncClient, urls: Mapping[str, str], token: str) -> None:
        self._http = http
        self._urls = urls
        self._headers = {"Authorization": f"Bearer {token}"}

    async def get(self, service: str, path: str, params: Mapping[str, str] | None = None) -> Any:
        answer = await self._http.get(f"{self._urls[service]}{path}", headers=self._headers, params=params)
        if answer.status_code != 200:
            raise _refusal(answer)
        return answer.json()

    async def write(
        self,
        service: str,
        path: str,
        key: str | None,
        *,
        json: Any = None,
        content: bytes | None = None,
        method: str = "POST",
        params: Mapping[str, str] | None = None,
    ) -> Any:
        """A write with an Idempotency-Key (None only for a check that writes nothing)."""
        headers = dict(self._headers)
        if key is not None:
            headers["Idempotency-Key"] = key
        if content is not None:
            headers["Content-Type"] = "text/csv"
        answer = await self._http.request(
            method, f"{self._urls[service]}{path}", headers=headers, json=json, content=content, params=params
        )
        if answer.status_code not in (200, 201):
            raise _refusal(answer)
        return answer.json()


class PlatformApi:
    """Where the services are and the key tokens are signed with."""

    def __init__(self, http: httpx.AsyncClient, urls: Mapping[str, str], jwt_secret: str) -> None:
        self.http = http
        self.urls = urls
        self._secret = jwt_secret

    def as_person(self, person: Person) -> PersonApi:
        token = mint_token(self._secret, person.role, str(person.person_id), person.schools, _TOKEN_LIFETIME)
        return PersonApi(self.http, self.urls, token)
