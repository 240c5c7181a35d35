"""Inviting people, one-time sign-in links and sessions: the console's own use cases."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from runtime.auth import Role
from services.console.adapters.postgres import PostgresConsoleStore, SignedInSession
from services.console.domain.errors import LinkNotValid
from services.console.domain.people import Person, new_person
from services.console.domain.secrets import hash_of, new_secret

__all__ = ["Invitation", "InvitationSender", "SignIn", "invite", "open_session", "sign_in_link"]


def _now() -> datetime:
    return datetime.now(UTC)


class InvitationSender(Protocol):
    async def send(self, email: str, sign_in_url: str, expires_at: datetime, role: Role, key: str) -> None: ...


@dataclass(frozen=True)
class Invitation:
    person: Person
    sign_in_url: str
    expires_at: datetime


async def sign_in_link(
    store: PostgresConsoleStore, person: Person, base_url: str, lifetime: timedelta, now: Callable[[], datetime] = _now
) -> Invitation:
    """A new one-time link for `person`; only its hash is stored."""
    secret = new_secret()
    expires_at = now() + lifetime
    await store.add_link(hash_of(secret), person.person_id, expires_at)
    return Invitation(person, f"{base_url.rstrip('/')}/sign-in/{secret}", expires_at)


async def invite(
    store: PostgresConsoleStore,
    email: str,
    role: str,
    schools: list[str],
    base_url: str,
    lifetime: timedelta,
    sender: InvitationSender | None,
    key: str,
) -> Invitation:
    """Add (or update) the person and make a link; email it when notifications are configured."""
    person = await store.invite(new_person(email, role, schools))
    invitation = await sign_in_link(store, person, base_url, lifetime)
    if sender is not None:
        await sender.send(person.email, invitation.sign_in_url, invitation.expires_at, person.role, key)
    return invitation


@dataclass(frozen=True)
class SignIn:
    cookie: str
    expires_at: datetime


async def open_session(store: PostgresConsoleStore, link_secret: str, lifetime: timedelta) -> SignIn:
    """Spend the link and open a session; `LinkNotValid` for a link unknown, used or expired."""
    now = _now()
    cookie, expires_at = new_secret(), now + lifetime
    if not await store.use_link(hash_of(link_secret), now, hash_of(cookie), new_secret(), expires_at):
        raise LinkNotValid()
    await store.forget_expired(now)
    return SignIn(cookie, expires_at)


async def session_of(store: PostgresConsoleStore, cookie: str | None) -> SignedInSession | None:
    if not cookie:
        return None
    return await store.session(hash_of(cookie), _now())


async def sign_out(store: PostgresConsoleStore, cookie: str | None) -> None:
    if cookie:
        await store.end_session(hash_of(cookie))
