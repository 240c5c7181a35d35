"""Learning's xAPI endpoints: statements from learning platforms, actors mapped to staff, unmatched statements.

`POST /xapi/statements` follows xAPI 1.0.3's Statement resource: one statement or an array, answered with the
ids of the stored statements in order (ids are generated for statements that came without one). Statements about
a module whose actor is not mapped to a registered staff member are stored, named in the answer's
`RSP-Unmatched-Statements` header and listed by `GET /xapi/unmatched` until their actor is mapped.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.responses import JSONResponse

from runtime.auth import Authenticator, Principal
from services.learning.domain.errors import MalformedStatement
from services.learning.domain.xapi import parse_statements
from services.learning.entrypoints.authorisation import POLICY
from services.learning.entrypoints.views.xapi import ActorMapped, ActorMapping, UnmatchedStatement
from services.learning.service_layer import queries
from services.learning.service_layer.unit_of_work import LearningUnitOfWork
from services.learning.service_layer.xapi import map_actor, receive_statements

__all__ = ["UNMATCHED_HEADER", "XAPI_VERSION", "build_xapi_router"]

XAPI_VERSION = "1.0.3"
UNMATCHED_HEADER = "RSP-Unmatched-Statements"
_VERSION_HEADER = "X-Experience-API-Version"


_STATEMENTS_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        {"type": "object", "description": "One xAPI 1.0.3 statement"},
                        {"type": "array", "items": {"type": "object"}, "description": "A batch of statements"},
                    ]
                }
            }
        },
    },
    "parameters": [
        {"name": _VERSION_HEADER, "in": "header", "required": True, "schema": {"type": "string", "example": "1.0.3"}}
    ],
}


def build_xapi_router(
    unit_of_work: Callable[[], LearningUnitOfWork], authenticate: Authenticator, activities: Mapping[str, int]
) -> APIRouter:
    router = APIRouter(prefix="/xapi", tags=["xapi"])
    caller_of = Depends(authenticate)

    @router.post(
        "/statements",
        summary="Store xAPI statements (one or an array); answers the stored statement ids",
        openapi_extra=_STATEMENTS_BODY,
        response_model=list[UUID],
    )
    async def store_statements(request: Request, caller: Principal = caller_of) -> Response:
        POLICY.check(caller, "receive_xapi_statements")
        version = request.headers.get(_VERSION_HEADER, "")
        if not version.startswith("1.0"):
            raise MalformedStatement(f"the {_VERSION_HEADER} header must name version 1.0.x (e.g. {XAPI_VERSION})")
        try:
            payload: Any = json.loads(await request.body())
        except ValueError:
            raise MalformedStatement("the body is not valid JSON") from None
        now = datetime.now(UTC)
        statements = await receive_statements(unit_of_work(), parse_statements(payload, now), activities, now)
        unmatched = [str(s.statement_id) for s in statements if s.unmatched]
        headers = {_VERSION_HEADER: XAPI_VERSION}
        if unmatched:
            headers[UNMATCHED_HEADER] = ",".join(unmatched)
        return JSONResponse([str(s.statement_id) for s in statements], headers=headers)

    @router.post(
        "/actors",
        status_code=status.HTTP_201_CREATED,
        summary="Map an xAPI actor to a registered staff member",
        responses={200: {"description": "Already mapped to this staff member: nothing changed"}},
    )
    async def map_xapi_actor(body: ActorMapping, response: Response, caller: Principal = caller_of) -> ActorMapped:
        POLICY.check(caller, "map_xapi_actor")
        is_new, counted = await map_actor(unit_of_work(), body.actor_key(), body.staff_id)
        if not is_new:
            response.status_code = status.HTTP_200_OK
        return ActorMapped(staff_id=body.staff_id, statements_now_counted=counted)

    @router.get("/unmatched", summary="Statements about modules that did not count yet, and why")
    async def unmatched_statements(caller: Principal = caller_of) -> list[UnmatchedStatement]:
        POLICY.check(caller, "read_unmatched_statements")
        return [UnmatchedStatement.of(s) for s in await queries.unmatched_statements(unit_of_work())]

    return router
