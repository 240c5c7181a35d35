"""Reporting's `rsp` subcommand: rebuild the read models from the streams while the service keeps serving."""

from __future__ import annotations

import argparse
import asyncio
import json

from runtime.commands import Command, running_stack
from runtime.database_roles import dsn_for_role, role_name
from runtime.local.endpoints import Endpoints
from runtime.local.nats_users import OPERATOR
from runtime.settings import Settings
from services.reporting.rebuild import rebuild_reporting

__all__ = ["REBUILD_REPORTING"]


def _local_operator_url(settings: Settings, endpoints: Endpoints) -> str:
    """The running local stack's unrestricted NATS user (the stack writes it, owner-only, into its server config)."""
    config = (settings.data_dir.resolve() / "run" / "nats-server.conf").read_text(encoding="utf-8")
    users = json.loads(config.split("users = ", 1)[1].rsplit("}", 1)[0])
    operator = next(user for user in users if user["user"] == OPERATOR)
    return endpoints.nats_url.replace("nats://", f"nats://{operator['user']}:{operator['password']}@", 1)


def _rebuild(_: argparse.Namespace) -> int:
    """Uses RSP_POSTGRES_DSN (reporting's role) and RSP_NATS_URL (a user that may read every stream) when set;
    otherwise the running local stack's."""
    settings = Settings()
    postgres_dsn, nats_url = settings.postgres_dsn, settings.nats_url
    if postgres_dsn is None or nats_url is None:
        endpoints = running_stack(settings)
        postgres_dsn = postgres_dsn or dsn_for_role(endpoints.postgres_dsn, role_name("reporting"))
        nats_url = nats_url or _local_operator_url(settings, endpoints)
    print(asyncio.run(rebuild_reporting(postgres_dsn, nats_url)).summary())
    return 0


REBUILD_REPORTING = Command("replay the event streams into fresh reporting read models and swap them in", _rebuild)
