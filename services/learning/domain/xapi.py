"""xAPI 1.0.3 statements from learning platforms: taking them in and deciding what each one means.

Pure Python, no I/O. Every statement of a request is checked against the specification (`xapi_rules`) before any
is taken. Learning never keeps an actor's email: an `mbox` is reduced at once to its `mbox_sha1sum` (the SHA-1 of
the `mailto:` IRI, as xAPI defines it) and an `account` to a SHA-256 of its home page and name. What is kept of a
statement for `GET /xapi/statements` has every agent reduced the same way and no agent's name. The programme team
maps actor keys to staff ids.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal
from uuid import UUID, uuid4

from services.learning.domain.errors import BatchTooLarge, MalformedStatement
from services.learning.domain.xapi_rules import VOIDED, check_statement, parse_timestamp, statement_id_of

__all__ = [
    "COMPLETED",
    "MAX_BATCH",
    "STARTED_VERBS",
    "VOIDED",
    "Outcome",
    "StoredStatement",
    "account_key",
    "mbox_key",
    "parse_statement_put",
    "parse_statements",
]

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
# The most statements one POST may carry; a platform with more sends several batches.
MAX_BATCH = 1000
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
    # The statement as GET /xapi/statements answers it (agents pseudonymous); None for those stored before it.
    document: Mapping[str, Any] | None = field(default=None, compare=False)
    stored: datetime | None = field(default=None, compare=False)

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


def parse_statements(payload: Any, now: datetime, authority: Mapping[str, Any] | None = None) -> list[StoredStatement]:
    """One statement or a list of them (at most `MAX_BATCH`), every one checked against xAPI 1.0.3 before any is
    taken: `MalformedStatement` names the statement and the property at fault."""
    single = isinstance(payload, dict)
    items = [payload] if single else payload
    if not isinstance(items, list) or not items:
        raise MalformedStatement("the body must be a statement object or a non-empty array of statements")
    if len(items) > MAX_BATCH:
        raise BatchTooLarge(len(items), MAX_BATCH)
    parsed = [
        _statement(item, "statement" if single else f"statements[{i}]", now, authority) for i, item in enumerate(items)
    ]
    seen: set[UUID] = set()
    for statement in parsed:
        if statement.statement_id in seen:
            raise MalformedStatement(f"statement id {statement.statement_id} appears twice in one batch")
        seen.add(statement.statement_id)
    return parsed


def parse_statement_put(
    payload: Any, statement_id: UUID, now: datetime, authority: Mapping[str, Any] | None = None
) -> StoredStatement:
    """The one statement of `PUT /xapi/statements?statementId=`: its id is the query's (or the same in the body)."""
    if not isinstance(payload, dict):
        raise MalformedStatement("the body must be one statement object")
    if "id" in payload and statement_id_of(payload) != str(statement_id):
        raise MalformedStatement(f"statement.id: differs from statementId {statement_id}")
    return _statement({**payload, "id": str(statement_id)}, "statement", now, authority)


def _statement(item: Any, where: str, now: datetime, authority: Mapping[str, Any] | None) -> StoredStatement:
    try:
        check_statement(item, where)
    except MalformedStatement as refused:
        named = statement_id_of(item)
        raise MalformedStatement(refused.message + (f" (statement {named})" if named else "")) from None
    statement_id = UUID(item["id"]) if "id" in item else uuid4()
    verb_id: str = item["verb"]["id"]
    target = item["object"]
    object_type: str = target.get("objectType", "Activity")
    if object_type == "SubStatement":
        object_id = str(target["verb"]["id"])
    elif object_type in ("Agent", "Group"):
        object_id = _agent_key(target) or "anonymous-group"
    else:
        object_id = str(target["id"]).lower() if object_type == "StatementRef" else str(target["id"])
    result = item.get("result", {})
    timestamp = parse_timestamp(item["timestamp"], f"{where}.timestamp") if "timestamp" in item else now
    # Keyed on the content as sent (minus what an LRS adds), to tell a resend from a different statement.
    content = {key: value for key, value in item.items() if key not in ("id", "stored", "authority", "version")}
    fingerprint = hashlib.sha256(json.dumps(content, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    return StoredStatement(
        statement_id=statement_id,
        fingerprint=fingerprint,
        actor_key=_agent_key(item["actor"]),
        verb_id=verb_id,
        object_id=object_id,
        object_type=object_type,
        completes=verb_id == COMPLETED or result.get("completion") is True,
        timestamp=timestamp,
        document=_kept(item, statement_id, timestamp, authority),
    )


def _agent_key(agent: Mapping[str, Any]) -> str | None:
    """The learning key of an Agent or identified Group (already checked), None for an anonymous Group."""
    if "mbox" in agent:
        return mbox_key(_sha1_of_mbox(agent["mbox"]))
    if "mbox_sha1sum" in agent:
        return mbox_key(agent["mbox_sha1sum"])
    if "openid" in agent:
        return f"openid:{hashlib.sha256(agent['openid'].encode()).hexdigest()}"
    if "account" in agent:
        return account_key(agent["account"]["homePage"], agent["account"]["name"])
    return None


def _pseudonymous(agent: Mapping[str, Any]) -> dict[str, Any]:
    """An Agent or Group as learning keeps it: no name, an mbox as its mbox_sha1sum, an account's name digested."""
    kept = {key: value for key, value in agent.items() if key not in ("name", "mbox", "account", "member")}
    if "mbox" in agent:
        kept["mbox_sha1sum"] = _sha1_of_mbox(agent["mbox"])
    if "account" in agent:
        home_page, name = agent["account"]["homePage"], agent["account"]["name"]
        kept["account"] = {"homePage": home_page, "name": account_key(home_page, name).removeprefix("account:")}
    if "member" in agent:
        kept["member"] = [_pseudonymous(member) for member in agent["member"]]
    return kept


def _kept_body(body: Mapping[str, Any]) -> dict[str, Any]:
    kept = dict(body)
    kept["actor"] = _pseudonymous(body["actor"])
    target = body["object"]
    if target.get("objectType") in ("Agent", "Group"):
        kept["object"] = _pseudonymous(target)
    elif target.get("objectType") == "SubStatement":
        kept["object"] = _kept_body(target)
    if "context" in body:
        context = dict(body["context"])
        for position in ("instructor", "team"):
            if position in context:
                context[position] = _pseudonymous(context[position])
        if "contextActivities" in context:  # xAPI: an LRS answers these as arrays
            context["contextActivities"] = {
                kind: listed if isinstance(listed, list) else [listed]
                for kind, listed in context["contextActivities"].items()
            }
        kept["context"] = context
    return kept


def _kept(
    item: Mapping[str, Any], statement_id: UUID, timestamp: datetime, authority: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The statement as `GET /xapi/statements` answers it, without the personal data learning never keeps."""
    kept = _kept_body({key: value for key, value in item.items() if key not in ("stored", "authority")})
    kept["id"] = str(statement_id)
    kept.setdefault("timestamp", timestamp.isoformat(timespec="milliseconds").replace("+00:00", "Z"))
    kept.setdefault("version", "1.0.0")
    if authority is not None:
        kept["authority"] = dict(authority)
    return kept
