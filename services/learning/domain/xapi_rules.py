"""xAPI 1.0.3's statement rules: everything the specification says a Learning Record Store must refuse.

Pure Python, no I/O. Follows the Data part of the specification (section 2.4: Statement, Actor, Verb, Object,
Result, Context, Timestamp, Stored, Authority, Version, Attachments; 2.2's "no null, no empty object except in
extensions"; 2.3.2's voiding) and the value formats it names (UUID in standard string form, RFC 3987 IRIs,
RFC 5646 language tags, ISO 8601 timestamps and durations). Each refusal is a `MalformedStatement` whose message
starts with the path of the property at fault (`statements[3].context.instructor.mbox`), so a learning platform
can find it in what it sent. No maintained Python validator checks all of this (see the README), so the rules
live here and `tests/unit/test_xapi_conformance.py` holds the specification's cases.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from services.learning.domain.errors import MalformedStatement

__all__ = ["VOIDED", "check_statement", "parse_timestamp", "statement_id_of"]

VOIDED = "http://adlnet.gov/expapi/verbs/voided"

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# An absolute IRI (RFC 3987): a scheme, a colon, then no space, control character or character IRIs exclude;
# a percent sign only as a percent-encoding.
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:(?:[^\s<>\"{}|\\^`%\x00-\x1f\x7f]|%[0-9A-Fa-f]{2})+$")
_MBOX = re.compile(r"^mailto:[^@\s:/]+@[^@\s/]+$")
_SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")
_SHA2 = re.compile(r"^(?:[0-9a-fA-F]{56}|[0-9a-fA-F]{64}|[0-9a-fA-F]{96}|[0-9a-fA-F]{128})$")
_MEDIA_TYPE = re.compile(r"^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+(?:\s*;.*)?$")
_GRANDFATHERED = (
    "en-gb-oed|i-ami|i-bnn|i-default|i-enochian|i-hak|i-klingon|i-lux|i-mingo|i-navajo|i-pwn|i-tao|i-tay|i-tsu|"
    "sgn-be-fr|sgn-be-nl|sgn-ch-de|art-lojban|cel-gaulish|no-bok|no-nyn|zh-guoyu|zh-hakka|zh-min|zh-min-nan|zh-xiang"
)
# RFC 5646 section 2.1's ABNF: language[-extlang] [-script] [-region] *[-variant] *[-extension] [-privateuse].
_LANGUAGE_TAG = re.compile(
    r"^(?:(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})"
    r"(?:-[a-z]{4})?(?:-(?:[a-z]{2}|[0-9]{3}))?(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*"
    r"(?:-[0-9a-wy-z](?:-[a-z0-9]{2,8})+)*(?:-x(?:-[a-z0-9]{1,8})+)?"
    rf"|x(?:-[a-z0-9]{{1,8}})+|{_GRANDFATHERED})$",
    re.IGNORECASE,
)
# ISO 8601 extended format with a time; the zone is optional (xAPI: SHOULD), '-00:00' is refused below.
_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$"
)
# ISO 8601 durations: PnYnMnDTnHnMnS (at least one part, a time part only after T) or PnW.
_DURATION = re.compile(
    r"^P(?:\d+(?:[.,]\d+)?W|(?=\d|T\d)(?:\d+Y)?(?:\d+M)?(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:[.,]\d+)?S)?)?)$"
)
_VERSION = re.compile(r"^1\.0\.\d+$")

_STATEMENT = frozenset(
    {"id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority", "version", "attachments"}
)
_SUB_STATEMENT = frozenset({"objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments"})
_NOT_IN_SUB_STATEMENT = ("id", "stored", "version", "authority")
_IFIS = ("mbox", "mbox_sha1sum", "openid", "account")
_AGENT = frozenset({"objectType", "name", *_IFIS})
_GROUP = frozenset({*_AGENT, "member"})
_INTERACTION_COMPONENTS: Mapping[str, frozenset[str]] = {
    "true-false": frozenset(),
    "choice": frozenset({"choices"}),
    "fill-in": frozenset(),
    "long-fill-in": frozenset(),
    "matching": frozenset({"source", "target"}),
    "performance": frozenset({"steps"}),
    "sequencing": frozenset({"choices"}),
    "likert": frozenset({"scale"}),
    "numeric": frozenset(),
    "other": frozenset(),
}
_COMPONENT_LISTS = frozenset({"choices", "scale", "source", "target", "steps"})
_DEFINITION = frozenset(
    {"name", "description", "type", "moreInfo", "extensions", "interactionType", "correctResponsesPattern"}
    | _COMPONENT_LISTS
)
_CONTEXT = frozenset(
    {"registration", "instructor", "team", "contextActivities", "revision", "platform", "language", "statement"}
    | {"extensions"}
)
_CONTEXT_ACTIVITIES = frozenset({"parent", "grouping", "category", "other"})
_RESULT = frozenset({"score", "success", "completion", "response", "duration", "extensions"})
_SCORE = frozenset({"scaled", "raw", "min", "max"})
_ATTACHMENT = frozenset({"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"})


def _fail(where: str, problem: str) -> MalformedStatement:
    return MalformedStatement(f"{where}: {problem}")


def statement_id_of(item: Any) -> str | None:
    """The id a statement names, when it names one well enough to quote in an error."""
    if isinstance(item, dict) and isinstance(item.get("id"), str) and _UUID.match(item["id"]):
        return str(item["id"]).lower()
    return None


def check_statement(item: Any, where: str) -> None:
    """Refuse, naming the property, a statement the specification says an LRS must reject."""
    statement = _properties(item, where, _STATEMENT, required=("actor", "verb", "object"))
    _each_present(statement, where, _uuid, "id")
    _body(statement, where, in_sub_statement=False)
    _each_present(statement, where, parse_timestamp, "stored")
    _each_present(statement, where, _authority, "authority")
    _each_present(statement, where, _version, "version")


def _version(value: Any, where: str) -> None:
    _matching(_VERSION, value, where, "must be 1.0.x (this is an xAPI 1.0.3 LRS)")


def _body(statement: Mapping[str, Any], where: str, *, in_sub_statement: bool) -> None:
    """What a Statement and a SubStatement share: actor, verb, object, result, context, timestamp, attachments."""
    _actor(statement["actor"], f"{where}.actor")
    verb_id = _verb(statement["verb"], f"{where}.verb")
    object_type = _object(statement["object"], f"{where}.object", in_sub_statement=in_sub_statement)
    if verb_id == VOIDED and object_type != "StatementRef":
        raise _fail(f"{where}.object", "a voiding statement's object must be a StatementRef")
    _each_present(statement, where, _result, "result")
    if "context" in statement:
        _context(statement["context"], f"{where}.context", object_type)
    _each_present(statement, where, parse_timestamp, "timestamp")
    _each_present(statement, where, _attachments, "attachments")


def _properties(
    value: Any, where: str, allowed: Collection[str] | None, required: tuple[str, ...] = ()
) -> Mapping[str, Any]:
    """A JSON object with only the properties xAPI defines there, none null or an empty object."""
    if not isinstance(value, dict):
        raise _fail(where, "must be a JSON object")
    if not value:
        raise _fail(where, "must not be an empty object")
    unknown = [] if allowed is None else sorted(key for key in value if key not in allowed)
    if unknown:
        raise _fail(f"{where}.{unknown[0]}", f"unknown properties {', '.join(unknown)} (xAPI defines none such here)")
    for key, member in value.items():
        if member is None:
            raise _fail(f"{where}.{key}", "must not be null (leave it out instead)")
    for key in required:
        if key not in value:
            raise _fail(f"{where}.{key}", "is required")
    return value


def _each_present(found: Mapping[str, Any], where: str, check: Callable[[Any, str], object], *names: str) -> None:
    """Check with `check` each of the optional properties `names` that is present."""
    for name in names:
        if name in found:
            check(found[name], f"{where}.{name}")


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise _fail(where, "must be a string")
    return value


def _matching(pattern: re.Pattern[str], value: Any, where: str, problem: str) -> str:
    """`value`, when it is a string `pattern` matches; else refuse it with `problem`."""
    if not isinstance(value, str) or not pattern.match(value):
        raise _fail(where, problem)
    return value


def _uuid(value: Any, where: str) -> str:
    return _matching(_UUID, value, where, "must be a UUID in its standard form (8-4-4-4-12 hexadecimal digits)").lower()


def _iri(value: Any, where: str) -> str:
    return _matching(_IRI, value, where, "must be an IRI (absolute, with a scheme such as https:)")


def _boolean(value: Any, where: str) -> None:
    if not isinstance(value, bool):
        raise _fail(where, "must be true or false")


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(where, "must be a number")
    return float(value)


def _language_tag(value: Any, where: str) -> None:
    _matching(_LANGUAGE_TAG, value, where, "must be an RFC 5646 language tag (e.g. en-GB)")


def _language_map(value: Any, where: str) -> None:
    for tag, text in _properties(value, where, None).items():
        _language_tag(tag, f"{where}[{tag!r}]")
        _string(text, f"{where}[{tag!r}]")


def _extensions(value: Any, where: str) -> None:
    if not isinstance(value, dict):
        raise _fail(where, "must be a JSON object")
    for key in value:
        _iri(key, f"{where}[{key!r}]")


# Actors ---------------------------------------------------------------------------------------------------------


def _identifiers(agent: Mapping[str, Any], where: str) -> int:
    """Check each inverse functional identifier given; returns how many there are."""
    present = [ifi for ifi in _IFIS if ifi in agent]
    if len(present) > 1:
        raise _fail(where, f"has more than one identifier ({', '.join(present)}); xAPI allows exactly one")
    _each_present(agent, where, _string, "name")
    if "mbox" in agent:
        _matching(_MBOX, agent["mbox"], f"{where}.mbox", "must be a mailto: IRI")
    if "mbox_sha1sum" in agent:
        _matching(_SHA1, agent["mbox_sha1sum"], f"{where}.mbox_sha1sum", "must be 40 hexadecimal characters")
    _each_present(agent, where, _iri, "openid")
    if "account" in agent:
        account = _properties(agent["account"], f"{where}.account", ("homePage", "name"), ("homePage", "name"))
        _iri(account["homePage"], f"{where}.account.homePage")
        _string(account["name"], f"{where}.account.name")
    return len(present)


def _agent(value: Any, where: str, *, object_type_required: bool = False) -> None:
    if value == {}:
        raise _fail(where, "needs exactly one of mbox, mbox_sha1sum, openid, account")
    agent = _properties(value, where, _AGENT)
    if "objectType" in agent and agent["objectType"] != "Agent":
        raise _fail(f"{where}.objectType", "must be Agent")
    if object_type_required and "objectType" not in agent:
        raise _fail(f"{where}.objectType", "is required when an Agent is the object")
    if _identifiers(agent, where) != 1:
        raise _fail(where, "needs exactly one of mbox, mbox_sha1sum, openid, account")


def _group(value: Any, where: str) -> Mapping[str, Any]:
    group = _properties(value, where, _GROUP)
    identified = _identifiers(group, where) == 1
    if "member" in group:
        members = group["member"]
        if not isinstance(members, list):
            raise _fail(f"{where}.member", "must be an array of Agents")
        for i, member in enumerate(members):
            if isinstance(member, dict) and member.get("objectType") == "Group":
                raise _fail(f"{where}.member[{i}]", "must be an Agent: a Group's member cannot be a Group")
            _agent(member, f"{where}.member[{i}]")
    if not identified and not group.get("member"):
        raise _fail(f"{where}.member", "an anonymous Group (no identifier) must list its members")
    return group


def _actor(value: Any, where: str, *, object_type_required: bool = False) -> str:
    """An Agent or a Group; returns which."""
    if isinstance(value, dict) and value.get("objectType") == "Group":
        _group(value, where)
        return "Group"
    if isinstance(value, dict) and value.get("objectType", "Agent") != "Agent":
        raise _fail(f"{where}.objectType", "must be Agent or Group")
    _agent(value, where, object_type_required=object_type_required)
    return "Agent"


def _authority(value: Any, where: str) -> None:
    if _actor(value, where) == "Group":
        group = value
        if any(ifi in group for ifi in _IFIS) or len(group.get("member", [])) != 2:
            raise _fail(where, "a Group as authority must be anonymous with exactly two Agents (OAuth consumer, user)")


# Verb and object ------------------------------------------------------------------------------------------------


def _verb(value: Any, where: str) -> str:
    verb = _properties(value, where, ("id", "display"), ("id",))
    if "display" in verb:
        _language_map(verb["display"], f"{where}.display")
    return _iri(verb["id"], f"{where}.id")


def _object(value: Any, where: str, *, in_sub_statement: bool) -> str:
    """The statement's object; returns its objectType."""
    kind = value.get("objectType", "Activity") if isinstance(value, dict) else "Activity"
    if kind == "Activity":
        _activity(value, where)
    elif kind in ("Agent", "Group"):
        _actor(value, where, object_type_required=True)
    elif kind == "StatementRef":
        reference = _properties(value, where, ("objectType", "id"), ("id",))
        _uuid(reference["id"], f"{where}.id")
    elif kind == "SubStatement":
        if in_sub_statement:
            raise _fail(f"{where}.objectType", "a SubStatement's object cannot be another SubStatement")
        if isinstance(value, dict):
            for forbidden in _NOT_IN_SUB_STATEMENT:
                if forbidden in value:
                    raise _fail(f"{where}.{forbidden}", "a SubStatement must not have one")
        sub = _properties(value, where, _SUB_STATEMENT, ("actor", "verb", "object"))
        _body(sub, where, in_sub_statement=True)
    else:
        raise _fail(f"{where}.objectType", "must be Activity, Agent, Group, StatementRef or SubStatement")
    return str(kind)


