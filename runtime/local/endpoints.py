"""`endpoints.json`: where the running stack is, for people, scripts and tests."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, Field

__all__ = ["ENDPOINTS_FILE", "Endpoints", "ServiceEndpoint"]

ENDPOINTS_FILE = "endpoints.json"


class ServiceEndpoint(BaseModel):
    url: str = Field(description="Base URL of the service's API")
    docs: str = Field(description="Its OpenAPI documentation page")


class Endpoints(BaseModel):
    """Every address the stack chose; written while it runs and removed when it stops."""

    services: dict[str, ServiceEndpoint]
    dashboard: str
    temporal_address: str
    temporal_namespace: str
    temporal_ui: str | None
    nats_url: str
    nats_monitor: str | None
    postgres_dsn: str
    smtp: str | None = Field(default=None, description="The local mailbox's SMTP server, when the stack runs it")
    mailbox: str | None = Field(default=None, description="The page that shows the local mailbox")
    pids: dict[str, int] = Field(default_factory=dict)

    def write(self, data_dir: Path) -> Path:
        path = data_dir / ENDPOINTS_FILE
        temporary = path.with_suffix(".tmp")
        temporary.write_text(self.model_dump_json(indent=2), encoding="utf-8")
        temporary.replace(path)  # readers never see half a file
        return path

    @classmethod
    def read(cls, data_dir: Path) -> Endpoints | None:
        path = data_dir / ENDPOINTS_FILE
        if not path.exists():
            return None
        return cls.model_validate(json.loads(path.read_text(encoding="utf-8")))

    def url(self, service: str) -> str:
        return self.services[service].url
