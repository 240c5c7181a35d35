"""The console's `rsp` command: print a one-time sign-in link for someone (until notifications email them)."""

from __future__ import annotations

import argparse
import sys

import httpx

from runtime.auth import Role
from runtime.commands import Command, admin_token, running_stack
from runtime.settings import Settings
from services.console.settings import ConsoleSettings

__all__ = ["CONSOLE_INVITE", "sign_in_link"]


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--email",
        default=None,
        help="their work email address, kept only in the console (default: the programme team's own account, "
        "RSP_CONSOLE_ADMIN_EMAIL)",
    )
    parser.add_argument(
        "--role",
        choices=[Role.PROGRAMME_ADMIN.value, Role.FACILITATOR.value, Role.SCHOOL.value],
        default=Role.PROGRAMME_ADMIN.value,
    )
    parser.add_argument("--urn", action="append", default=[], help="a school of theirs (repeat for a facilitator)")


def sign_in_link(console_url: str, token: str, email: str, role: str, urns: list[str]) -> tuple[int, str]:
    """(0, the link) or (1, why not): the console's API invites the person and answers with the link."""
    answer = httpx.post(
        f"{console_url}/api/sign-in-links",
        json={"email": email, "role": role, "urns": urns},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    if answer.status_code != 201:
        return 1, f"the console refused ({answer.status_code}): {answer.json().get('detail', answer.text)}"
    body = answer.json()
    return 0, f"{body['sign_in_url']}   (works once, until {body['expires_at'][:16].replace('T', ' ')} UTC)"


def _console_invite(args: argparse.Namespace) -> int:
    settings = Settings()
    endpoints = running_stack(settings)
    email = args.email or ConsoleSettings().console_admin_email
    code, said = sign_in_link(endpoints.url("console"), admin_token(settings), email, args.role, args.urn)
    print(said, file=sys.stderr if code else sys.stdout, flush=True)
    return code


CONSOLE_INVITE = Command(
    "invite someone to the console (or again) and print their one-time sign-in link", _console_invite, _arguments
)
