"""Reporting's `rsp` subcommand: rebuild the read models from the streams while the service keeps serving."""

from __future__ import annotations

import argparse
import asyncio

from runtime.commands import Command, operator_nats_url, running_stack
from runtime.database_roles import dsn_for_role, role_name
from runtime.settings import Settings
from services.reporting.rebuild import rebuild_reporting

__all__ = ["REBUILD_REPORTING"]


def _rebuild(_: argparse.Namespace) -> int:
    """Uses RSP_POSTGRES_DSN (reporting's role) and RSP_NATS_URL (a user that may read every stream) when set;
    otherwise the running local stack's."""
    settings = Settings()
    postgres_dsn = settings.postgres_dsn
    if postgres_dsn is None:
        postgres_dsn = dsn_for_role(running_stack(settings).postgres_dsn, role_name("reporting"))
    print(asyncio.run(rebuild_reporting(postgres_dsn, operator_nats_url(settings))).summary())
    return 0


REBUILD_REPORTING = Command("replay the event streams into fresh reporting read models and swap them in", _rebuild)
