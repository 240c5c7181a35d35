"""Bearer tokens and the access policy, without any server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from runtime.auth import Authenticator, Policy, Principal, Role, mint_token, read_token
from runtime.errors import Forbidden, NotFound, Unauthenticated

KEY = "k" * 48


def test_token_carries_role_and_schools() -> None:
    principal = read_token(KEY, mint_token(KEY, Role.FACILITATOR, "f-1", ["123456", "654321"]))

    assert principal == Principal("f-1", Role.FACILITATOR, frozenset({"123456", "654321"}))


@pytest.mark.parametrize(
    ("token", "message"),
    [
        (mint_token("another key" * 4, Role.PROGRAMME_ADMIN, "a"), "not valid"),
        (mint_token(KEY, Role.VIEWER, "v", now=datetime.now(UTC) - timedelta(days=1)), "expired"),
        ("not-a-token", "not valid"),
        (jwt.encode({"iss": "rsp", "sub": "x", "role": "root", "iat": 1, "exp": 4102444800}, KEY), "no known role"),
        (jwt.encode({"iss": "rsp", "sub": "x", "role": "school", "iat": 1, "exp": 4102444800}, KEY), "exactly one"),
        (jwt.encode({"iss": "other", "sub": "x", "role": "viewer", "iat": 1, "exp": 4102444800}, KEY), "not valid"),
        (jwt.encode({"iss": "rsp", "sub": "x", "role": "viewer", "iat": 1}, KEY), "not valid"),
    ],
    ids=["wrong key", "expired", "garbage", "unknown role", "school without urn", "foreign issuer", "no expiry"],
)
def test_bad_tokens_are_refused_saying_why(token: str, message: str) -> None:
    with pytest.raises(Unauthenticated, match=message):
        read_token(KEY, token)


def test_school_token_names_exactly_one_school() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        mint_token(KEY, Role.SCHOOL, "s", ["123456", "654321"])


class Hidden(NotFound):
    def __init__(self, urn: str) -> None:
        super().__init__(f"school {urn} not found")


POLICY = Policy(
    {"read": frozenset(Role), "write": frozenset({Role.PROGRAMME_ADMIN, Role.SCHOOL})}, hidden_school=Hidden
)


def test_role_without_the_action_is_forbidden() -> None:
    with pytest.raises(Forbidden, match="viewer may not write"):
        POLICY.check(Principal("v", Role.VIEWER, frozenset()), "write")


def test_school_outside_reach_answers_like_a_missing_one() -> None:
    school = Principal("s", Role.SCHOOL, frozenset({"123456"}))

    POLICY.check(school, "write", "123456")
    with pytest.raises(Hidden, match="school 654321 not found"):
        POLICY.check(school, "write", "654321")


def test_admin_and_viewer_reach_every_school_facilitator_only_assigned() -> None:
    assert POLICY.schools_in_reach(Principal("a", Role.PROGRAMME_ADMIN, frozenset())) is None
    assert POLICY.schools_in_reach(Principal("v", Role.VIEWER, frozenset())) is None
    facilitator = Principal("f", Role.FACILITATOR, frozenset({"123456"}))
    assert POLICY.schools_in_reach(facilitator) == frozenset({"123456"})


def test_a_token_read_before_is_refused_once_it_has_expired(monkeypatch: pytest.MonkeyPatch) -> None:
    # Issued 8 hours less a minute ago: valid for one more minute.
    issued = datetime.now(UTC) - timedelta(hours=8) + timedelta(minutes=1)
    token = mint_token(KEY, Role.VIEWER, "v", now=issued)
    authenticate = Authenticator(KEY)
    assert authenticate.principal_of(token) == Principal("v", Role.VIEWER, frozenset())
    later = (issued + timedelta(hours=8, seconds=1)).timestamp()
    monkeypatch.setattr("runtime.auth.time.time", lambda: later)
    # PyJWT reads the clock through datetime: a token past its expiry is refused when it is checked again.
    monkeypatch.setattr("runtime.auth.jwt.decode", _expired)

    with pytest.raises(Unauthenticated, match="expired"):
        authenticate.principal_of(token)


def _expired(*_: object, **__: object) -> dict[str, object]:
    raise jwt.ExpiredSignatureError("Signature has expired")


def test_a_bad_token_is_refused_every_time_it_is_sent() -> None:
    authenticate = Authenticator(KEY)
    forged = mint_token("another key" * 4, Role.PROGRAMME_ADMIN, "a")

    for _ in range(2):
        with pytest.raises(Unauthenticated, match="not valid"):
            authenticate.principal_of(forged)
