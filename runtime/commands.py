"""Subcommands of `rsp` that the services provide: `rsp` only finds and dispatches them.

A service declares its commands as entry points in the `rsp.commands` group (pyproject.toml), each a `Command`,
so the use case lives with the service that owns it and runtime/ never imports a service.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import entry_points

from runtime.auth import Role, mint_token
from runtime.errors import ConfigurationError
from runtime.local.endpoints import Endpoints
from runtime.local.nats_users import OPERATOR
from runtime.local.signing_key import with_signing_key
from runtime.settings import Settings

__all__ = ["Command", "admin_token", "no_arguments", "operator_nats_url", "running_stack", "service_commands"]

GROUP = "rsp.commands"


def no_arguments(_: argparse.ArgumentParser) -> None:
    """For a command that takes no options."""


@dataclass(frozen=True)
class Command:
    """One `rsp` subcommand: its help line, its options, and what it does (returns the exit code)."""

    help: str
    run: Callable[[argparse.Namespace], int]
    arguments: Callable[[argparse.ArgumentParser], None] = field(default=no_arguments)


def service_commands() -> dict[str, Command]:
    """Every command the installed services declare, by name."""
    commands: dict[str, Command] = {}
    for entry in entry_points(group=GROUP):
        command = entry.load()
        if not isinstance(command, Command):
            raise ConfigurationError(f"entry point {entry.name} = {entry.value} is not an rsp Command")
        commands[entry.name] = command
    return commands


def running_stack(settings: Settings) -> Endpoints:
    """Where the running local stack is, or a ConfigurationError saying how to start one."""
    endpoints = Endpoints.read(settings.data_dir.resolve())
    if endpoints is None:
        raise ConfigurationError(f"no stack is running from {settings.data_dir.resolve()} (start one with `./rsp up`)")
    return endpoints


def operator_nats_url(settings: Settings) -> str:
    """RSP_NATS_URL when set; otherwise the running local stack's unrestricted NATS user (the stack writes it,
    owner-only, into its server configuration)."""
    if settings.nats_url:
        return settings.nats_url
    endpoints = running_stack(settings)
    config = (settings.data_dir.resolve() / "run" / "nats-server.conf").read_text(encoding="utf-8")
    users = json.loads(config.split("users = ", 1)[1].rsplit("}", 1)[0])
    operator = next(user for user in users if user["user"] == OPERATOR)
    return endpoints.nats_url.replace("nats://", f"nats://{operator['user']}:{operator['password']}@", 1)


def admin_token(settings: Settings, subject: str = "rsp-cli") -> str:
    """A programme admin token signed with the local stack's key (or RSP_JWT_SECRET)."""
    return mint_token(with_signing_key(settings).require_jwt_secret(), Role.PROGRAMME_ADMIN, subject)