def _activity(value: Any, where: str) -> str:
    activity = _properties(value, where, ("objectType", "id", "definition"), ("id",))
    if activity.get("objectType", "Activity") != "Activity":
        raise _fail(f"{where}.objectType", "must be Activity")
    if "definition" in activity:
        _definition(activity["definition"], f"{where}.definition")
    return _iri(activity["id"], f"{where}.id")


def _definition(value: Any, where: str) -> None:
    definition = _properties(value, where, _DEFINITION)
    _each_present(definition, where, _language_map, "name", "description")
    _each_present(definition, where, _iri, "type", "moreInfo")
    _each_present(definition, where, _extensions, "extensions")
    lists = sorted(_COMPONENT_LISTS & set(definition))
    interaction = definition.get("interactionType")
    if interaction is None:
        if lists or "correctResponsesPattern" in definition:
            raise _fail(f"{where}.interactionType", "is required with interaction components or responses")
        return
    if interaction not in _INTERACTION_COMPONENTS:
        raise _fail(f"{where}.interactionType", f"must be one of {', '.join(_INTERACTION_COMPONENTS)}")
    if "correctResponsesPattern" in definition:
        patterns = definition["correctResponsesPattern"]
        if not isinstance(patterns, list):
            raise _fail(f"{where}.correctResponsesPattern", "must be an array of strings")
        for i, pattern in enumerate(patterns):
            _string(pattern, f"{where}.correctResponsesPattern[{i}]")
    for name in lists:
        if name not in _INTERACTION_COMPONENTS[interaction]:
            raise _fail(f"{where}.{name}", f"is not a component of a {interaction} interaction")
        _components(definition[name], f"{where}.{name}")


