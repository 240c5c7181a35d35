"""A stand-in for GOV.UK Notify's API (the real one cannot be reached from here), speaking as Notify does.

It checks each request's JWT as Notify does (HS256, `iss` the service id, `iat` within 30 seconds, signed with the
API key's secret), answers `POST /v2/notifications/email` with 201 and Notify's body, or with 429 and Notify's
rate-limit error for as many requests as a test asks, answers `GET /v2/notifications?reference=` with what it
holds, and words delivery receipts as Notify's callbacks carry them.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from notifications_python_client.authentication import decode_jwt_token, get_token_issuer
from notifications_python_client.errors import TokenError

from tests.support import eventually

__all__ = ["NotifyStandIn", "running_notify"]

SERVICE_ID = "9d1f6a3e-4b2c-4e8a-9f10-2c3d4e5f6a7b"
SECRET = "b7e2c1d0-5a4f-4e3d-8c2b-1a0f9e8d7c6b"
API_KEY = f"rsp_test-{SERVICE_ID}-{SECRET}"
TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"


def _error(status: int, error: str, message: str) -> JSONResponse:
    return JSONResponse({"errors": [{"error": error, "message": message}], "status_code": status}, status_code=status)


@dataclass
class NotifyStandIn:
    """What the stand-in was sent, and how it should answer next."""

    accepted: list[dict[str, Any]] = field(default_factory=list)
    refused_with_429: int = 0
    answer_429_times: int = 0
    bad_tokens: int = 0
    base_url: str = ""

    def app(self) -> FastAPI:
        app = FastAPI()

        def authorised(request: Request) -> bool:
            header = request.headers.get("Authorization", "")
            try:
                decode_jwt_token(header.removeprefix("Bearer "), SECRET)  # type: ignore[no-untyped-call]
            except TokenError:
                self.bad_tokens += 1
                return False
            issuer = get_token_issuer(header.removeprefix("Bearer "))  # type: ignore[no-untyped-call]
            return bool(issuer == SERVICE_ID)

        @app.post("/v2/notifications/email")
        async def send_email(request: Request) -> JSONResponse:
            if not authorised(request):
                return _error(403, "AuthError", "Invalid token: signature, api token not found")
            if self.answer_429_times > 0:
                self.answer_429_times -= 1
                self.refused_with_429 += 1
                message = "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds"
                return _error(429, "RateLimitError", message)
            body = await request.json()
            if "@" not in body.get("email_address", "") or body.get("template_id") != TEMPLATE_ID:
                return _error(400, "ValidationError", "email_address Not a valid email address")
            notification = {
                "id": str(uuid.uuid4()),
                "reference": body.get("reference"),
                "email_address": body["email_address"],
                "personalisation": body.get("personalisation", {}),
                "created_at": datetime.now(UTC).isoformat(),
                "status": "created",
            }
            self.accepted.append(notification)
            answer = {
                "id": notification["id"],
                "reference": notification["reference"],
                "content": {
                    "subject": body.get("personalisation", {}).get("subject", ""),
                    "body": body.get("personalisation", {}).get("body", ""),
                    "from_email": "programme@notifications.service.gov.uk",
                },
                "uri": f"{self.base_url}/v2/notifications/{notification['id']}",
                "template": {"id": TEMPLATE_ID, "version": 1, "uri": f"{self.base_url}/v2/template/{TEMPLATE_ID}"},
            }
            return JSONResponse(answer, status_code=201)

        @app.get("/v2/notifications")
        async def find(request: Request) -> JSONResponse:
            if not authorised(request):
                return _error(403, "AuthError", "Invalid token")
            reference = request.query_params.get("reference")
            found = [n for n in self.accepted if reference is None or n["reference"] == reference]
            return JSONResponse({"notifications": found, "links": {"current": f"{self.base_url}/v2/notifications"}})

        return app

    def receipt(self, reference: str, status: str) -> dict[str, Any]:
        """The delivery receipt Notify would POST to the service's callback URL for `reference`."""
        notification = next(n for n in self.accepted if n["reference"] == reference)
        now = datetime.now(UTC).isoformat()
        return {
            "id": notification["id"],
            "reference": reference,
            "to": notification["email_address"],
            "status": status,
            "created_at": notification["created_at"],
            "completed_at": now,
            "sent_at": now,
            "notification_type": "email",
            "template_id": TEMPLATE_ID,
            "template_version": 1,
        }


@contextlib.asynccontextmanager
async def running_notify() -> AsyncIterator[NotifyStandIn]:
    stand_in = NotifyStandIn()
    config = uvicorn.Config(stand_in.app(), host="127.0.0.1", port=0, log_config=None, access_log=False)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())

    async def started() -> bool:
        return bool(server.started)

    await eventually(started, within=10, every=0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    stand_in.base_url = f"http://127.0.0.1:{port}"
    try:
        yield stand_in
    finally:
        server.should_exit = True
        await task
