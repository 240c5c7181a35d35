"""NATS users for the local stack: one per process, allowed only its own subjects and its own consumers.

Generated at every start from `contracts.subscriptions`, so permissions follow the code: a process may publish
on its own stream's subjects and its dead letters, and use the JetStream API only for the durable consumers it
reads through. Everything is delivered to it on its own inbox prefix (`_INBOX_<process>`), so it subscribes to
nothing else, and it cannot create streams: the set-up step (`runtime.setup`) does, as the operator.

Compose and Kubernetes get the same users from the same code, with each password an environment variable of the
server instead of a value: `python -m runtime.local.nats_users` prints the configuration committed as
deploy/nats/nats-server.conf, and `--helm` the users block of deploy/helm/nats-values.yaml (a unit test checks
both are current).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from contracts import stream_for
from contracts.subscriptions import CONSUMES, PRODUCES, durable_name
from runtime.broker import inbox_prefix

__all__ = [
    "DEPLOY_CONFIG",
    "OPERATOR",
    "NatsUser",
    "deploy_server_config",
    "helm_users",
    "password_variable",
    "permissions_for",
    "user_entries",
    "write_server_config",
]

OPERATOR = "operator"
_BASE_CONFIG = Path(__file__).parent / "nats.conf"
# The server configuration Compose mounts (rendered by `python -m runtime.local.nats_users`, committed).
DEPLOY_CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "nats" / "nats-server.conf"
# What every process needs to find the platform's streams at start-up; only the set-up step creates them.
_STREAM_LOOKUP = ["$JS.API.INFO", "$JS.API.STREAM.NAMES", "$JS.API.STREAM.INFO.*"]


@dataclass(frozen=True)
class NatsUser:
    name: str
    password: str

    def url(self, host: str, port: int) -> str:
        return f"nats://{self.name}:{self.password}@{host}:{port}"


def permissions_for(process: str) -> dict[str, Any]:
    publish = list(_STREAM_LOOKUP)
    if process in PRODUCES:
        publish.append(f"{PRODUCES[process]}.>")
    consumed = CONSUMES.get(process, ())
    if consumed:
        publish.append(f"rsp.dead_letter.{process}")
    for event in consumed:
        stream, durable = stream_for(event.subject).name, durable_name(process, event)
        publish += [
            f"$JS.API.CONSUMER.INFO.{stream}.{durable}",
            f"$JS.API.CONSUMER.CREATE.{stream}.{durable}",
            f"$JS.API.CONSUMER.CREATE.{stream}.{durable}.>",
            f"$JS.API.CONSUMER.DURABLE.CREATE.{stream}.{durable}",
            f"$JS.API.CONSUMER.MSG.NEXT.{stream}.{durable}",
            f"$JS.ACK.{stream}.{durable}.>",
        ]
    # Replies and JetStream deliveries reach a process under its own inbox prefix, so no process can read what
    # was delivered to another's consumers.
    return {"publish": {"allow": publish}, "subscribe": {"allow": [f"{inbox_prefix(process)}.>"]}}


def user_entries(processes: tuple[str, ...], password: Callable[[str], str]) -> list[dict[str, Any]]:
    """The `authorization.users` entries: one per process with its permissions, then the unrestricted operator."""
    return [
        {"user": name, "password": password(name)}
        | ({} if name == OPERATOR else {"permissions": permissions_for(name)})
        for name in (*processes, OPERATOR)
    ]


def password_variable(user: str) -> str:
    """The environment variable that holds `user`'s password where a server is deployed (Compose, Kubernetes)."""
    return f"RSP_NATS_PASSWORD_{user.upper()}"


def deploy_server_config(processes: tuple[str, ...]) -> str:
    """The server configuration for Compose: the project's nats.conf plus every user, each password a reference
    to the server's environment (`password: $RSP_NATS_PASSWORD_ENROLMENT`), so the file holds no secret."""
    marker = "$rsp-variable:"
    entries = user_entries(processes, lambda name: marker + password_variable(name))
    users = re.sub(rf'"{re.escape(marker)}([A-Z_]+)"', r"$\1", json.dumps(entries, indent=2))
    header = (
        "# Generated from runtime/local/nats.conf and contracts/subscriptions.py by\n"
        "#   python -m runtime.local.nats_users > deploy/nats/nats-server.conf\n"
        "# Do not edit: tests/unit/test_deployment_files.py checks this file equals the rendering. Each password is\n"
        "# an environment variable of the server (RSP_NATS_PASSWORD_<USER>); none is written here.\n\n"
    )
    text = _BASE_CONFIG.read_text(encoding="utf-8")
    return f"{header}{text}\nauthorization {{\n  users = {users}\n}}\n"


def helm_users(processes: tuple[str, ...]) -> list[dict[str, Any]]:
    """The same users for the official NATS chart's `config.merge.authorization.users` (chart 1.x), whose
    `<< $VAR >>` form writes an unquoted environment reference into the server's configuration."""
    return user_entries(processes, lambda name: f"<< ${password_variable(name)} >>")


def write_server_config(path: Path, processes: tuple[str, ...]) -> dict[str, NatsUser]:
    """Write the server configuration (the project's nats.conf plus users) and return each one's credentials.

    `OPERATOR` is unrestricted: for the stack's own checks, the tests and an operator's tools.
    """
    users = {name: NatsUser(name, secrets.token_urlsafe(24)) for name in (*processes, OPERATOR)}
    entries = user_entries(processes, lambda name: users[name].password)
    text = _BASE_CONFIG.read_text(encoding="utf-8")
    text += "\n# Generated by the local stack at start-up from contracts/subscriptions.py.\n"
    text += f"authorization {{\n  users = {json.dumps(entries, indent=2)}\n}}\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    # The file holds passwords: owner-only from the moment it exists.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(text)
    return users


def main(arguments: list[str]) -> None:
    """Print the deployed server configuration, or with `--helm` the NATS chart's users block (YAML)."""
    # Here, not at the top: the stack imports this module.
    from runtime.local.stack import PLATFORM_PROCESSES

    processes = tuple(name for name, _ in PLATFORM_PROCESSES)
    if arguments == ["--helm"]:
        block = {"config": {"merge": {"authorization": {"users": helm_users(processes)}}}}
        sys.stdout.write(yaml.safe_dump(block, sort_keys=False, width=120))
    elif not arguments:
        sys.stdout.write(deploy_server_config(processes))
    else:
        raise SystemExit("usage: python -m runtime.local.nats_users [--helm]")


if __name__ == "__main__":
    main(sys.argv[1:])