def _components(value: Any, where: str) -> None:
    if not isinstance(value, list):
        raise _fail(where, "must be an array of interaction components")
    seen: set[str] = set()
    for i, item in enumerate(value):
        component = _properties(item, f"{where}[{i}]", ("id", "description"), ("id",))
        component_id = _string(component["id"], f"{where}[{i}].id")
        if component_id in seen:
            raise _fail(f"{where}[{i}].id", f"{component_id!r} appears twice; component ids must be distinct")
        seen.add(component_id)
        if "description" in component:
            _language_map(component["description"], f"{where}[{i}].description")


# Result, context, attachments -----------------------------------------------------------------------------------


def _result(value: Any, where: str) -> None:
    result = _properties(value, where, _RESULT)
    _each_present(result, where, _boolean, "success", "completion")
    _each_present(result, where, _string, "response")
    _each_present(result, where, _duration, "duration")
    _each_present(result, where, _extensions, "extensions")
    _each_present(result, where, _score, "score")


def _duration(value: Any, where: str) -> None:
    _matching(_DURATION, value, where, "must be an ISO 8601 duration (e.g. PT1H30M)")


def _score(value: Any, where: str) -> None:
    score = _properties(value, where, _SCORE)
    numbers = {
        name: _number(score[name], f"{where}.{name}") for name in ("scaled", "raw", "min", "max") if name in score
    }
    if "scaled" in numbers and not -1 <= numbers["scaled"] <= 1:
        raise _fail(f"{where}.scaled", "must be from -1 to 1")
    low, high = numbers.get("min"), numbers.get("max")
    if low is not None and high is not None and not low < high:
        raise _fail(f"{where}.min", "must be less than max")
    raw = numbers.get("raw")
    if raw is not None and low is not None and raw < low:
        raise _fail(f"{where}.raw", "must not be less than min")
    if raw is not None and high is not None and raw > high:
        raise _fail(f"{where}.raw", "must not be more than max")


