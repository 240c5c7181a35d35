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
from pydantic import BaseModel, ConfigDict, Field, model_validator

from runtime.auth import Authenticator, Principal
from services.learning.domain.errors import MalformedStatement
from services.learning.domain.xapi import StoredStatement, account_key, mbox_key, parse_statements
from services.learning.entrypoints.authorisation import POLICY
from services.learning.service_layer.unit_of_work import LearningUnitOfWork
from services.learning.service_layer.xapi_handlers import map_actor, receive_statements

__all__ = ["UNMATCHED_HEADER", "XAPI_VERSION", "build_xapi_router"]

XAPI_VERSION = "1.0.3"
UNMATCHED_HEADER = "RSP-Unmatched-Statements"
_VERSION_HEADER = "X-Experience-API-Version"


class Account(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    home_page: str = Field(alias="homePage", min_length=1, description="The learning platform's home page IRI")
    name: str = Field(min_length=1, description="The learner's id on that platform")


class ActorMapping(BaseModel):
    """Which staff member an xAPI actor is. Give `mbox_sha1sum` (SHA-1 of `mailto:<email>`) or `account`."""

    model_config = ConfigDict(extra="forbid")

    staff_id: UUID = Field(description="The staff member's id from enrolment")
    mbox_sha1sum: str | None = Field(
        default=None, pattern=r"^[0-9a-fA-F]{40}$", description="SHA-1 hex of the actor's `mailto:` IRI"
    )
    account: Account | None = Field(default=None, description="The actor's account on the learning platform")

    @model_validator(mode="after")
    def _one_identifier(self) -> ActorMapping:
        if (self.mbox_sha1sum is None) == (self.account is None):
            raise ValueError("give exactly one of mbox_sha1sum and account")
        return self

    def actor_key(self) -> str:
        if self.mbox_sha1sum is not None:
            return mbox_key(self.mbox_sha1sum)
        assert self.account is not None
        return account_key(self.account.home_page, self.account.name)


class ActorMapped(BaseModel):
    staff_id: UUID
    statements_now_counted: int = Field(description="Statements that waited for this actor and now count")


class UnmatchedStatement(BaseModel):
    statement_id: UUID
    verb_id: str
    object_id: str
    module_number: int | None
    timestamp: datetime
    outcome: str = Field(
        description="unknown_actor: no staff mapped to the actor; refused: the staff member's "
        "learning does not count (see reason)"
    )
    reason: str

    @classmethod
    def of(cls, statement: StoredStatement) -> UnmatchedStatement:
        return cls(
            statement_id=statement.statement_id,
            verb_id=statement.verb_id,
            object_id=statement.object_id,
            module_number=statement.module_number,
            timestamp=statement.timestamp,
            outcome=statement.outcome,
            reason=statement.reason or "no staff member is mapped to this actor (POST /xapi/actors)",
        )


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
        async with unit_of_work() as uow:
            return [UnmatchedStatement.of(s) for s in await uow.statements.unmatched()]

    return router
