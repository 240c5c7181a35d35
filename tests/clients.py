"""One small typed client per service, so the tests say what they do (`enrolment.enrol_school(...)`) and the
URLs live here.

Every method returns the `httpx.Response` untouched: the tests assert status codes and bodies themselves. A
client acts as whoever the `httpx.AsyncClient` it is given acts as (its bearer token, its cookies);
`platform_as` opens one for another caller.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from runtime.local.endpoints import Endpoints

__all__ = [
    "CirclesClient",
    "EnrolmentClient",
    "LearningClient",
    "Platform",
    "ReportingClient",
    "ServiceClient",
    "expect",
    "platform_as",
]

Headers = Mapping[str, str] | None
_CSV = {"Content-Type": "text/csv"}


def expect(answer: httpx.Response, status: int = 200) -> Any:
    """The JSON body of `answer`, which must have `status` (or the test fails showing the body)."""
    assert answer.status_code == status, answer.text
    return answer.json()


class ServiceClient:
    """One service's HTTP API at `base_url`, called through `http`."""

    def __init__(self, http: httpx.AsyncClient, base_url: str) -> None:
        self.http = http
        self.base_url = base_url

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        content: bytes | None = None,
        headers: Headers = None,
        params: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Any endpoint by its path (for tests that enumerate endpoints, such as the access-control matrix)."""
        return await self.http.request(
            method, f"{self.base_url}{path}", json=json, content=content, headers=headers, params=params
        )

    async def _get(self, path: str, params: Mapping[str, str] | None = None) -> httpx.Response:
        return await self.request("GET", path, params=params)

    async def _post(self, path: str, json: Any = None, headers: Headers = None) -> httpx.Response:
        return await self.request("POST", path, json=json, headers=headers)

    async def health(self) -> httpx.Response:
        return await self._get("/health")

    async def openapi(self) -> httpx.Response:
        return await self._get("/openapi.json")

    async def asyncapi(self) -> httpx.Response:
        return await self._get("/asyncapi.json")


class EnrolmentClient(ServiceClient):
    """Cohorts, schools and their staff."""

    async def create_cohort(self, cohort: dict[str, Any], headers: Headers = None) -> httpx.Response:
        return await self._post("/cohorts", cohort, headers)

    async def cohorts(self) -> httpx.Response:
        return await self._get("/cohorts")

    async def cohort(self, cohort_id: str) -> httpx.Response:
        return await self._get(f"/cohorts/{cohort_id}")

    async def move_leadership_day(self, cohort_id: str, number: int, body: dict[str, Any]) -> httpx.Response:
        return await self.request("PUT", f"/cohorts/{cohort_id}/leadership-days/{number}", json=body)

    async def import_gias_extract(self, cohort_id: str, extract: bytes, headers: Headers = None) -> httpx.Response:
        return await self.request(
            "POST", f"/cohorts/{cohort_id}/gias-imports", content=extract, headers={**_CSV, **(headers or {})}
        )

    async def enrol_school(self, school: dict[str, Any], headers: Headers = None) -> httpx.Response:
        return await self._post("/schools", school, headers)

    async def school(self, urn: str) -> httpx.Response:
        return await self._get(f"/schools/{urn}")

    async def withdraw_school(self, urn: str, reason: str) -> httpx.Response:
        return await self._post(f"/schools/{urn}/withdrawal", {"reason": reason})

    async def complete_school(self, urn: str) -> httpx.Response:
        return await self._post(f"/schools/{urn}/completion")

    async def change_urn(self, urn: str, body: dict[str, Any]) -> httpx.Response:
        return await self._post(f"/schools/{urn}/urn-change", body)

    async def register_staff(self, urn: str, member: dict[str, Any], headers: Headers = None) -> httpx.Response:
        return await self._post(f"/schools/{urn}/staff", member, headers)

    async def staff(self, urn: str) -> httpx.Response:
        return await self._get(f"/schools/{urn}/staff")

    async def record_departure(self, urn: str, staff_id: str, body: dict[str, Any]) -> httpx.Response:
        return await self._post(f"/schools/{urn}/staff/{staff_id}/departure", body)


class LearningClient(ServiceClient):
    """The online modules, xAPI and the face-to-face sessions."""

    async def modules(self) -> httpx.Response:
        return await self._get("/modules")

    async def record_completion(self, completion: dict[str, Any], headers: Headers = None) -> httpx.Response:
        return await self._post("/completions", completion, headers)

    async def record_start(self, start: dict[str, Any], headers: Headers = None) -> httpx.Response:
        return await self._post("/module-starts", start, headers)

    async def withdraw_completion(self, completion_id: str, body: dict[str, Any]) -> httpx.Response:
        return await self._post(f"/completions/{completion_id}/withdrawal", body)

    async def completions(self, urn: str) -> httpx.Response:
        return await self._get(f"/schools/{urn}/completions")

    async def staff_progress(self, urn: str, staff_id: str) -> httpx.Response:
        return await self._get(f"/schools/{urn}/staff/{staff_id}/progress")

    async def school_progress(self, urn: str) -> httpx.Response:
        return await self._get(f"/schools/{urn}/progress")

    async def cohort_progress(self, cohort_id: str) -> httpx.Response:
        return await self._get(f"/cohorts/{cohort_id}/progress")

    async def post_statements(
        self, statements: Any = None, *, content: bytes | None = None, headers: Headers = None
    ) -> httpx.Response:
        """xAPI statements (`statements` as JSON, or raw `content`); the caller chooses the version header."""
        return await self.request("POST", "/xapi/statements", json=statements, content=content, headers=headers)

    async def put_statement(self, statement: Any, statement_id: str, *, headers: Headers = None) -> httpx.Response:
        """`PUT /xapi/statements?statementId=`; the caller chooses the version header."""
        params = {"statementId": statement_id}
        return await self.request("PUT", "/xapi/statements", json=statement, params=params, headers=headers)

    async def get_statement(self, params: dict[str, str], *, headers: Headers = None) -> httpx.Response:
        """`GET /xapi/statements` with `statementId` or `voidedStatementId`; the caller chooses the version header."""
        return await self.request("GET", "/xapi/statements", params=params, headers=headers)

    async def map_actor(self, mapping: dict[str, Any]) -> httpx.Response:
        return await self._post("/xapi/actors", mapping)

    async def unmatched_statements(self) -> httpx.Response:
        return await self._get("/xapi/unmatched")

    async def schedule_session(self, session: dict[str, Any], headers: Headers = None) -> httpx.Response:
        return await self._post("/sessions", session, headers)

    async def move_session(self, session_id: str, held_on: str) -> httpx.Response:
        return await self._post(f"/sessions/{session_id}/move", {"held_on": held_on})

    async def cancel_session(self, session_id: str, reason: str) -> httpx.Response:
        return await self._post(f"/sessions/{session_id}/cancellation", {"reason": reason})

    async def record_attendance(self, session_id: str, attendance: dict[str, Any]) -> httpx.Response:
        return await self._post(f"/sessions/{session_id}/attendance", attendance)

    async def school_sessions(self, urn: str) -> httpx.Response:
        return await self._get(f"/schools/{urn}/sessions")


class CirclesClient(ServiceClient):
    """Reflective and practice discussion circles, and the half-terms they are counted in."""

    async def school(self, urn: str) -> httpx.Response:
        return await self._get(f"/schools/{urn}")

    async def schedule_circle(self, urn: str, circle: dict[str, Any], headers: Headers = None) -> httpx.Response:
        return await self._post(f"/schools/{urn}/circles", circle, headers)

    async def circles(self, urn: str) -> httpx.Response:
        return await self._get(f"/schools/{urn}/circles")

    async def circle(self, urn: str, circle_id: str) -> httpx.Response:
        return await self._get(f"/schools/{urn}/circles/{circle_id}")

    async def record_held(
        self, urn: str, circle_id: str, held: dict[str, Any], headers: Headers = None
    ) -> httpx.Response:
        return await self._post(f"/schools/{urn}/circles/{circle_id}/record", held, headers)

    async def cancel_circle(self, urn: str, circle_id: str) -> httpx.Response:
        return await self._post(f"/schools/{urn}/circles/{circle_id}/cancellation")

    async def reschedule_circle(self, urn: str, circle_id: str, body: dict[str, Any]) -> httpx.Response:
        return await self._post(f"/schools/{urn}/circles/{circle_id}/rescheduling", body)

    async def half_terms(self) -> httpx.Response:
        return await self._get("/half-terms")

    async def school_half_terms(self, urn: str) -> httpx.Response:
        return await self._get(f"/schools/{urn}/half-terms")

    async def cohort_half_terms(self, cohort_id: str) -> httpx.Response:
        return await self._get(f"/cohorts/{cohort_id}/half-terms")


class ReportingClient(ServiceClient):
    """Progress, impact returns, the dashboard and the live event feed."""

    async def progress(self, urn: str) -> httpx.Response:
        return await self._get(f"/schools/{urn}/progress")

    async def all_progress(self) -> httpx.Response:
        return await self._get("/progress")

    async def submit_impact_return(self, urn: str, figures: dict[str, Any], headers: Headers = None) -> httpx.Response:
        return await self._post(f"/schools/{urn}/impact/returns", figures, headers)

    async def impact(self, urn: str) -> httpx.Response:
        return await self._get(f"/schools/{urn}/impact")

    async def impact_csv(self, urn: str) -> httpx.Response:
        return await self._get(f"/schools/{urn}/impact.csv")

    async def cohort_impact(self, cohort_id: str) -> httpx.Response:
        return await self._get(f"/cohorts/{cohort_id}/impact")

    async def cohort_impact_csv(self, cohort_id: str) -> httpx.Response:
        return await self._get(f"/cohorts/{cohort_id}/impact.csv")

    async def dashboard_login(self, token: str) -> httpx.Response:
        return await self._get("/dashboard/login", {"token": token})

    def dashboard_login_url(self, token: str) -> str:
        """The link that opens the dashboard in a browser."""
        return f"{self.base_url}/dashboard/login?token={token}"

    async def dashboard(self) -> httpx.Response:
        return await self._get("/dashboard")

    async def school_dashboard(self, urn: str) -> httpx.Response:
        return await self._get(f"/dashboard/schools/{urn}")

    async def cohort_schools_csv(self, cohort_id: str) -> httpx.Response:
        return await self._get(f"/dashboard/cohorts/{cohort_id}/schools.csv")

    async def school_figures_csv(self, urn: str) -> httpx.Response:
        return await self._get(f"/dashboard/schools/{urn}/figures.csv")

    async def dashboard_script(self) -> httpx.Response:
        return await self._get("/dashboard/static/dashboard.js")

    def live_events(self, params: Mapping[str, str]) -> AbstractAsyncContextManager[httpx.Response]:
        """The live event feed as a stream of Server-Sent Events."""
        return self.http.stream("GET", f"{self.base_url}/events/live", params=params)


class NotificationsClient(ServiceClient):
    """Notifications' API."""

    async def send_sign_in_invitation(self, invitation: dict[str, Any], headers: Headers = None) -> httpx.Response:
        return await self._post("/sign-in-invitations", invitation, headers)

    async def delivery_receipt(self, receipt: dict[str, Any], bearer: str | None) -> httpx.Response:
        headers = {} if bearer is None else {"Authorization": f"Bearer {bearer}"}
        return await self.http.post(f"{self.base_url}/notify/delivery-receipts", json=receipt, headers=headers)

    async def preferences(self, staff_id: str) -> httpx.Response:
        return await self._get(f"/people/{staff_id}/preferences")

    async def set_preferences(self, staff_id: str, choices: dict[str, Any]) -> httpx.Response:
        return await self.request("PUT", f"/people/{staff_id}/preferences", json=choices)

    async def messages(self, **params: str) -> httpx.Response:
        return await self._get("/messages", params)

    async def resend(self, message_id: str) -> httpx.Response:
        return await self._post(f"/messages/{message_id}/resending")

    async def mailbox(self) -> httpx.Response:
        return await self._get("/mailbox")