def _context(value: Any, where: str, object_type: str) -> None:
    context = _properties(value, where, _CONTEXT)
    _each_present(context, where, _uuid, "registration")
    _each_present(context, where, _actor, "instructor")
    if "team" in context:
        team = context["team"]
        if not isinstance(team, dict) or team.get("objectType") != "Group":
            raise _fail(f"{where}.team", "must be a Group (with objectType Group)")
        _group(team, f"{where}.team")
    if "contextActivities" in context:
        activities = _properties(context["contextActivities"], f"{where}.contextActivities", _CONTEXT_ACTIVITIES)
        for kind, listed in activities.items():
            for i, activity in enumerate(listed if isinstance(listed, list) else [listed]):
                at = f"{where}.contextActivities.{kind}" + (f"[{i}]" if isinstance(listed, list) else "")
                _activity(activity, at)
    for text in ("revision", "platform"):
        if text in context:
            _string(context[text], f"{where}.{text}")
            if object_type != "Activity":
                raise _fail(f"{where}.{text}", "is only allowed when the statement's object is an Activity")
    _each_present(context, where, _language_tag, "language")
    if "statement" in context:
        reference = _properties(context["statement"], f"{where}.statement", ("objectType", "id"), ("objectType", "id"))
        if reference["objectType"] != "StatementRef":
            raise _fail(f"{where}.statement.objectType", "must be StatementRef")
        _uuid(reference["id"], f"{where}.statement.id")
    _each_present(context, where, _extensions, "extensions")


