"""What each service's OpenAPI document says about the edge every service shares, so it tells the truth.

- **Errors**: every 4xx answer has one shape, `Error`: `detail`, a sentence a person can read, and for invalid
  input `errors`, each problem by where it is (`loc`) and what is wrong (`msg`, `type`), never the value sent.
  Each operation lists the codes the edge can give it: 401 and 403 where a token is needed, 404, 422 and 400;
  writes also 409 (a clash, or an `Idempotency-Key` in use) and 413 (a body over the limit).
- **Security**: operations that need a token say so with the bearer scheme (from `runtime.auth.Authenticator`).
- **Idempotency-Key**: the optional header on every write, with the rules `runtime.idempotency` enforces.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, Field

__all__ = ["Error", "FieldProblem", "document_the_edge"]

_WRITES = frozenset({"post", "put", "patch", "delete"})


class FieldProblem(BaseModel):
    """One thing wrong with the input, by where it is."""

    loc: list[str | int] = Field(description="Where: `body`, `query` or `path`, then the field's path")
    msg: str = Field(description="What is wrong with it")
    type: str = Field(description="A short code for the kind of problem")


class Error(BaseModel):
    """Every error answer of every service."""

    detail: str = Field(description="What went wrong, for a person to read")
    errors: list[FieldProblem] = Field(default_factory=list, description="For invalid input: each problem")


_ANSWERS = {
    "400": "The request cannot be read as this operation's input",
    "401": "No valid bearer token",
    "403": "The token's role may not do this",
    "404": "Not found, or not the caller's to see",
    "409": "It clashes with what is recorded (or a request with this Idempotency-Key is still running)",
    "413": "The body is larger than the service reads",
    "422": "The input cannot be true (each problem named in `errors`)",
}

_KEY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": (
        "Any unique string (a UUID is usual), 1 to 255 visible ASCII characters. A request repeated with the same "
        "key and body gets the first answer again (with `Idempotent-Replayed: true`) and writes nothing twice; "
        "the same key with a different request is refused with 422. Keys are kept for a day."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
}


def _error_answers(operation: dict[str, Any], method: str) -> None:
    codes = ["400", "404", "422"]
    if operation.get("security"):
        codes += ["401", "403"]
    if method in _WRITES:
        codes += ["409", "413"]
    responses = operation.setdefault("responses", {})
    for code in sorted(codes):
        responses[code] = {
            "description": _ANSWERS[code],
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }


def document_the_edge(app: FastAPI) -> None:
    """Rewrite `app`'s OpenAPI document once, on first use, to say what the shared edge does."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = build()
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            for name in ("HTTPValidationError", "ValidationError"):
                schemas.pop(name, None)
            schemas.update(
                {
                    "Error": Error.model_json_schema(ref_template="#/components/schemas/{model}"),
                    "FieldProblem": FieldProblem.model_json_schema(),
                }
            )
            schemas["Error"].pop("$defs", None)
            for operations in document.get("paths", {}).values():
                for method, operation in operations.items():
                    if method in _WRITES:
                        operation.setdefault("parameters", []).append(dict(_KEY_PARAMETER))
                    _error_answers(operation, method)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
