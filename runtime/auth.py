"""Who is calling: signed bearer tokens (JWT, HS256) carrying a role and, for school users, their school.

Roles: `programme_admin` (the local authority's team: everything), `facilitator` (the schools assigned in the
token), `school` (its own school only), `viewer` (commissioners: aggregate figures only), `service` (another
platform process, allowed only what a policy names for it). Each service states in
one `Policy` which roles may do what; a school outside the caller's reach answers exactly as a missing one does.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from contracts.identifiers import URN_PATTERN
from runtime.errors import Forbidden, PlatformError, Unauthenticated

__all__ = ["SESSION_COOKIE", "Authenticator", "Policy", "Principal", "Role", "mint_token", "read_token"]

_URN = re.compile(URN_PATTERN)
_ALGORITHM = "HS256"
_TOKENS_KEPT = 10_000
_ISSUER = "rsp"
# Browsers cannot send a bearer header when opening a page; the dashboard keeps the token in this cookie.
SESSION_COOKIE = "rsp_token"


class Role(StrEnum):
    PROGRAMME_ADMIN = "programme_admin"
    FACILITATOR = "facilitator"
    SCHOOL = "school"
    VIEWER = "viewer"
    # Another platform process calling on its own behalf (notifications asking enrolment for an address).
    SERVICE = "service"


@dataclass(frozen=True)
class Principal:
    """The caller, as its token says."""

    subject: str
    role: Role
    schools: frozenset[str]


def mint_token(
    secret: str,
    role: Role,
    subject: str,
    schools: Iterable[str] = (),
    lifetime: timedelta = timedelta(hours=8),
    now: datetime | None = None,
) -> str:
    issued = now or datetime.now(UTC)
    urns = sorted(set(schools))
    if role is Role.SCHOOL and len(urns) != 1:
        raise ValueError("a school token names exactly one school")
    claims = {
        "iss": _ISSUER,
        "sub": subject,
        "role": role.value,
        "schools": urns,
        "iat": issued,
        "exp": issued + lifetime,
    }
    return jwt.encode(claims, secret, algorithm=_ALGORITHM)


def read_token(secret: str, token: str) -> Principal:
    """The principal of a valid token; `Unauthenticated` saying what is wrong otherwise."""
    return _verified(secret, token)[0]


def _verified(secret: str, token: str) -> tuple[Principal, float]:
    """`read_token`, and when the token expires (seconds since the epoch)."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[_ALGORITHM], issuer=_ISSUER, options={"require": ["exp", "iat", "sub"]}
        )
    except jwt.ExpiredSignatureError:
        raise Unauthenticated("the bearer token has expired") from None
    except jwt.InvalidTokenError as bad:
        raise Unauthenticated(f"the bearer token is not valid: {bad}") from None
    try:
        role = Role(str(claims.get("role")))
    except ValueError:
        raise Unauthenticated("the bearer token carries no known role") from None
    schools = claims.get("schools", [])
    if not isinstance(schools, list) or not all(isinstance(u, str) for u in schools):
        raise Unauthenticated("the bearer token's schools are not a list of URNs")
    if role is Role.SCHOOL and len(schools) != 1:
        raise Unauthenticated("a school token must name exactly one school")
    if not all(_URN.match(urn) for urn in schools):
        raise Unauthenticated("the bearer token's schools are not all six-digit URNs")
    return Principal(subject=str(claims["sub"]), role=role, schools=frozenset(schools)), float(claims["exp"])


class Authenticator:
    """FastAPI dependency: the caller's `Principal`, from `Authorization: Bearer` or the dashboard cookie."""

    scheme = HTTPBearer(auto_error=False, description="A token from `rsp token` (or printed by `rsp up`)")

    def __init__(self, secret: str, *, accept_cookie: bool = False) -> None:
        self._secret = secret
        # Tokens already verified, until they expire: a client sends the same token with every request, and
        # checking its signature again each time was a measured share of a service's CPU at load.
        self._verified: dict[str, tuple[Principal, float]] = {}
        # Only pages a browser opens take the cookie; APIs that write never do, so no other site can ride it.
        self._accept_cookie = accept_cookie

    def with_cookie(self) -> Authenticator:
        return Authenticator(self._secret, accept_cookie=True)

    def principal_of(self, token: str) -> Principal:
        known = self._verified.get(token)
        if known is not None and time.time() < known[1]:
            return known[0]
        principal, expires = _verified(self._secret, token)
        if len(self._verified) >= _TOKENS_KEPT:
            self._verified.clear()
        self._verified[token] = (principal, expires)
        return principal

    async def __call__(
        self,
        request: Request,
        # Declared as a dependency so each operation's OpenAPI entry says it needs the bearer token.
        credentials: HTTPAuthorizationCredentials | None = Depends(scheme),  # noqa: B008
    ) -> Principal:
        token = credentials.credentials if credentials is not None else None
        if token is None and self._accept_cookie:
            token = request.cookies.get(SESSION_COOKIE)
        if not token:
            raise Unauthenticated("a bearer token is required (Authorization: Bearer <token>)")
        return self.principal_of(token)


class Policy:
    """One service's rules: which roles may take each action, and how an out-of-reach school answers."""

    def __init__(self, allowed: Mapping[str, frozenset[Role]], hidden_school: Callable[[str], PlatformError]) -> None:
        self._allowed = allowed
        self._hidden_school = hidden_school

    def allows(self, principal: Principal, action: str) -> bool:
        """Whether the principal's role may take `action` at all (for what a page shows, not whether it opens)."""
        return principal.role in self._allowed[action]

    def check(self, principal: Principal, action: str, urn: str | None = None) -> None:
        if principal.role not in self._allowed[action]:
            raise Forbidden(f"role {principal.role.value} may not {action.replace('_', ' ')}")
        reach = self.schools_in_reach(principal)
        if urn is not None and reach is not None and urn not in reach:
            # The same answer as for a school that does not exist: no one learns what is not theirs.
            raise self._hidden_school(urn)

    def schools_in_reach(self, principal: Principal) -> frozenset[str] | None:
        """None for roles that see every school (in aggregate or in full), else the URNs they may see."""
        if principal.role in (Role.PROGRAMME_ADMIN, Role.VIEWER, Role.SERVICE):
            return None
        return principal.schools
