"""xAPI 1.0.3 statements from learning platforms: checking their shape and deciding what each one means.

Pure Python, no I/O. Learning never keeps an actor's email: an `mbox` is reduced at once to its `mbox_sha1sum`
(the SHA-1 of the `mailto:` IRI, as xAPI defines it) and an `account` to a SHA-256 of its home page and name, and
statements are stored without their actor, only that key. The programme team maps keys to staff ids.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Literal
from uuid import UUID, uuid4

from services.learning.domain.errors import MalformedStatement

__all__ = [
    "COMPLETED",
    "STARTED_VERBS",
    "VOIDED",
    "Outcome",
    "StoredStatement",
    "account_key",
    "mbox_key",
    "parse_statements",
]

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
# cmi5 and SCORM-style platforms say a learner began a module with one of these.
STARTED_VERBS = frozenset(
    {
        "http://adlnet.gov/expapi/verbs/launched",
        "http://adlnet.gov/expapi/verbs/initialized",
        "http://adlnet.gov/expapi/verbs/attempted",
    }
)

Outcome = Literal[
    "completion", "already_completed", "start", "voiding", "not_about_modules", "unknown_actor", "refused"
]
UNMATCHED: frozenset[str] = frozenset({"unknown_actor", "refused"})

_STATEMENT_KEYS = frozenset(
    {"id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority", "version", "attachments"}
)
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
_SHA1 = re.compile(r"^[0-9a-f]{40}$")
_IFIS = ("mbox", "mbox_sha1sum", "openid", "account")


@dataclass(frozen=True)
class StoredStatement:
    """What learning keeps of a statement: its meaning, the actor only as a key, and what it did."""

    statement_id: UUID
    fingerprint: str
    actor_key: str | None
    verb_id: str
    object_id: str
    object_type: str
    completes: bool
    timestamp: datetime
    outcome: Outcome = "not_about_modules"
    staff_id: UUID | None = None
    module_number: int | None = None
    reason: str | None = None
    voided_by: UUID | None = None

    @property
    def is_voiding(self) -> bool:
        return self.verb_id == VOIDED

    @property
    def starts(self) -> bool:
        return self.verb_id in STARTED_VERBS

    @property
    def unmatched(self) -> bool:
        return self.outcome in UNMATCHED

    def settled(
        self,
        outcome: Outcome,
        staff_id: UUID | None = None,
        module_number: int | None = None,
        reason: str | None = None,
    ) -> StoredStatement:
        return replace(self, outcome=outcome, staff_id=staff_id, module_number=module_number, reason=reason)


def mbox_key(mbox_sha1sum: str) -> str:
    return f"mbox_sha1sum:{mbox_sha1sum.lower()}"


def account_key(home_page: str, name: str) -> str:
    digest = hashlib.sha256(f"{home_page}\n{name}".encode()).hexdigest()
    return f"account:{digest}"


def _sha1_of_mbox(mbox: str) -> str:
    return hashlib.sha1(mbox.encode()).hexdigest()


def parse_statements(payload: Any, now: datetime) -> list[StoredStatement]:
    """One statement or a list of them, checked against xAPI 1.0.3; `MalformedStatement` names what is wrong."""
    single = isinstance(payload, dict)
    items = [payload] if single else payload
    if not isinstance(items, list) or not items:
        raise MalformedStatement("the body must be a statement object or a non-empty array of statements")
    parsed = [_statement(item, "statement" if single else f"statements[{i}]", now) for i, item in enumerate(items)]
    seen: set[UUID] = set()
    for statement in parsed:
        if statement.statement_id in seen:
            raise MalformedStatement(f"statement id {statement.statement_id} appears twice in one batch")
        seen.add(statement.statement_id)
    return parsed


def _statement(item: Any, where: str, now: datetime) -> StoredStatement:
    if not isinstance(item, dict):
        raise MalformedStatement(f"{where}: must be a JSON object")
    unknown = sorted(set(item) - _STATEMENT_KEYS)
    if unknown:
        raise MalformedStatement(f"{where}: unknown properties {', '.join(unknown)}")
    for required in ("actor", "verb", "object"):
        if required not in item:
            raise MalformedStatement(f"{where}.{required}: is required")
    statement_id = _uuid(item["id"], f"{where}.id") if "id" in item else uuid4()
    actor_key = _actor(item["actor"], f"{where}.actor")
    verb_id = _verb(item["verb"], f"{where}.verb")
    object_type, object_id = _object(item["object"], f"{where}.object")
    if verb_id == VOIDED and object_type != "StatementRef":
        raise MalformedStatement(f"{where}.object: a voiding statement's object must be a StatementRef")
    completion = _result(item.get("result"), f"{where}.result")
    if "context" in item:
        _context(item["context"], f"{where}.context")
    timestamp = _timestamp(item["timestamp"], f"{where}.timestamp") if "timestamp" in item else now
    # Keyed on the content as sent (minus the id an LRS adds), to tell a resend from a different statement.
    content = {key: value for key, value in item.items() if key not in ("id", "stored", "authority", "version")}
    fingerprint = hashlib.sha256(json.dumps(content, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    return StoredStatement(
        statement_id=statement_id,
        fingerprint=fingerprint,
        actor_key=actor_key,
        verb_id=verb_id,
        object_id=object_id,
        object_type=object_type,
        completes=verb_id == COMPLETED or completion is True,
        timestamp=timestamp,
    )


def _uuid(value: Any, where: str) -> UUID:
    try:
        return UUID(str(value)) if isinstance(value, str) else _fail(where, "must be a UUID string")
    except ValueError:
        raise MalformedStatement(f"{where}: must be a UUID") from None


def _fail(where: str, problem: str) -> Any:
    raise MalformedStatement(f"{where}: {problem}")


def _iri(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _IRI.match(value):
        _fail(where, "must be an IRI")
    assert isinstance(value, str)
    return value


def _object_of(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        _fail(where, "must be a JSON object")
    assert isinstance(value, dict)
    return value


def _agent_key(agent: Mapping[str, Any], where: str) -> str | None:
    """The learning key of an Agent or identified Group, None for an anonymous Group."""
    present = [ifi for ifi in _IFIS if ifi in agent]
    if len(present) > 1:
        _fail(where, f"has more than one identifier ({', '.join(present)}); xAPI allows exactly one")
    if not present:
        if agent.get("objectType") == "Group":
            return None
        _fail(where, "needs exactly one of mbox, mbox_sha1sum, openid, account")
    ifi = present[0]
    value = agent[ifi]
    if ifi == "mbox":
        if not isinstance(value, str) or not value.startswith("mailto:") or "@" not in value:
            _fail(f"{where}.mbox", "must be a mailto: IRI")
        return mbox_key(_sha1_of_mbox(value))
    if ifi == "mbox_sha1sum":
        if not isinstance(value, str) or not _SHA1.match(value.lower()):
            _fail(f"{where}.mbox_sha1sum", "must be 40 hexadecimal characters")
        return mbox_key(value)
    if ifi == "openid":
        return f"openid:{hashlib.sha256(_iri(value, f'{where}.openid').encode()).hexdigest()}"
    account = _object_of(value, f"{where}.account")
    home_page = _iri(account.get("homePage"), f"{where}.account.homePage")
    name = account.get("name")
    if not isinstance(name, str) or not name:
        _fail(f"{where}.account.name", "must be a non-empty string")
    return account_key(home_page, str(name))


def _actor(value: Any, where: str) -> str | None:
    actor = _object_of(value, where)
    kind = actor.get("objectType", "Agent")
    if kind not in ("Agent", "Group"):
        _fail(f"{where}.objectType", "must be Agent or Group")
    if kind == "Group" and "member" in actor and not isinstance(actor["member"], list):
        _fail(f"{where}.member", "must be an array of agents")
    return _agent_key(actor, where)


def _verb(value: Any, where: str) -> str:
    verb = _object_of(value, where)
    verb_id = _iri(verb.get("id"), f"{where}.id")
    if "display" in verb and not isinstance(verb["display"], dict):
        _fail(f"{where}.display", "must be a language map")
    return verb_id


def _object(value: Any, where: str) -> tuple[str, str]:
    target = _object_of(value, where)
    kind = target.get("objectType", "Activity")
    if kind == "Activity":
        activity_id = _iri(target.get("id"), f"{where}.id")
        if "definition" in target:
            _object_of(target["definition"], f"{where}.definition")
        return kind, activity_id
    if kind == "StatementRef":
        return kind, str(_uuid(target.get("id"), f"{where}.id"))
    if kind in ("Agent", "Group"):
        key = _agent_key(target, where)
        return kind, key or "anonymous-group"
    if kind == "SubStatement":
        for required in ("actor", "verb", "object"):
            if required not in target:
                _fail(f"{where}.{required}", "is required in a SubStatement")
        return kind, _verb(target["verb"], f"{where}.verb")
    return _fail(f"{where}.objectType", "must be Activity, Agent, Group, StatementRef or SubStatement")  # type: ignore[no-any-return]


def _result(value: Any, where: str) -> bool | None:
    if value is None:
        return None
    result = _object_of(value, where)
    for flag in ("completion", "success"):
        if flag in result and not isinstance(result[flag], bool):
            _fail(f"{where}.{flag}", "must be true or false")
    if "score" in result:
        score = _object_of(result["score"], f"{where}.score")
        scaled = score.get("scaled")
        if scaled is not None and (not isinstance(scaled, int | float) or not -1 <= scaled <= 1):
            _fail(f"{where}.score.scaled", "must be a number from -1 to 1")
    if "duration" in result and (not isinstance(result["duration"], str) or not result["duration"].startswith("P")):
        _fail(f"{where}.duration", "must be an ISO 8601 duration")
    completion = result.get("completion")
    return completion if isinstance(completion, bool) else None


def _context(value: Any, where: str) -> None:
    context = _object_of(value, where)
    if "registration" in context:
        _uuid(context["registration"], f"{where}.registration")
    if "contextActivities" in context:
        _object_of(context["contextActivities"], f"{where}.contextActivities")


def _timestamp(value: Any, where: str) -> datetime:
    if not isinstance(value, str):
        _fail(where, "must be an ISO 8601 date and time")
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise MalformedStatement(f"{where}: must be an ISO 8601 date and time") from None
    # xAPI says a timestamp SHOULD carry its zone; one without is read as UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
