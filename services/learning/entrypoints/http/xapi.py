"""Learning's xAPI endpoints: statements from learning platforms, actors mapped to staff, unmatched statements.

`/xapi/statements` follows xAPI 1.0.3's Statement resource. `POST` takes one statement or an array of at most
`MAX_BATCH` (more: 413), answered with the ids of the stored statements in order (ids are generated for
statements that came without one); `PUT ?statementId=` stores one statement under that id (204); `GET
?statementId=` or `?voidedStatementId=` answers a stored statement, so a forwarder can check its writes. Every
statement of a request is checked before any is stored: one refused statement (400, naming it and the property)
keeps the whole request out. Statements about a module whose actor is not mapped to a registered staff member
are stored, counted in the answer's `RSP-Unmatched-Count` header and listed by `GET /xapi/unmatched` until their
actor is mapped. Every answer under `/xapi`, errors included, carries `X-Experience-API-Version`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from runtime.auth import Authenticator, Principal
from services.learning.domain.errors import BatchTooLarge, MalformedStatement
from services.learning.domain.xapi import MAX_BATCH, StoredStatement, parse_statement_put, parse_statements
from services.learning.entrypoints.authorisation import POLICY
from services.learning.entrypoints.views.xapi import ActorMapped, ActorMapping, UnmatchedStatement
from services.learning.service_layer import queries
from services.learning.service_layer.unit_of_work import LearningUnitOfWork
from services.learning.service_layer.xapi import map_actor, receive_statements

__all__ = [
    "UNMATCHED_COUNT_HEADER",
    "UNMATCHED_HEADER",
    "UNMATCHED_LISTED_AT_MOST",
    "XAPI_VERSION",
    "XapiVersionHeader",
    "batch_too_large",
    "build_xapi_router",
]

XAPI_VERSION = "1.0.3"
UNMATCHED_HEADER = "RSP-Unmatched-Statements"
UNMATCHED_COUNT_HEADER = "RSP-Unmatched-Count"
# Kept for platforms that read the ids from the header; beyond this many the header would outgrow what HTTP
# clients accept (a 5,000-statement batch made 185 KB), so only the count and the link to the list are sent.
UNMATCHED_LISTED_AT_MOST = 20
_VERSION_HEADER = "X-Experience-API-Version"
_VERSIONS = re.compile(r"^1\.0(\.\d+)?$")
_BY_ID_PARAMETERS = frozenset({"statementId", "voidedStatementId", "attachments", "format"})

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Not xAPI 1.0.3: the message names the statement (index or id) and the property"},
}
_VERSION_PARAMETER = {
    "name": _VERSION_HEADER,
    "in": "header",
    "required": True,
    "schema": {"type": "string", "example": XAPI_VERSION},
}
_STATEMENTS_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        {"type": "object", "description": "One xAPI 1.0.3 statement"},
                        {
                            "type": "array",
                            "items": {"type": "object"},
                            "minItems": 1,
                            "maxItems": MAX_BATCH,
                            "description": f"A batch of at most {MAX_BATCH} statements, all stored or none",
                        },
                    ]
                }
            }
        },
    },
    "parameters": [_VERSION_PARAMETER],
}
_STATEMENT_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object", "description": "One xAPI 1.0.3 statement"}}},
    },
    "parameters": [_VERSION_PARAMETER],
}


class XapiVersionHeader:
    """Puts `X-Experience-API-Version` on every answer under `/xapi`, errors included, and
    `X-Experience-API-Consistent-Through` on every answer to a GET of statements, as xAPI requires. Statements
    are committed before their request is answered, so every statement stored until now can be read."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope.get("path", "")).startswith("/xapi/"):
            await self._app(scope, receive, send)
            return

        added = [(b"x-experience-api-version", XAPI_VERSION.encode())]
        if scope.get("method") in ("GET", "HEAD") and scope.get("path") == "/xapi/statements":
            added.append((b"x-experience-api-consistent-through", _xapi_time(datetime.now(UTC)).encode()))
        names = {name for name, _ in added}

        async def send_with_version(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": [*headers, *added]}
            await send(message)

        await self._app(scope, receive, send_with_version)


async def batch_too_large(_: Request, error: Exception) -> JSONResponse:
    """A batch over `MAX_BATCH` statements: 413, with the limit in the message."""
    assert isinstance(error, BatchTooLarge)
    return JSONResponse({"detail": error.message}, status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)


def _check_version(request: Request) -> None:
    if not _VERSIONS.match(request.headers.get(_VERSION_HEADER, "")):
        raise MalformedStatement(f"the {_VERSION_HEADER} header must name version 1.0.x (e.g. {XAPI_VERSION})")


async def _json_body(request: Request) -> Any:
    try:
        return json.loads(await request.body())
    except ValueError:
        raise MalformedStatement("the body is not valid JSON") from None


def _authority(request: Request, caller: Principal) -> dict[str, Any]:
    """Who vouches for the statement: the credentials it came with, as xAPI says an LRS should set it."""
    return {"objectType": "Agent", "account": {"homePage": str(request.base_url), "name": caller.subject}}


def _statement_id(value: str, name: str) -> UUID:
    if not re.fullmatch(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", value):
        raise MalformedStatement(f"{name}: must be a UUID in its standard form (8-4-4-4-12 hexadecimal digits)")
    return UUID(value)


def _xapi_time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _unmatched_headers(statements: list[StoredStatement]) -> dict[str, str]:
    unmatched = [str(s.statement_id) for s in statements if s.unmatched]
    headers = {UNMATCHED_COUNT_HEADER: str(len(unmatched))}
    if unmatched:
        headers["Link"] = '</xapi/unmatched>; rel="related"'
    if 0 < len(unmatched) <= UNMATCHED_LISTED_AT_MOST:
        headers[UNMATCHED_HEADER] = ",".join(unmatched)
    return headers


def build_xapi_router(
    unit_of_work: Callable[[], LearningUnitOfWork], authenticate: Authenticator, activities: Mapping[str, int]
) -> APIRouter:
    router = APIRouter(prefix="/xapi", tags=["xapi"])
    caller_of = Depends(authenticate)

    @router.post(
        "/statements",
        summary=f"Store xAPI statements (one or an array of at most {MAX_BATCH}); answers the stored statement ids",
        openapi_extra=_STATEMENTS_BODY,
        response_model=list[UUID],
        responses={
            **_ERRORS,
            409: {"description": "A statement id is already stored with different content"},
            413: {"description": f"More than {MAX_BATCH} statements in one request"},
        },
    )
    async def store_statements(request: Request, caller: Principal = caller_of) -> Response:
        POLICY.check(caller, "receive_xapi_statements")
        _check_version(request)
        payload = await _json_body(request)
        now = datetime.now(UTC)
        statements = parse_statements(payload, now, _authority(request, caller))
        stored = await receive_statements(unit_of_work(), statements, activities, now)
        return JSONResponse([str(s.statement_id) for s in stored], headers=_unmatched_headers(stored))

    @router.put(
        "/statements",
        status_code=status.HTTP_204_NO_CONTENT,
        summary="Store one xAPI statement under the id given (204; the same statement again is 204 too)",
        openapi_extra=_STATEMENT_BODY,
        responses={**_ERRORS, 409: {"description": "This id is already stored with a different statement"}},
    )
    async def put_statement(
        request: Request,
        caller: Principal = caller_of,
        statement_id: str | None = Query(None, alias="statementId", description="The statement's id (required)"),
    ) -> Response:
        POLICY.check(caller, "receive_xapi_statements")
        _check_version(request)
        if statement_id is None:
            raise MalformedStatement("statementId: is required (PUT stores one statement under the id given)")
        wanted = _statement_id(statement_id, "statementId")
        payload = await _json_body(request)
        now = datetime.now(UTC)
        statement = parse_statement_put(payload, wanted, now, _authority(request, caller))
        stored = await receive_statements(unit_of_work(), [statement], activities, now)
        return Response(status_code=status.HTTP_204_NO_CONTENT, headers=_unmatched_headers(stored))

    @router.get(
        "/statements",
        summary="One stored xAPI statement, by statementId or (once voided) by voidedStatementId",
        openapi_extra={"parameters": [_VERSION_PARAMETER]},
        responses={
            **_ERRORS,
            404: {"description": "No such statement (a voided one is found only by voidedStatementId)"},
        },
    )
    async def get_statement(
        request: Request,
        caller: Principal = caller_of,
        statement_id: str | None = Query(None, alias="statementId", description="A stored statement's id"),
        voided_id: str | None = Query(None, alias="voidedStatementId", description="A voided statement's id"),
    ) -> JSONResponse:
        POLICY.check(caller, "read_xapi_statements")
        _check_version(request)
        extra = sorted(set(request.query_params) - _BY_ID_PARAMETERS)
        if extra or (statement_id is None) == (voided_id is None):
            raise MalformedStatement(
                "give exactly one of statementId and voidedStatementId (with attachments or format at most); "
                "this LRS does not answer statement queries"
            )
        if request.query_params.get("format", "exact") not in ("exact", "ids", "canonical"):
            raise MalformedStatement("format: must be exact, ids or canonical")
        voided = voided_id is not None
        name = "voidedStatementId" if voided else "statementId"
        wanted = _statement_id(str(voided_id if voided else statement_id), name)
        statement = await queries.stored_statement(unit_of_work(), wanted, voided=voided)
        assert statement.document is not None
        assert statement.stored is not None
        headers = {"Last-Modified": format_datetime(statement.stored.astimezone(UTC), usegmt=True)}
        return JSONResponse({**statement.document, "stored": _xapi_time(statement.stored)}, headers=headers)

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