def _attachments(value: Any, where: str) -> None:
    if not isinstance(value, list):
        raise _fail(where, "must be an array of attachments")
    for i, item in enumerate(value):
        at = f"{where}[{i}]"
        attachment = _properties(item, at, _ATTACHMENT, ("usageType", "display", "contentType", "length", "sha2"))
        _iri(attachment["usageType"], f"{at}.usageType")
        _language_map(attachment["display"], f"{at}.display")
        _each_present(attachment, at, _language_map, "description")
        _matching(_MEDIA_TYPE, attachment["contentType"], f"{at}.contentType", "must be an Internet media type")
        length = attachment["length"]
        if isinstance(length, bool) or not isinstance(length, int) or length < 0:
            raise _fail(f"{at}.length", "must be a whole number of octets")
        _matching(_SHA2, attachment["sha2"], f"{at}.sha2", "must be the hexadecimal SHA-2 hash of the attachment")
        if "fileUrl" not in attachment:
            raise _fail(
                f"{at}.fileUrl",
                "is required here: statements are taken as application/json, so an attachment's content cannot "
                "come with them (multipart/mixed is not accepted)",
            )
        _iri(attachment["fileUrl"], f"{at}.fileUrl")


def parse_timestamp(value: Any, where: str) -> datetime:
    """An ISO 8601 date and time; one without a zone is read as UTC (xAPI: a zone SHOULD be given)."""
    match = _TIMESTAMP.match(value) if isinstance(value, str) else None
    if match is None:
        raise _fail(where, "must be an ISO 8601 date and time (e.g. 2026-11-02T10:15:00Z)")
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    if zone is not None and zone.startswith("-") and not zone.strip("-:0"):
        raise _fail(where, "must not use the offset -00:00 (use Z or +00:00)")
    try:
        offset = UTC if zone in (None, "Z", "z") else _offset(zone)
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second or 0),
            int((fraction or "0")[:6].ljust(6, "0")),
            tzinfo=offset,
        )
    except ValueError:
        raise _fail(where, "is not a real date and time") from None


def _offset(zone: str) -> timezone:
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    sign = -1 if zone[0] == "-" else 1
    return timezone(sign * timedelta(hours=hours, minutes=minutes))
