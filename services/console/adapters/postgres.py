"""The console's own tables in Postgres: people, one-time sign-in links (hashed) and sessions (hashed)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from runtime.auth import Role
from services.console.domain.people import Person

__all__ = ["PostgresConsoleStore", "SignedInSession"]


class SignedInSession:
    """A live session: who it is and the secret its forms' CSRF tokens derive from."""

    def __init__(self, person: Person, csrf_secret: str, expires_at: datetime) -> None:
        self.person = person
        self.csrf_secret = csrf_secret
        self.expires_at = expires_at


def _person(row: asyncpg.Record) -> Person:
    return Person(row["person_id"], row["email"], Role(row["role"]), tuple(row["schools"]))


class PostgresConsoleStore:
    """Each operation is one statement or one transaction on the console's pool."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def invite(self, person: Person) -> Person:
        """The person, added; or, invited before under this email, updated to this role and these schools."""
        row = await self._pool.fetchrow(
            "INSERT INTO people (person_id, email, role, schools) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT (email) DO UPDATE SET role = excluded.role, schools = excluded.schools RETURNING *",
            person.person_id,
            person.email,
            person.role.value,
            list(person.schools),
        )
        assert row is not None
        return _person(row)

    async def add_link(self, link_hash: str, person_id: UUID, expires_at: datetime) -> None:
        await self._pool.execute(
            "INSERT INTO sign_in_links (link_hash, person_id, expires_at) VALUES ($1, $2, $3)",
            link_hash,
            person_id,
            expires_at,
        )

    async def use_link(
        self, link_hash: str, now: datetime, session_hash: str, csrf_secret: str, session_expires_at: datetime
    ) -> bool:
        """Spend a link that is unused and unexpired and open a session for its person, in one transaction;
        False (nothing written) for any other link. Two tabs racing on one link: one wins."""
        async with self._pool.acquire() as conn, conn.transaction():
            person_id = await conn.fetchval(
                "UPDATE sign_in_links SET used_at = $2 WHERE link_hash = $1 AND used_at IS NULL AND expires_at > $2 "
                "RETURNING person_id",
                link_hash,
                now,
            )
            if person_id is None:
                return False
            await conn.execute(
                "INSERT INTO sessions (session_hash, person_id, csrf_secret, expires_at) VALUES ($1, $2, $3, $4)",
                session_hash,
                person_id,
                csrf_secret,
                session_expires_at,
            )
            return True

    async def session(self, session_hash: str, now: datetime) -> SignedInSession | None:
        row = await self._pool.fetchrow(
            "SELECT p.*, s.csrf_secret, s.expires_at AS session_expires_at FROM sessions s "
            "JOIN people p USING (person_id) WHERE s.session_hash = $1 AND s.expires_at > $2",
            session_hash,
            now,
        )
        if row is None:
            return None
        return SignedInSession(_person(row), row["csrf_secret"], row["session_expires_at"])

    async def end_session(self, session_hash: str) -> None:
        await self._pool.execute("DELETE FROM sessions WHERE session_hash = $1", session_hash)

    async def forget_expired(self, now: datetime) -> None:
        await self._pool.execute("DELETE FROM sessions WHERE expires_at <= $1", now)
        await self._pool.execute("DELETE FROM sign_in_links WHERE expires_at <= $1", now)

    async def people(self) -> list[Person]:
        return [_person(row) for row in await self._pool.fetch("SELECT * FROM people ORDER BY invited_at")]