@dataclass(frozen=True)
class Platform:
    """The services, called as one caller."""

    enrolment: EnrolmentClient
    learning: LearningClient
    circles: CirclesClient
    reporting: ReportingClient
    notifications: NotificationsClient

    @classmethod
    def over(cls, http: httpx.AsyncClient, endpoints: Endpoints) -> Platform:
        return cls(
            EnrolmentClient(http, endpoints.url("enrolment")),
            LearningClient(http, endpoints.url("learning")),
            CirclesClient(http, endpoints.url("circles")),
            ReportingClient(http, endpoints.url("reporting")),
            NotificationsClient(http, endpoints.url("notifications")),
        )

    @property
    def services(self) -> dict[str, ServiceClient]:
        return {"enrolment": self.enrolment, "learning": self.learning, "circles": self.circles,
                "reporting": self.reporting, "notifications": self.notifications}  # fmt: skip


@asynccontextmanager
async def platform_as(
    endpoints: Endpoints, token: str | None = None, *, seconds: float = 10, cookies: dict[str, str] | None = None
) -> AsyncIterator[Platform]:
    """The platform called with `token` as bearer (none: anonymous), or as a browser holding `cookies`."""
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(timeout=seconds, headers=headers, cookies=cookies) as http:
        yield Platform.over(http, endpoints)
