"""`Idempotency-Key` on every write: a retried request gets the first answer and writes nothing twice.

How it holds:
- The middleware looks the key up (per caller). A finished first request is replayed as it was answered,
  status and body, with `Idempotent-Replayed: true`.
- A new key becomes a claim that the request's unit of work inserts first in the same transaction as its
  writes (`claim_key`). Two racing requests with one key cannot both commit: the second waits on the key's
  primary key, fails when the first commits, writes nothing, and then replays the first one's answer.
- After the request the answer is stored against the key. A request that wrote nothing and failed leaves no
  trace, so the caller can correct it and send it again under the same key.

Answers follow the IETF draft "The Idempotency-Key HTTP Header Field": the key reused for a different request
is 422; a first request still in flight is 409. Keys are kept `RSP_IDEMPOTENCY_KEEP_HOURS`.

A process killed between committing a request's writes and storing its answer leaves a committed claim with no
answer. Its writes happened, exactly once; only the answer was lost. A retry after `answer_lost_seconds` gets
a 200 saying so (and that answer is kept for later retries), never a refusal of a write that was applied; a
request that fails after its commit (its connection cut as it went back to the pool) keeps that 200 at once. A
process killed before its commit leaves nothing: the transaction rolls back with the claim, and a retry runs
the request afresh.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import asyncpg
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from runtime.asgi import answer, read_body, replaying
from runtime.auth import Principal
from runtime.database import AnyConnection
from runtime.errors import Conflict, PlatformError

__all__ = [
    "IDEMPOTENCY_HEADER",
    "IdempotencyKeyInUse",
    "IdempotencyMiddleware",
    "claim_key",
    "holds_unclaimed_key",
]

IDEMPOTENCY_HEADER = "Idempotency-Key"
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_MAX_KEY = 255
# How long a retry waits for a first request that is still running before it answers 409.
_WAIT_SECONDS = 10.0
_PRUNE_EVERY_SECONDS = 60.0


class IdempotencyKeyInUse(Conflict):
    """Another request with the same key committed first; this one's transaction wrote nothing."""

    def __init__(self) -> None:
        super().__init__(f"another request with this {IDEMPOTENCY_HEADER} was applied first")


@dataclass
class _Claim:
    caller: str
    key: str
    fingerprint: bytes
    recorded: bool = False
    lost_race: bool = False


_current_claim: ContextVar[_Claim | None] = ContextVar("rsp_idempotency_claim", default=None)


def holds_unclaimed_key() -> bool:
    """Whether this request's `Idempotency-Key` is still to be claimed: its writes need a transaction of their own."""
    claim = _current_claim.get()
    return claim is not None and not claim.recorded


async def claim_key(conn: AnyConnection) -> Callable[[], None] | None:
    """Called by a unit of work as its transaction begins: tie the request's key to this transaction.

    Taken first, so a racing request with the same key waits here for the first to commit (then finds the key
    used and writes nothing) or to roll back (then goes ahead). Returns what to call once the transaction has
    committed, or None when there is no key to claim.
    """
    claim = _current_claim.get()
    if claim is None or claim.recorded:
        return None
    try:
        # A savepoint, so a lost race leaves the transaction usable for the rollback that follows.
        async with conn.transaction():
            await conn.execute(
                "INSERT INTO idempotency_keys (caller, key, fingerprint) VALUES ($1, $2, $3)",
                claim.caller,
                claim.key,
                claim.fingerprint,
            )
    except asyncpg.UniqueViolationError:
        claim.lost_race = True
        raise IdempotencyKeyInUse() from None

    def committed() -> None:
        claim.recorded = True

    return committed


@dataclass(frozen=True)
class _Answer:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


@dataclass(frozen=True)
class _Stored:
    fingerprint: bytes
    answer: _Answer | None  # None while the first request is still running
    age_seconds: float


def _error(status: int, detail: str) -> _Answer:
    return _Answer(status, [(b"content-type", b"application/json")], json.dumps({"detail": detail}).encode())


_ANSWER_LOST = _Answer(
    200,
    [(b"content-type", b"application/json")],
    json.dumps(
        {
            "detail": f"the first request with this {IDEMPOTENCY_HEADER} was applied, but the service failed or "
            "stopped before answering it; nothing was applied twice. Read the resource to see the result."
        }
    ).encode(),
)


def _valid_key(key: str) -> bool:
    return 0 < len(key) <= _MAX_KEY and all("!" <= ch <= "~" for ch in key)


