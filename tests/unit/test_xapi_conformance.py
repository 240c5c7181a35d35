"""xAPI 1.0.3 conformance of learning's statement checks: cases taken from the specification's Data part (section
2.4, with 2.2's rule on null and empty values and 2.3.2's voiding), each one a statement an LRS must accept or must
refuse with 400. A refused case names the property at fault, which is what the message must start with."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import UUID, uuid4

import pytest

from services.learning.domain.errors import BatchTooLarge, MalformedStatement
from services.learning.domain.xapi import MAX_BATCH, parse_statement_put, parse_statements

NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
ID = "7f6b1c2a-1d3e-4f50-9a8b-0c1d2e3f4a5b"
OTHER_ID = "0c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f"
MODULE = "https://tirp.relationalschools.example/xapi/activities/module-01"
VERB = {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-GB": "completed"}}
VOIDED = {"id": "http://adlnet.gov/expapi/verbs/voided"}
AGENT = {"mbox": "mailto:jane@school.example"}
OTHER = {"account": {"homePage": "https://lms.example.org", "name": "u-42"}}
BASE: dict[str, Any] = {"actor": AGENT, "verb": VERB, "object": {"id": MODULE}}
ABSENT = object()


def at(path: str, value: Any, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """The base statement with one property (a dotted path) set, or removed when `value` is ABSENT."""
    statement = copy.deepcopy(BASE if base is None else base)
    *parents, last = path.split(".")
    target = statement
    for key in parents:
        target = target.setdefault(key, {})
    if value is ABSENT:
        del target[last]
    else:
        target[last] = value
    return statement


def sub(**changes: Any) -> dict[str, Any]:
    return {"objectType": "SubStatement", "actor": OTHER, "verb": VERB, "object": {"id": MODULE}, **changes}


ATTACHMENT = {
    "usageType": "http://adlnet.gov/expapi/attachments/signature",
    "display": {"en-GB": "Signature"},
    "contentType": "application/pdf",
    "length": 4235,
    "sha2": "a" * 64,
    "fileUrl": "https://lms.example.org/files/signature.pdf",
}
GROUP = {"objectType": "Group", "name": "Year 7 team", "member": [AGENT, OTHER]}
FULL: dict[str, Any] = {
    "id": ID,
    "actor": {"objectType": "Agent", "name": "Jane", **AGENT},
    "verb": VERB,
    "object": {
        "objectType": "Activity",
        "id": MODULE,
        "definition": {
            "name": {"en-GB": "Module 1", "cy": "Modiwl 1"},
            "description": {"en-GB": "Relational practice"},
            "type": "http://adlnet.gov/expapi/activities/module",
            "moreInfo": "https://tirp.relationalschools.example/modules/1",
            "extensions": {"https://tirp.relationalschools.example/ext/minutes": 40},
        },
    },
    "result": {
        "score": {"scaled": 0.95, "raw": 95, "min": 0, "max": 100},
        "success": True,
        "completion": True,
        "response": "Reflection written",
        "duration": "PT42M10.5S",
        "extensions": {"https://lms.example.org/ext/attempt": {"n": 2}},
    },
    "context": {
        "registration": OTHER_ID,
        "instructor": {"objectType": "Agent", "mbox_sha1sum": "b" * 40},
        "team": GROUP,
        "contextActivities": {
            "parent": [{"id": "https://tirp.relationalschools.example/course"}],
            "grouping": {"objectType": "Activity", "id": "https://tirp.relationalschools.example/programme"},
            "category": [{"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"}],
            "other": [{"id": "https://lms.example.org/cohort/1"}],
        },
        "revision": "2",
        "platform": "Moodle",
        "language": "en-GB",
        "statement": {"objectType": "StatementRef", "id": OTHER_ID},
        "extensions": {"https://w3id.org/xapi/cmi5/context/extensions/sessionid": "abc", "urn:x-rsp:note": None},
    },
    "timestamp": "2026-11-02T10:15:00.123+01:00",
    "stored": "2026-11-02T10:16:00Z",
    "authority": {"objectType": "Agent", "account": {"homePage": "https://lms.example.org", "name": "forwarder"}},
    "version": "1.0.3",
    "attachments": [ATTACHMENT],
}

# (case, statement) every LRS must accept.
MUST_ACCEPT: list[tuple[str, Any]] = [
    ("2.4 the least a statement needs", BASE),
    ("2.4 every property a statement may have", FULL),
    ("2.4.1 id in upper-case hexadecimal", at("id", ID.upper())),
    ("2.4.2.3 actor by mbox_sha1sum", at("actor", {"mbox_sha1sum": "0" * 40})),
    ("2.4.2.3 actor by openid", at("actor", {"openid": "https://openid.example.org/jane"})),
    ("2.4.2.3 actor by account", at("actor", OTHER)),
    ("2.4.2.3 mbox with a plus sign", at("actor", {"mbox": "mailto:jane+lms@school.example"})),
    ("2.4.2.2 anonymous Group with members", at("actor", GROUP)),
    ("2.4.2.2 identified Group without members", at("actor", {"objectType": "Group", **OTHER})),
    ("2.4.2.2 identified Group with members", at("actor", {**GROUP, "mbox": "mailto:y7@school.example"})),
    ("2.4.3 verb without display", at("verb", {"id": "http://adlnet.gov/expapi/verbs/experienced"})),
    ("2.4.3 verb id a URN", at("verb", {"id": "urn:x-rsp:verbs:reflected"})),
    ("2.4.4.1 activity with objectType", at("object", {"objectType": "Activity", "id": MODULE})),
    ("2.4.4.2 Agent as object", at("object", {"objectType": "Agent", **OTHER})),
    ("2.4.4.2 Group as object", at("object", GROUP)),
    ("2.4.4.3 StatementRef as object", at("object", {"objectType": "StatementRef", "id": OTHER_ID})),
    ("2.4.4.3 SubStatement as object", at("object", sub(timestamp="2026-11-02T10:00:00Z", result={"success": True}))),
    ("2.4.4.3 SubStatement with revision on its activity", at("object", sub(context={"revision": "3"}))),
    ("2.4.4.3 SubStatement about a StatementRef", at("object", sub(object={"objectType": "StatementRef", "id": ID}))),
    (
        "2.4.4.1 choice interaction",
        at(
            "object.definition",
            {
                "interactionType": "choice",
                "correctResponsesPattern": ["golf[,]tetris"],
                "choices": [{"id": "golf", "description": {"en-US": "Golf"}}, {"id": "tetris"}],
            },
        ),
    ),
    ("2.4.4.1 likert interaction", at("object.definition", {"interactionType": "likert", "scale": [{"id": "1"}]})),
    (
        "2.4.4.1 matching interaction",
        at("object.definition", {"interactionType": "matching", "source": [{"id": "a"}], "target": [{"id": "b"}]}),
    ),
    ("2.4.4.1 performance interaction", at("object.definition", {"interactionType": "performance", "steps": []})),
    ("2.4.4.1 empty extensions", at("object.definition", {"extensions": {}})),
    ("2.4.5 duration of hours", at("result", {"duration": "PT1H"})),
    ("2.4.5 duration of days and hours", at("result", {"duration": "P1DT12H"})),
    ("2.4.5 duration of weeks", at("result", {"duration": "P3W"})),
    ("2.4.5 duration of years and months", at("result", {"duration": "P1Y2M"})),
    ("2.4.5 duration with a fraction of a second", at("result", {"duration": "PT0.5S"})),
    ("2.4.5.1 scaled score of -1", at("result", {"score": {"scaled": -1}})),
    ("2.4.5.1 scaled score of 1", at("result", {"score": {"scaled": 1}})),
    ("2.4.5.1 raw score at min and max", at("result", {"score": {"raw": 0, "min": 0, "max": 10}})),
    ("2.4.5.1 raw score alone", at("result", {"score": {"raw": -3.5}})),
    ("2.4.6 a single context activity", at("context", {"contextActivities": {"parent": {"id": MODULE}}})),
    ("2.4.6 instructor a Group", at("context", {"instructor": GROUP})),
    ("2.4.6 language with script and region", at("context", {"language": "zh-Hant-TW"})),
    ("2.4.6 language with UN region", at("context", {"language": "es-419"})),
    ("2.4.6 language with variant", at("context", {"language": "de-CH-1901"})),
    ("2.4.6 language grandfathered", at("context", {"language": "sgn-BE-FR"})),
    ("2.4.6 language private use", at("context", {"language": "x-rsp"})),
    ("2.4.6 extension value null", at("context", {"extensions": {"https://lms.example.org/ext/x": None}})),
    ("2.4.7 timestamp in UTC", at("timestamp", "2026-11-02T10:15:00Z")),
    ("2.4.7 timestamp with offset and no colon", at("timestamp", "2026-11-02T10:15:00+0100")),
    ("2.4.7 timestamp with a negative offset", at("timestamp", "2026-11-02T05:15:00-05:00")),
    ("2.4.7 timestamp with +00:00", at("timestamp", "2026-11-02T10:15:00+00:00")),
    ("2.4.7 timestamp to minutes", at("timestamp", "2026-11-02T10:15Z")),
    ("2.4.7 timestamp with nanoseconds", at("timestamp", "2026-11-02T10:15:00.123456789Z")),
    ("2.4.7 timestamp without a zone (SHOULD, not MUST)", at("timestamp", "2026-11-02T10:15:00")),
    ("2.4.9 authority an Agent", at("authority", {"objectType": "Agent", **OTHER})),
    ("2.4.9 authority an OAuth pair", at("authority", {"objectType": "Group", "member": [AGENT, OTHER]})),
    ("2.4.10 version 1.0.0", at("version", "1.0.0")),
    ("2.4.10 version 1.0.99", at("version", "1.0.99")),
    ("2.4.11 attachment by fileUrl", at("attachments", [ATTACHMENT])),
    ("2.3.2 voiding statement", {"actor": OTHER, "verb": VOIDED, "object": {"objectType": "StatementRef", "id": ID}}),
]

# (case, statement, the property the refusal must name) every LRS must refuse.
MUST_REJECT: list[tuple[str, Any, str]] = [
    # 2.2 and 2.4: the statement itself
    ("2.4 not an object", ["a"], "statement: must be a JSON object"),
    ("2.4 unknown property", at("score", 1), "statement.score"),
    ("2.4 objectType at the top", at("objectType", "Statement"), "statement.objectType"),
    ("2.4 keys are case-sensitive", at("Verb", VERB), "statement.Verb"),
    ("2.4 actor missing", at("actor", ABSENT), "statement.actor: is required"),
    ("2.4 verb missing", at("verb", ABSENT), "statement.verb: is required"),
    ("2.4 object missing", at("object", ABSENT), "statement.object: is required"),
    ("2.2 result null", at("result", None), "statement.result: must not be null"),
    ("2.2 null deep inside", at("context", {"registration": None}), "statement.context.registration"),
    ("2.2 empty context", at("context", {}), "statement.context: must not be an empty object"),
    ("2.2 empty result", at("result", {}), "statement.result: must not be an empty object"),
    ("2.2 empty display", at("verb", {"id": VERB["id"], "display": {}}), "statement.verb.display"),
    # 2.4.1 id
    ("2.4.1 id as urn:uuid", at("id", f"urn:uuid:{ID}"), "statement.id"),
    ("2.4.1 id without hyphens", at("id", ID.replace("-", "")), "statement.id"),
    ("2.4.1 id in braces", at("id", "{" + ID + "}"), "statement.id"),
    ("2.4.1 id not a UUID", at("id", "42"), "statement.id"),
    ("2.4.1 id a number", at("id", 42), "statement.id"),
    # 2.4.2 actor, agents and groups
    ("2.4.2.1 agent with no identifier", at("actor", {"name": "Jane"}), "statement.actor: needs exactly one"),
    ("2.4.2.1 agent with two identifiers", at("actor", {**AGENT, **OTHER}), "statement.actor: has more than one"),
    ("2.4.2.1 agent of another kind", at("actor", {"objectType": "Person", **AGENT}), "statement.actor.objectType"),
    ("2.4.2.1 agent with unknown property", at("actor", {**AGENT, "email": "x"}), "statement.actor.email"),
    ("2.4.2.1 agent name not text", at("actor", {**AGENT, "name": 7}), "statement.actor.name"),
    ("2.4.2.3 mbox without mailto", at("actor", {"mbox": "jane@school.example"}), "statement.actor.mbox"),
    ("2.4.2.3 mbox without address", at("actor", {"mbox": "mailto:jane"}), "statement.actor.mbox"),
    ("2.4.2.3 mbox_sha1sum not hex", at("actor", {"mbox_sha1sum": "z" * 40}), "statement.actor.mbox_sha1sum"),
    ("2.4.2.3 mbox_sha1sum too short", at("actor", {"mbox_sha1sum": "a" * 39}), "statement.actor.mbox_sha1sum"),
    ("2.4.2.3 openid not a URI", at("actor", {"openid": "jane"}), "statement.actor.openid"),
    (
        "2.4.2.4 account without name",
        at("actor", {"account": {"homePage": "https://x.example"}}),
        "statement.actor.account.name",
    ),
    ("2.4.2.4 account without homePage", at("actor", {"account": {"name": "u"}}), "statement.actor.account.homePage"),
    (
        "2.4.2.4 account homePage not an IRL",
        at("actor", {"account": {"homePage": "lms", "name": "u"}}),
        "statement.actor.account.homePage",
    ),
    (
        "2.4.2.4 account with unknown property",
        at("actor", {"account": {**OTHER["account"], "id": 1}}),
        "statement.actor.account.id",
    ),
    (
        "2.4.2.2 Group whose member is a Group",
        at("actor", {"objectType": "Group", "member": [GROUP]}),
        "statement.actor.member[0]",
    ),
    (
        "2.4.2.2 anonymous Group without members",
        at("actor", {"objectType": "Group", "name": "y7"}),
        "statement.actor.member",
    ),
    (
        "2.4.2.2 anonymous Group with no members",
        at("actor", {"objectType": "Group", "member": []}),
        "statement.actor.member",
    ),
    ("2.4.2.2 members not an array", at("actor", {"objectType": "Group", "member": AGENT}), "statement.actor.member"),
    (
        "2.4.2.2 member without identifier",
        at("actor", {"objectType": "Group", "member": [{"name": "x"}]}),
        "statement.actor.member[0]",
    ),
    (
        "2.4.2.2 Group with two identifiers",
        at("actor", {"objectType": "Group", **AGENT, **OTHER}),
        "statement.actor: has more",
    ),
    # 2.4.3 verb
    ("2.4.3 verb id not an IRI", at("verb", {"id": "completed"}), "statement.verb.id"),
    ("2.4.3 verb id missing", at("verb", {"display": {"en": "x"}}), "statement.verb.id: is required"),
    ("2.4.3 verb display not a map", at("verb", {"id": VERB["id"], "display": "completed"}), "statement.verb.display"),
    (
        "2.4.3 verb display bad language tag",
        at("verb", {"id": VERB["id"], "display": {"en_GB": "x"}}),
        "statement.verb.display['en_GB']",
    ),
    (
        "2.4.3 verb display not text",
        at("verb", {"id": VERB["id"], "display": {"en": 1}}),
        "statement.verb.display['en']",
    ),
    ("2.4.3 verb with unknown property", at("verb", {**VERB, "name": "x"}), "statement.verb.name"),
    # 2.4.4 object
    ("2.4.4 unknown objectType", at("object", {"objectType": "Thing", "id": MODULE}), "statement.object.objectType"),
    ("2.4.4.1 activity id missing", at("object", {"objectType": "Activity"}), "statement.object.id: is required"),
    ("2.4.4.1 activity id not an IRI", at("object", {"id": "module 1"}), "statement.object.id"),
    ("2.4.4.1 activity id with a space", at("object", {"id": "https://x.example/a b"}), "statement.object.id"),
    (
        "2.4.4.1 definition type not an IRI",
        at("object.definition", {"type": "module"}),
        "statement.object.definition.type",
    ),
    (
        "2.4.4.1 definition moreInfo not an IRL",
        at("object.definition", {"moreInfo": "here"}),
        "statement.object.definition.moreInfo",
    ),
    (
        "2.4.4.1 definition name bad tag",
        at("object.definition", {"name": {"e": "x"}}),
        "statement.object.definition.name['e']",
    ),
    (
        "2.4.4.1 definition unknown property",
        at("object.definition", {"title": "x"}),
        "statement.object.definition.title",
    ),
    (
        "2.4.4.1 definition extension key not an IRI",
        at("object.definition", {"extensions": {"minutes": 4}}),
        "statement.object.definition.extensions['minutes']",
    ),
    (
        "2.4.4.1 unknown interactionType",
        at("object.definition", {"interactionType": "essay"}),
        "statement.object.definition.interactionType",
    ),
    (
        "2.4.4.1 choices on a true-false",
        at("object.definition", {"interactionType": "true-false", "choices": [{"id": "a"}]}),
        "statement.object.definition.choices",
    ),
    (
        "2.4.4.1 scale on a choice",
        at("object.definition", {"interactionType": "choice", "scale": [{"id": "a"}]}),
        "statement.object.definition.scale",
    ),
    (
        "2.4.4.1 components without interactionType",
        at("object.definition", {"choices": [{"id": "a"}]}),
        "statement.object.definition.interactionType",
    ),
    (
        "2.4.4.1 responses without interactionType",
        at("object.definition", {"correctResponsesPattern": ["a"]}),
        "statement.object.definition.interactionType",
    ),
    (
        "2.4.4.1 responses not an array",
        at("object.definition", {"interactionType": "other", "correctResponsesPattern": "a"}),
        "statement.object.definition.correctResponsesPattern",
    ),
    (
        "2.4.4.1 component ids repeated",
        at("object.definition", {"interactionType": "choice", "choices": [{"id": "a"}, {"id": "a"}]}),
        "statement.object.definition.choices[1].id",
    ),
    (
        "2.4.4.1 component without id",
        at("object.definition", {"interactionType": "likert", "scale": [{"description": {"en": "x"}}]}),
        "statement.object.definition.scale[0].id",
    ),
    (
        "2.4.4.2 Agent object with two identifiers",
        at("object", {"objectType": "Agent", **AGENT, **OTHER}),
        "statement.object: has more",
    ),
    (
        "2.4.4.2 Group object whose member is a Group",
        at("object", {"objectType": "Group", "member": [GROUP]}),
        "statement.object.member[0]",
    ),
    (
        "2.4.4.3 StatementRef id not a UUID",
        at("object", {"objectType": "StatementRef", "id": MODULE}),
        "statement.object.id",
    ),
    (
        "2.4.4.3 StatementRef id as urn:uuid",
        at("object", {"objectType": "StatementRef", "id": f"urn:uuid:{ID}"}),
        "statement.object.id",
    ),
    (
        "2.4.4.3 StatementRef with a definition",
        at("object", {"objectType": "StatementRef", "id": ID, "definition": {"type": MODULE}}),
        "statement.object.definition",
    ),
    ("2.4.4.3 SubStatement with an id", at("object", sub(id=ID)), "statement.object.id"),
    ("2.4.4.3 SubStatement with stored", at("object", sub(stored="2026-11-02T10:00:00Z")), "statement.object.stored"),
    ("2.4.4.3 SubStatement with version", at("object", sub(version="1.0.3")), "statement.object.version"),
    ("2.4.4.3 SubStatement with authority", at("object", sub(authority=OTHER)), "statement.object.authority"),
    (
        "2.4.4.3 SubStatement inside a SubStatement",
        at("object", sub(object=sub())),
        "statement.object.object.objectType",
    ),
    (
        "2.4.4.3 SubStatement without a verb",
        at("object", {"objectType": "SubStatement", "actor": OTHER, "object": {"id": MODULE}}),
        "statement.object.verb: is required",
    ),
    ("2.4.4.3 SubStatement with a bad actor", at("object", sub(actor={**AGENT, **OTHER})), "statement.object.actor"),
    (
        "2.4.4.3 SubStatement with a bad timestamp",
        at("object", sub(timestamp="2026-11-02")),
        "statement.object.timestamp",
    ),
    (
        "2.4.4.3 SubStatement with platform about an Agent",
        at("object", sub(object={"objectType": "Agent", **AGENT}, context={"platform": "x"})),
        "statement.object.context.platform",
    ),
    # 2.4.5 result
    ("2.4.5 completion not a boolean", at("result", {"completion": "yes"}), "statement.result.completion"),
    ("2.4.5 success a number", at("result", {"success": 1}), "statement.result.success"),
    ("2.4.5 response not text", at("result", {"response": 4}), "statement.result.response"),
    ("2.4.5 duration P1H (hours need T)", at("result", {"duration": "P1H"}), "statement.result.duration"),
    ("2.4.5 duration PT", at("result", {"duration": "PT"}), "statement.result.duration"),
    ("2.4.5 duration P", at("result", {"duration": "P"}), "statement.result.duration"),
    ("2.4.5 duration without P", at("result", {"duration": "1H"}), "statement.result.duration"),
    ("2.4.5 duration of seconds as a number", at("result", {"duration": 60}), "statement.result.duration"),
    ("2.4.5 duration of weeks and days", at("result", {"duration": "P1W2D"}), "statement.result.duration"),
    ("2.4.5 result with unknown property", at("result", {"grade": "A"}), "statement.result.grade"),
    (
        "2.4.5 result extension key not an IRI",
        at("result", {"extensions": {"attempt": 2}}),
        "statement.result.extensions['attempt']",
    ),
    ("2.4.5.1 scaled above 1", at("result", {"score": {"scaled": 1.5}}), "statement.result.score.scaled"),
    ("2.4.5.1 scaled below -1", at("result", {"score": {"scaled": -1.01}}), "statement.result.score.scaled"),
    ("2.4.5.1 scaled as text", at("result", {"score": {"scaled": "0.5"}}), "statement.result.score.scaled"),
    ("2.4.5.1 scaled as a boolean", at("result", {"score": {"scaled": True}}), "statement.result.score.scaled"),
    ("2.4.5.1 raw above max", at("result", {"score": {"raw": 11, "max": 10}}), "statement.result.score.raw"),
    ("2.4.5.1 raw below min", at("result", {"score": {"raw": -1, "min": 0}}), "statement.result.score.raw"),
    ("2.4.5.1 min not below max", at("result", {"score": {"min": 10, "max": 10}}), "statement.result.score.min"),
    ("2.4.5.1 score with unknown property", at("result", {"score": {"percent": 50}}), "statement.result.score.percent"),
    # 2.4.6 context
    (
        "2.4.6 registration as urn:uuid",
        at("context", {"registration": f"urn:uuid:{ID}"}),
        "statement.context.registration",
    ),
    ("2.4.6 registration not a UUID", at("context", {"registration": "abc"}), "statement.context.registration"),
    (
        "2.4.6 instructor with two identifiers",
        at("context", {"instructor": {**AGENT, **OTHER}}),
        "statement.context.instructor: has more",
    ),
    (
        "2.4.6 instructor with no identifier",
        at("context", {"instructor": {"name": "Mr T"}}),
        "statement.context.instructor: needs exactly",
    ),
    (
        "2.4.6 instructor with a bad mbox",
        at("context", {"instructor": {"mbox": "t@school.example"}}),
        "statement.context.instructor.mbox",
    ),
    ("2.4.6 team an Agent", at("context", {"team": AGENT}), "statement.context.team"),
    (
        "2.4.6 team whose member is a Group",
        at("context", {"team": {"objectType": "Group", "member": [GROUP]}}),
        "statement.context.team.member[0]",
    ),
    (
        "2.4.6 team member with two identifiers",
        at("context", {"team": {"objectType": "Group", "member": [{**AGENT, **OTHER}]}}),
        "statement.context.team.member[0]",
    ),
    (
        "2.4.6 revision about a StatementRef",
        at("context", {"revision": "2"}, at("object", {"objectType": "StatementRef", "id": ID})),
        "statement.context.revision",
    ),
    (
        "2.4.6 platform about an Agent",
        at("context", {"platform": "Moodle"}, at("object", {"objectType": "Agent", **OTHER})),
        "statement.context.platform",
    ),
    ("2.4.6 revision not text", at("context", {"revision": 2}), "statement.context.revision"),
    ("2.4.6 language with underscore", at("context", {"language": "en_GB"}), "statement.context.language"),
    ("2.4.6 language ending in a hyphen", at("context", {"language": "en-GB-"}), "statement.context.language"),
    ("2.4.6 language a number", at("context", {"language": 44}), "statement.context.language"),
    (
        "2.4.6 unknown contextActivities kind",
        at("context", {"contextActivities": {"parents": [{"id": MODULE}]}}),
        "statement.context.contextActivities.parents",
    ),
    (
        "2.4.6 context activity without id",
        at("context", {"contextActivities": {"parent": [{"objectType": "Activity"}]}}),
        "statement.context.contextActivities.parent[0].id",
    ),
    (
        "2.4.6 context activity an Agent",
        at("context", {"contextActivities": {"other": {"objectType": "Agent", **AGENT}}}),
        "statement.context.contextActivities.other",
    ),
    (
        "2.4.6 context statement not a StatementRef",
        at("context", {"statement": {"objectType": "Activity", "id": ID}}),
        "statement.context.statement.objectType",
    ),
    (
        "2.4.6 context statement without objectType",
        at("context", {"statement": {"id": ID}}),
        "statement.context.statement.objectType",
    ),
    (
        "2.4.6 context extension key not an IRI",
        at("context", {"extensions": {"sessionid": "x"}}),
        "statement.context.extensions['sessionid']",
    ),
    ("2.4.6 context with unknown property", at("context", {"school": "x"}), "statement.context.school"),
    # 2.4.7 and 2.4.8 timestamps
    ("2.4.7 timestamp without a time", at("timestamp", "2026-11-02"), "statement.timestamp"),
    ("2.4.7 timestamp with -00:00", at("timestamp", "2026-11-02T10:15:00-00:00"), "statement.timestamp: must not use"),
    ("2.4.7 timestamp with -0000", at("timestamp", "2026-11-02T10:15:00-0000"), "statement.timestamp: must not use"),
    ("2.4.7 timestamp with a space", at("timestamp", "2026-11-02 10:15:00Z"), "statement.timestamp"),
    ("2.4.7 timestamp month 13", at("timestamp", "2026-13-02T10:15:00Z"), "statement.timestamp"),
    ("2.4.7 timestamp 30 February", at("timestamp", "2026-02-30T10:15:00Z"), "statement.timestamp"),
    ("2.4.7 timestamp in words", at("timestamp", "yesterday"), "statement.timestamp"),
    ("2.4.7 timestamp as a number", at("timestamp", 1793000000), "statement.timestamp"),
    ("2.4.7 timestamp with a 25-hour offset", at("timestamp", "2026-11-02T10:15:00+25:00"), "statement.timestamp"),
    ("2.4.8 stored with -00:00", at("stored", "2026-11-02T10:15:00-00:00"), "statement.stored"),
    # 2.4.9 authority
    ("2.4.9 authority with two identifiers", at("authority", {**AGENT, **OTHER}), "statement.authority: has more"),
    (
        "2.4.9 authority with no identifier",
        at("authority", {"objectType": "Agent"}),
        "statement.authority: needs exactly",
    ),
    (
        "2.4.9 authority Group of three",
        at("authority", {"objectType": "Group", "member": [AGENT, OTHER, {"mbox_sha1sum": "c" * 40}]}),
        "statement.authority",
    ),
    (
        "2.4.9 authority an identified Group",
        at("authority", {"objectType": "Group", **OTHER, "member": [AGENT, {"openid": "https://o.example/x"}]}),
        "statement.authority",
    ),
    (
        "2.4.9 authority Group member a Group",
        at("authority", {"objectType": "Group", "member": [AGENT, GROUP]}),
        "statement.authority.member[1]",
    ),
    # 2.4.10 version
    ("2.4.10 version 2.0.0", at("version", "2.0.0"), "statement.version"),
    ("2.4.10 version 1.1.0", at("version", "1.1.0"), "statement.version"),
    ("2.4.10 version without patch", at("version", "1.0"), "statement.version"),
    ("2.4.10 version as a number", at("version", 1.0), "statement.version"),
    # 2.4.11 attachments
    ("2.4.11 attachments not an array", at("attachments", ATTACHMENT), "statement.attachments"),
    (
        "2.4.11 attachment without sha2",
        at("attachments", [{k: v for k, v in ATTACHMENT.items() if k != "sha2"}]),
        "statement.attachments[0].sha2",
    ),
    (
        "2.4.11 attachment without display",
        at("attachments", [{k: v for k, v in ATTACHMENT.items() if k != "display"}]),
        "statement.attachments[0].display",
    ),
    (
        "2.4.11 attachment length as text",
        at("attachments", [{**ATTACHMENT, "length": "4235"}]),
        "statement.attachments[0].length",
    ),
    (
        "2.4.11 attachment contentType not a media type",
        at("attachments", [{**ATTACHMENT, "contentType": "pdf"}]),
        "statement.attachments[0].contentType",
    ),
    (
        "2.4.11 attachment usageType not an IRI",
        at("attachments", [{**ATTACHMENT, "usageType": "signature"}]),
        "statement.attachments[0].usageType",
    ),
    (
        "2.4.11 attachment sha2 not hex",
        at("attachments", [{**ATTACHMENT, "sha2": "not-a-hash"}]),
        "statement.attachments[0].sha2",
    ),
    (
        "2.4.11 attachment content not sent",
        at("attachments", [{k: v for k, v in ATTACHMENT.items() if k != "fileUrl"}]),
        "statement.attachments[0].fileUrl",
    ),
    # 2.3.2 voiding
    (
        "2.3.2 voiding an Activity",
        at("verb", VOIDED),
        "statement.object: a voiding statement's object must be a StatementRef",
    ),
    (
        "2.3.2 voiding an Agent",
        at("object", {"objectType": "Agent", **AGENT}, at("verb", VOIDED)),
        "statement.object: a voiding",
    ),
]


@pytest.mark.parametrize("statement", [case[1] for case in MUST_ACCEPT], ids=[case[0] for case in MUST_ACCEPT])
def test_statement_the_specification_allows_is_accepted(statement: dict[str, Any]) -> None:
    [parsed] = parse_statements(statement, NOW)

    assert parsed.document is not None
    assert parsed.document["actor"]


@pytest.mark.parametrize(
    ("statement", "named"), [case[1:] for case in MUST_REJECT], ids=[case[0] for case in MUST_REJECT]
)
def test_statement_the_specification_forbids_is_refused_naming_the_property(statement: Any, named: str) -> None:
    payload = statement[0] if isinstance(statement, list) else statement
    with pytest.raises(MalformedStatement) as refused:
        parse_statements(payload if not isinstance(statement, list) else [payload], NOW)

    message = refused.value.message
    assert message.startswith(named.replace("statement", "statements[0]", 1) if isinstance(statement, list) else named)


def test_every_case_names_a_distinct_specification_rule() -> None:
    names = [case[0] for case in MUST_ACCEPT] + [case[0] for case in MUST_REJECT]

    assert len(names) == len(set(names))


def test_batch_of_good_statements_is_taken_in_order() -> None:
    batch = [at("id", str(uuid4())) for _ in range(3)] + [BASE]

    parsed = parse_statements(batch, NOW)

    assert [str(s.statement_id) for s in parsed[:3]] == [s["id"] for s in batch[:3]]
    assert parsed[3].statement_id not in {s.statement_id for s in parsed[:3]}


@pytest.mark.parametrize(("case", "statement", "named"), MUST_REJECT[::10], ids=[case[0] for case in MUST_REJECT[::10]])
def test_one_bad_statement_refuses_its_batch_naming_its_index_and_id(case: str, statement: Any, named: str) -> None:
    bad = statement[0] if isinstance(statement, list) else statement
    if isinstance(bad, dict) and "id" not in bad:
        bad = {**bad, "id": OTHER_ID}
    batch = [at("id", str(uuid4())), at("id", str(uuid4())), bad]

    with pytest.raises(MalformedStatement) as refused:
        parse_statements(batch, NOW)

    message = refused.value.message
    assert message.startswith("statements[2]")
    if isinstance(bad, dict) and isinstance(bad.get("id"), str) and bad["id"] == OTHER_ID:
        assert message.endswith(f"(statement {OTHER_ID})")


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ([], "non-empty array"),
        ("a string", "statement object or a non-empty array"),
        (None, "statement object or a non-empty array"),
        ([at("id", ID), at("id", ID.upper())], "appears twice"),
    ],
    ids=["empty batch", "not a statement", "null", "one id twice"],
)
def test_batch_that_is_no_batch_is_refused(payload: Any, message: str) -> None:
    with pytest.raises(MalformedStatement, match=message):
        parse_statements(payload, NOW)


def test_batch_limit_is_stated_and_kept() -> None:
    assert len(parse_statements([BASE] * MAX_BATCH, NOW)) == MAX_BATCH == 1000

    with pytest.raises(BatchTooLarge, match=f"at most {MAX_BATCH}"):
        parse_statements([BASE] * (MAX_BATCH + 1), NOW)


def test_put_takes_the_id_from_the_query_and_refuses_a_different_one_in_the_body() -> None:
    statement_id = UUID(ID)

    from_query = parse_statement_put(BASE, statement_id, NOW)
    same_in_body = parse_statement_put(at("id", ID.upper()), statement_id, NOW)

    assert from_query.statement_id == same_in_body.statement_id == statement_id
    with pytest.raises(MalformedStatement, match="differs from statementId"):
        parse_statement_put(at("id", OTHER_ID), statement_id, NOW)
    with pytest.raises(MalformedStatement, match="one statement object"):
        parse_statement_put([BASE], statement_id, NOW)


def test_timestamps_keep_their_zone_and_a_missing_one_is_read_as_utc() -> None:
    def stamp(value: str) -> datetime:
        return parse_statements(at("timestamp", value), NOW)[0].timestamp

    assert stamp("2026-11-02T10:15:00.123+01:00") == datetime(
        2026, 11, 2, 10, 15, 0, 123000, timezone(timedelta(hours=1))
    )
    assert stamp("2026-11-02T10:15:00") == datetime(2026, 11, 2, 10, 15, tzinfo=UTC)
    assert stamp("2026-11-02T10:15:00.123456789Z").microsecond == 123456


def test_kept_statement_has_no_email_or_name_and_answers_as_the_specification_says() -> None:
    authority = {"objectType": "Agent", "account": {"homePage": "http://learning.example/", "name": "admin"}}

    [parsed] = parse_statements(FULL, NOW, authority)

    kept = parsed.document
    assert kept is not None
    text = json.dumps(kept)
    assert [private for private in ("jane@school.example", "Jane", "u-42") if private in text] == []
    assert kept["actor"] == {"objectType": "Agent", "mbox_sha1sum": hashlib.sha1(AGENT["mbox"].encode()).hexdigest()}
    assert kept["authority"] == authority  # the LRS vouches, not the sender
    assert (kept["id"], kept["version"]) == (ID, "1.0.3")
    assert kept["context"]["contextActivities"]["grouping"] == [FULL["context"]["contextActivities"]["grouping"]]
    assert "stored" not in kept


def test_statement_without_id_timestamp_or_version_is_kept_with_those_the_lrs_sets() -> None:
    [parsed] = parse_statements(BASE, NOW)

    kept = parsed.document
    assert kept is not None
    assert (kept["id"], kept["timestamp"], kept["version"]) == (
        str(parsed.statement_id),
        "2026-11-02T10:00:00.000Z",
        "1.0.0",
    )
