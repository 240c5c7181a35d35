"""Each service's OpenAPI document tells the truth about the edge: who needs a token, how errors look, the key."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
from pydantic import SecretStr

from runtime.settings import Settings
from services.circles.bootstrap import build_service as circles
from services.enrolment.bootstrap import build_service as enrolment
from services.learning.bootstrap import build_service as learning
from services.reporting.bootstrap import build_service as reporting

BUILDERS = {"enrolment": enrolment, "learning": learning, "circles": circles, "reporting": reporting}
PUBLIC = frozenset({"/health", "/health/live", "/health/ready", "/asyncapi.json", "/dashboard/login"})


@cache
def _document(service: str) -> dict[str, Any]:
    settings = Settings(
        nats_url="nats://127.0.0.1:1",
        postgres_dsn="postgresql://nobody@127.0.0.1:1/none",
        jwt_secret=SecretStr("a-test-signing-key-" * 3),
    )
    _, app = BUILDERS[service](settings)
    document: dict[str, Any] = app.openapi()
    return document


def _operations(service: str) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, operations in _document(service)["paths"].items()
        for method, operation in operations.items()
    ]


@pytest.mark.parametrize("service", BUILDERS)
def test_every_operation_but_the_public_ones_declares_the_bearer_token(service: str) -> None:
    schemes = _document(service)["components"]["securitySchemes"]
    [(name, scheme)] = schemes.items()
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")

    unsecured = [
        f"{m} {p}" for p, m, op in _operations(service) if p not in PUBLIC and {name: []} not in op.get("security", [])
    ]
    assert unsecured == []


@pytest.mark.parametrize("service", BUILDERS)
def test_every_error_answer_has_the_one_error_shape(service: str) -> None:
    error = _document(service)["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"detail", "errors"}

    for path, method, operation in _operations(service):
        for code, answer in operation["responses"].items():
            if code.startswith("4"):
                schema = answer["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, f"{method} {path} {code}"
        if path not in PUBLIC:
            assert {"401", "403", "404", "422"} <= set(operation["responses"]), f"{method} {path}"


@pytest.mark.parametrize("service", BUILDERS)
def test_every_write_documents_the_idempotency_key_and_a_body_too_large(service: str) -> None:
    for path, method, operation in _operations(service):
        if method in ("post", "put", "patch", "delete"):
            names = [parameter["name"] for parameter in operation.get("parameters", [])]
            assert "Idempotency-Key" in names, f"{method} {path}"
            assert {"409", "413"} <= set(operation["responses"]), f"{method} {path}"