class IdempotencyMiddleware:
    """ASGI middleware for one service; `pool` gives its connection pool once the service has started."""

    def __init__(
        self,
        app: ASGIApp,
        pool: Callable[[], asyncpg.Pool],
        principal_of: Callable[[str], Principal],
        keep_hours: float,
        answer_lost_seconds: float = 30.0,
    ) -> None:
        self._app = app
        # A committed claim still without its answer this long after it was taken: its process died first.
        self._answer_lost_seconds = answer_lost_seconds
        self._pool = pool
        self._principal_of = principal_of
        self._keep_hours = keep_hours
        self._pruned_at = 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _WRITES:
            await self._app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        key = headers.get(IDEMPOTENCY_HEADER)
        if key is None:
            await self._app(scope, receive, send)
            return
        if not _valid_key(key):
            detail = f"{IDEMPOTENCY_HEADER} must be 1 to {_MAX_KEY} visible ASCII characters"
            await _send(send, _error(422, detail))
            return
        caller = self._caller(headers)
        if caller is None:
            # No valid token: the route answers 401 and writes nothing, so there is nothing to remember.
            await self._app(scope, receive, send)
            return
        body = await read_body(receive)
        fingerprint = _fingerprint(scope, body)
        pool = self._pool()
        await self._prune(pool)
        stored = await _lookup(pool, caller, key)
        if stored is not None:
            await _send(send, await self._replay(pool, caller, key, fingerprint, stored))
            return

        claim = _Claim(caller, key, fingerprint)
        reset = _current_claim.set(claim)
        try:
            answer = await _run(self._app, scope, replaying(body, receive))
        except BaseException:
            if claim.recorded:
                # Its writes committed: a retry must hear that they were applied. A stored 5xx would tell every
                # client to try again, and replaying it would keep a careful client retrying for ever.
                await _finish(pool, claim, _ANSWER_LOST)
            raise
        finally:
            _current_claim.reset(reset)
        if claim.lost_race:
            stored = await _lookup(pool, caller, key)
            assert stored is not None  # the winner's row is committed
            answer = await self._replay(pool, caller, key, fingerprint, stored)
        elif claim.recorded or 200 <= answer.status < 300:
            await _finish(pool, claim, answer)
        await _send(send, answer)

    def _caller(self, headers: Headers) -> str | None:
        scheme, _, token = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        try:
            principal = self._principal_of(token.strip())
        except PlatformError:
            return None
        # Keys are scoped to the caller; a digest, so the table holds no user names.
        return hashlib.sha256(f"{principal.role.value}:{principal.subject}".encode()).hexdigest()

    async def _replay(self, pool: asyncpg.Pool, caller: str, key: str, fingerprint: bytes, stored: _Stored) -> _Answer:
        if stored.fingerprint != fingerprint:
            return _error(422, f"this {IDEMPOTENCY_HEADER} was already used for a different request")
        deadline = time.monotonic() + _WAIT_SECONDS
        while stored.answer is None and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
            latest = await _lookup(pool, caller, key)
            stored = latest if latest is not None else stored
        if stored.answer is None and stored.age_seconds >= self._answer_lost_seconds:
            await _finish(pool, _Claim(caller, key, fingerprint), _ANSWER_LOST)
            stored = await _lookup(pool, caller, key) or stored
        if stored.answer is None:
            return _error(409, f"a request with this {IDEMPOTENCY_HEADER} is still being processed; retry shortly")
        answer = stored.answer
        return _Answer(answer.status, [*answer.headers, (b"idempotent-replayed", b"true")], answer.body)

    async def _prune(self, pool: asyncpg.Pool) -> None:
        now = time.monotonic()
        if now - self._pruned_at < _PRUNE_EVERY_SECONDS:
            return
        self._pruned_at = now
        await pool.execute(
            "DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => $1)",
            self._keep_hours * 3600,
        )


def _fingerprint(scope: Scope, body: bytes) -> bytes:
    digest = hashlib.sha256()
    for part in (scope["method"].encode(), scope["path"].encode(), scope.get("query_string", b""), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.digest()


async def _run(app: ASGIApp, scope: Scope, receive: Receive) -> _Answer:
    """Run the app and keep its whole answer, so it is stored before the caller can see (and retry) it."""
    status = 500
    headers: list[tuple[bytes, bytes]] = []
    chunks: list[bytes] = []

    async def keep(message: Message) -> None:
        nonlocal status, headers
        if message["type"] == "http.response.start":
            status = message["status"]
            headers = [(bytes(name), bytes(value)) for name, value in message.get("headers", [])]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, keep)
    return _Answer(status, headers, b"".join(chunks))


async def _send(send: Send, answered: _Answer) -> None:
    await answer(send, answered.status, answered.headers, answered.body)


async def _lookup(pool: asyncpg.Pool, caller: str, key: str) -> _Stored | None:
    row = await pool.fetchrow(
        "SELECT fingerprint, status_code, response_headers, response_body, "
        "extract(epoch FROM clock_timestamp() - created_at)::float8 AS age_seconds FROM idempotency_keys "
        "WHERE caller = $1 AND key = $2",
        caller,
        key,
    )
    if row is None:
        return None
    answer = None
    if row["status_code"] is not None:
        headers: list[Any] = row["response_headers"]
        answer = _Answer(
            row["status_code"],
            [(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers],
            row["response_body"],
        )
    return _Stored(bytes(row["fingerprint"]), answer, row["age_seconds"])


async def _finish(pool: asyncpg.Pool, claim: _Claim, answer: _Answer) -> None:
    kept = [
        [name.decode("latin-1"), value.decode("latin-1")]
        for name, value in answer.headers
        if name.lower() in (b"content-type", b"location")
    ]
    # A request that wrote nothing but succeeded has no claim row yet; it gets one now.
    await pool.execute(
        "INSERT INTO idempotency_keys (caller, key, fingerprint, status_code, response_headers, response_body) "
        "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (caller, key) DO UPDATE "
        "SET status_code = EXCLUDED.status_code, response_headers = EXCLUDED.response_headers, "
        "response_body = EXCLUDED.response_body WHERE idempotency_keys.status_code IS NULL",
        claim.caller,
        claim.key,
        claim.fingerprint,
        answer.status,
        kept,
        answer.body,
    )
