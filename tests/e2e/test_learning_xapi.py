"""A learning platform posts xAPI 1.0.3 statements as a cmi5/SCORM-style LMS would: single, batch, duplicate,
voiding, unknown actor and malformed; and, as an LMS forwarder that checks its writes, statements the
specification forbids are refused whole (400, nothing stored, progress unchanged), a statement is put and read
back by its id, a voided one only as voided, every answer carries the version header, and a batch has a limit."""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from typing import Any

import asyncpg
import httpx
import pytest
from nats.js import JetStreamContext
from temporalio.client import Client

from runtime.local.endpoints import Endpoints
from tests.clients import Platform, platform_as
from tests.support import (
    Footprint,
    enrolled_learner,
    enrolled_school,
    eventually,
    published,
    registered_staff,
)
from workflows.verify import journey_progress

COHORT = "e2e-learning-xapi"
STATEMENTS_WRITTEN = Footprint.rows_of("learning.xapi_statements", streams=("RSP_LEARNING",))
WRITTEN = Footprint.rows_of(
    "learning.xapi_statements", "learning.module_completions", "learning.completion_withdrawals",
    streams=("RSP_LEARNING",),
)  # fmt: skip
XAPI = {"X-Experience-API-Version": "1.0.3"}
MODULE = "https://tirp.relationalschools.example/xapi/activities/module-{:02d}"
COURSE = "https://tirp.relationalschools.example/xapi/activities/course"
COMPLETED = {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-GB": "completed"}}


def _statement(actor: dict[str, Any], module: int, **extra: Any) -> dict[str, Any]:
    """A cmi5-style 'completed' statement for one module's assignable unit."""
    return {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "name": "Platform User", **actor},
        "verb": COMPLETED,
        "object": {
            "objectType": "Activity",
            "id": MODULE.format(module),
            "definition": {
                "name": {"en-GB": f"Module {module}"},
                "type": "https://w3id.org/xapi/cmi5/activitytype/block",
            },
        },
        "result": {"completion": True, "duration": "PT42M10S"},
        "context": {
            "registration": str(uuid.uuid4()),
            "contextActivities": {
                "parent": [{"id": COURSE}],
                "category": [{"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"}],
            },
        },
        "timestamp": "2026-11-02T10:15:00.000Z",
        **extra,
    }


async def _post(api: Platform, body: Any) -> httpx.Response:
    return await api.learning.post_statements(body, headers=XAPI)


async def _learner(api: Platform, urn: str) -> tuple[str, str]:
    """A registered staff member mapped by the programme team to an email's mbox_sha1sum; returns (id, mbox)."""
    staff_id = await registered_staff(api, urn)
    mbox = f"mailto:{uuid.uuid4().hex[:10]}@school.example"
    mapping = {"staff_id": staff_id, "mbox_sha1sum": hashlib.sha1(mbox.encode()).hexdigest()}
    assert (await api.learning.map_actor(mapping)).status_code == 201
    return staff_id, mbox


async def _learner_completed(api: Platform, module: int) -> tuple[str, str, str, dict[str, Any]]:
    """A mapped learner of a new school whose statement completing `module` was taken; (urn, id, mbox, statement)."""
    urn = await enrolled_school(api, COHORT)
    staff_id, mbox = await _learner(api, urn)
    statement = _statement({"mbox": mbox}, module)
    assert (await _post(api, statement)).status_code == 200
    return urn, staff_id, mbox, statement


async def _completed(api: Platform, urn: str, staff_id: str) -> list[int]:
    progress = (await api.learning.staff_progress(urn, staff_id)).json()
    modules: list[int] = progress["modules_completed"]
    return modules


async def _learning_events(db: asyncpg.Pool, js: JetStreamContext, urn: str) -> list[str]:
    return [kind for kind, event in await published(db, js, "RSP_LEARNING") if event.get("urn") == urn]


async def test_single_completed_statement_by_mbox_becomes_a_module_completion(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    urn = await enrolled_school(api, COHORT)
    staff_id, mbox = await _learner(api, urn)
    statement = _statement({"mbox": mbox}, 5)

    answer = await _post(api, statement)

    assert answer.status_code == 200, answer.text
    assert answer.json() == [statement["id"]]
    assert answer.headers["x-experience-api-version"] == "1.0.3"
    assert "rsp-unmatched-statements" not in answer.headers
    assert await _completed(api, urn, staff_id) == [5]
    assert await _learning_events(db, js, urn) == ["rsp.learning.module.completed.v1"]
    stored = await db.fetchrow(
        "SELECT * FROM learning.xapi_statements WHERE statement_id = $1", uuid.UUID(statement["id"])
    )
    assert stored is not None
    assert mbox.removeprefix("mailto:") not in json.dumps(dict(stored), default=str)


async def test_batch_by_account_counts_completions_and_acknowledges_other_statements(api: Platform) -> None:
    urn, staff_id = await enrolled_learner(api, COHORT)
    account = {"homePage": "https://lms.example.org", "name": f"user-{uuid.uuid4().hex[:6]}"}
    mapping = {"staff_id": staff_id, "account": account}
    assert (await api.learning.map_actor(mapping)).status_code == 201
    actor = {"account": account}
    launched = {**_statement(actor, 1), "verb": {"id": "http://adlnet.gov/expapi/verbs/launched"}}
    del launched["result"]
    by_result = {**_statement(actor, 2), "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"}}
    page_view = {**_statement(actor, 3), "object": {"id": "https://lms.example.org/pages/welcome"}}
    without_id = _statement(actor, 4)
    del without_id["id"]

    answer = await _post(api, [launched, by_result, page_view, without_id])

    ids = answer.json()
    assert answer.status_code == 200, answer.text
    assert ids[:3] == [launched["id"], by_result["id"], page_view["id"]]
    assert uuid.UUID(ids[3])  # generated for the statement sent without one
    assert await _completed(api, urn, staff_id) == [2, 4]
    progress = (await api.learning.staff_progress(urn, staff_id)).json()
    assert progress["modules_started"] == [1, 2, 4]


async def test_same_statement_sent_twice_counts_once(api: Platform, db: asyncpg.Pool, js: JetStreamContext) -> None:
    urn = await enrolled_school(api, COHORT)
    _, mbox = await _learner(api, urn)
    statement = _statement({"mbox": mbox}, 7)

    first, again = await _post(api, statement), await _post(api, [statement])
    changed = await _post(api, {**statement, "timestamp": "2026-11-03T09:00:00Z"})

    assert first.json() == again.json() == [statement["id"]]
    assert changed.status_code == 409
    assert statement["id"] in changed.json()["detail"]
    assert await _learning_events(db, js, urn) == ["rsp.learning.module.completed.v1"]


async def test_voiding_statement_withdraws_the_completion_it_names(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    urn, staff_id, _, statement = await _learner_completed(api, 8)
    voiding = {
        "actor": {"mbox": "mailto:lms-admin@lms.example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-US": "voided"}},
        "object": {"objectType": "StatementRef", "id": statement["id"]},
    }

    answer = await _post(api, voiding)

    assert answer.status_code == 200, answer.text
    assert await _completed(api, urn, staff_id) == []
    assert await _learning_events(db, js, urn) == [
        "rsp.learning.module.completed.v1",
        "rsp.learning.module.completion_withdrawn.v1",
    ]


async def test_unknown_actor_is_reported_listed_and_counts_once_mapped(api: Platform) -> None:
    urn, staff_id = await enrolled_learner(api, COHORT)
    mbox = f"mailto:{uuid.uuid4().hex[:10]}@school.example"
    statement = _statement({"mbox": mbox}, 11)

    answer = await _post(api, statement)
    listed = (await api.learning.unmatched_statements()).json()
    mapping = {"staff_id": staff_id, "mbox_sha1sum": hashlib.sha1(mbox.encode()).hexdigest()}
    mapped = await api.learning.map_actor(mapping)
    listed_after = (await api.learning.unmatched_statements()).json()

    assert answer.status_code == 200
    assert answer.headers["rsp-unmatched-statements"] == statement["id"]
    [waiting] = [s for s in listed if s["statement_id"] == statement["id"]]
    assert (waiting["outcome"], waiting["module_number"]) == ("unknown_actor", 11)
    assert mapped.json()["statements_now_counted"] == 1
    assert statement["id"] not in [s["statement_id"] for s in listed_after]
    assert await _completed(api, urn, staff_id) == [11]


MALFORMED: list[tuple[str, Any, str]] = [
    ("not json", None, "not valid JSON"),
    ("empty batch", [], "non-empty array"),
    ("no actor", {"verb": COMPLETED, "object": {"id": MODULE.format(1)}}, "statement.actor: is required"),
    ("two identifiers", {"actor": {"mbox": "mailto:a@b.example",
                                   "account": {"homePage": "https://x.example", "name": "a"}},
                         "verb": COMPLETED, "object": {"id": MODULE.format(1)}}, "more than one identifier"),
    ("mbox without mailto", {"actor": {"mbox": "a@b.example"}, "verb": COMPLETED, "object": {"id": MODULE.format(1)}},
     "statement.actor.mbox: must be a mailto: IRI"),
    ("verb not an IRI", {"actor": {"mbox": "mailto:a@b.example"}, "verb": {"id": "completed"},
                         "object": {"id": MODULE.format(1)}}, "statement.verb.id: must be an IRI"),
    ("bad id", {"id": "42", "actor": {"mbox": "mailto:a@b.example"}, "verb": COMPLETED,
                "object": {"id": MODULE.format(1)}}, "statement.id: must be a UUID"),
    ("completion not boolean", {"actor": {"mbox": "mailto:a@b.example"}, "verb": COMPLETED,
                                "object": {"id": MODULE.format(1)}, "result": {"completion": "yes"}},
     "statement.result.completion: must be true or false"),
    ("unknown property", {"actor": {"mbox": "mailto:a@b.example"}, "verb": COMPLETED,
                          "object": {"id": MODULE.format(1)}, "score": 1}, "unknown properties score"),
    ("voiding an activity", {"actor": {"mbox": "mailto:a@b.example"}, "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
                             "object": {"id": MODULE.format(1)}}, "must be a StatementRef"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "body", "named"), MALFORMED, ids=[c[0] for c in MALFORMED])
async def test_malformed_statements_get_400_saying_what_is_wrong_and_store_nothing(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext, case: str, body: Any, named: str
) -> None:
    urn = await enrolled_school(api, COHORT)
    _, mbox = await _learner(api, urn)
    good = _statement({"mbox": mbox}, 1)
    before = await STATEMENTS_WRITTEN.taken(db, js)

    if body is None:
        answer = await api.learning.post_statements(
            content=b"{not json", headers={**XAPI, "content-type": "application/json"}
        )
    else:  # a good statement rides along in the same batch: nothing of the batch is kept
        answer = await _post(api, [good, body] if isinstance(body, dict) else body)

    assert answer.status_code == 400, answer.text
    assert named.replace("statement.", "statements[1].") in answer.json()["detail"] or named in answer.json()["detail"]
    after = await STATEMENTS_WRITTEN.taken(db, js)
    assert after == before


async def test_statement_without_the_version_header_is_refused(api: Platform) -> None:
    answer = await api.learning.post_statements(_statement({"mbox": "mailto:a@b.example"}, 1))

    assert answer.status_code == 400
    assert "X-Experience-API-Version" in answer.json()["detail"]


async def test_actor_mapping_needs_registered_staff_and_exactly_one_identifier(api: Platform, db: asyncpg.Pool) -> None:
    before = await db.fetchval("SELECT count(*) FROM learning.xapi_actors")
    stranger = str(uuid.uuid4())

    unknown = await api.learning.map_actor({"staff_id": stranger, "mbox_sha1sum": "a" * 40})
    neither = await api.learning.map_actor({"staff_id": stranger})
    raw_email = await api.learning.map_actor({"staff_id": stranger, "mbox": "mailto:a@b.example"})

    assert (unknown.status_code, neither.status_code, raw_email.status_code) == (422, 422, 422)
    assert stranger in unknown.json()["detail"]
    assert "mbox_sha1sum" in neither.text
    assert "mbox" in raw_email.text
    assert await db.fetchval("SELECT count(*) FROM learning.xapi_actors") == before


async def test_retried_batch_with_an_idempotency_key_gets_the_first_answer(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    urn = await enrolled_school(api, COHORT)
    _, mbox = await _learner(api, urn)
    batch = [_statement({"mbox": mbox}, 12), _statement({"mbox": mbox}, 13)]
    key = {**XAPI, "Idempotency-Key": str(uuid.uuid4())}

    answers = [await api.learning.post_statements(batch, headers=key) for _ in "ab"]

    assert answers[0].json() == answers[1].json() == [s["id"] for s in batch]
    assert answers[1].headers["idempotent-replayed"] == "true"
    assert await _learning_events(db, js, urn) == ["rsp.learning.module.completed.v1"] * 2


VOIDED = {"id": "http://adlnet.gov/expapi/verbs/voided"}
AGENT = {"mbox": "mailto:someone@platform.example"}
GROUP = {"objectType": "Group", "member": [AGENT]}


def _bad(**changes: Any) -> dict[str, Any]:
    return {"actor": AGENT, "verb": COMPLETED, "object": {"id": MODULE.format(3)}, **changes}


# The list of what was wrongly accepted, one case each: (case, statement, property named).
REFUSED: list[tuple[str, dict[str, Any], str]] = [
    ("id as urn:uuid", _bad(id=f"urn:uuid:{uuid.uuid4()}"), "statements[1].id"),
    ("id without hyphens", _bad(id=uuid.uuid4().hex), "statements[1].id"),
    ("duration P1H", _bad(result={"duration": "P1H"}), "statements[1].result.duration"),
    ("timestamp without a time", _bad(timestamp="2026-11-02"), "statements[1].timestamp"),
    ("timestamp with -00:00", _bad(timestamp="2026-11-02T10:00:00-00:00"), "statements[1].timestamp"),
    ("extension key not an IRI", _bad(context={"extensions": {"session": 1}}), "statements[1].context.extensions"),
    ("version 2.0.0", _bad(version="2.0.0"), "statements[1].version"),
    ("SubStatement with an id", _bad(object={"objectType": "SubStatement", "id": str(uuid.uuid4()), "actor": AGENT,
                                            "verb": COMPLETED, "object": {"id": MODULE.format(3)}}),
     "statements[1].object.id"),
    ("nested SubStatement", _bad(object={"objectType": "SubStatement", "actor": AGENT, "verb": COMPLETED,
                                         "object": {"objectType": "SubStatement", "actor": AGENT, "verb": COMPLETED,
                                                    "object": {"id": MODULE.format(3)}}}),
     "statements[1].object.object.objectType"),
    ("Group member a Group", _bad(actor={"objectType": "Group", "member": [GROUP]}), "statements[1].actor.member[0]"),
    ("bad language tag", _bad(context={"language": "en_GB"}), "statements[1].context.language"),
    ("result null", _bad(result=None), "statements[1].result"),
    ("instructor with two identifiers", _bad(context={"instructor": {**AGENT, "openid": "https://o.example/x"}}),
     "statements[1].context.instructor"),
    ("team an Agent", _bad(context={"team": AGENT}), "statements[1].context.team"),
    ("authority without identifier", _bad(authority={"objectType": "Agent", "name": "LMS"}),
     "statements[1].authority"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "bad", "named"), REFUSED, ids=[c[0] for c in REFUSED])
async def test_statement_the_specification_forbids_refuses_its_whole_batch(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext, case: str, bad: dict[str, Any], named: str
) -> None:
    good = {**_bad(), "id": str(uuid.uuid4())}
    before = await WRITTEN.taken(db, js)

    answer = await _post(api, [good, bad])

    assert answer.status_code == 400, answer.text
    assert answer.json()["detail"].startswith(named)
    assert answer.headers["x-experience-api-version"] == "1.0.3"
    assert await WRITTEN.taken(db, js) == before


async def test_refused_statement_never_brings_back_a_voided_completion(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    urn, staff_id, mbox, statement = await _learner_completed(api, 9)
    voiding = {"actor": AGENT, "verb": VOIDED, "object": {"objectType": "StatementRef", "id": statement["id"]}}
    assert (await _post(api, voiding)).status_code == 200
    before = await WRITTEN.taken(db, js)
    again = [
        {**statement, "id": f"urn:uuid:{statement['id']}"},
        {**_statement({"mbox": mbox}, 9), "result": {"completion": True, "duration": "P1H"}},
        {**_statement({"mbox": mbox}, 9), "timestamp": "2026-11-02"},
    ]

    answers = [await _post(api, [_statement({"mbox": mbox}, 10), malformed]) for malformed in again]

    assert [a.status_code for a in answers] == [400, 400, 400]
    assert await _completed(api, urn, staff_id) == []
    assert await WRITTEN.taken(db, js) == before


async def test_statement_put_under_its_id_is_read_back_as_the_lrs_stored_it(api: Platform) -> None:
    statement_id = str(uuid.uuid4())
    statement = {**_statement(AGENT, 2), "context": {"contextActivities": {"parent": {"id": MODULE.format(0)}}}}
    del statement["id"]

    put = await api.learning.put_statement(statement, statement_id, headers=XAPI)
    same_again = await api.learning.put_statement(statement, statement_id, headers=XAPI)
    different = await api.learning.put_statement({**statement, "timestamp": "2026-11-03T09:00:00Z"}, statement_id,
                                                 headers=XAPI)  # fmt: skip
    read = await api.learning.get_statement({"statementId": statement_id}, headers=XAPI)

    assert (put.status_code, same_again.status_code, different.status_code) == (204, 204, 409)
    assert put.headers["x-experience-api-version"] == "1.0.3"
    assert read.status_code == 200, read.text
    assert "x-experience-api-consistent-through" in read.headers
    assert read.headers["x-experience-api-version"] == "1.0.3"
    stored = read.json()
    assert stored["id"] == statement_id
    assert stored["verb"] == statement["verb"]
    assert stored["object"] == statement["object"]
    assert stored["result"] == statement["result"]
    assert stored["timestamp"] == statement["timestamp"]
    assert stored["version"] == "1.0.0"
    assert stored["stored"].endswith("Z")
    assert stored["authority"]["account"]["name"] == "local-admin"  # the credentials it came with
    assert stored["actor"] == {"objectType": "Agent", "mbox_sha1sum": hashlib.sha1(AGENT["mbox"].encode()).hexdigest()}
    assert stored["context"]["contextActivities"]["parent"] == [{"id": MODULE.format(0)}]


async def test_put_refuses_another_id_in_the_body_a_batch_and_a_missing_or_malformed_statement_id(
    api: Platform,
) -> None:
    statement_id = str(uuid.uuid4())
    other = {**_statement(AGENT, 2), "id": str(uuid.uuid4())}

    mismatch = await api.learning.put_statement(other, statement_id, headers=XAPI)
    malformed = await api.learning.put_statement(_bad(), statement_id.replace("-", ""), headers=XAPI)
    batch = await api.learning.put_statement([_bad()], statement_id, headers=XAPI)
    no_id = await api.learning.request("PUT", "/xapi/statements", json=_bad(), headers=XAPI)
    read = await api.learning.get_statement({"statementId": statement_id}, headers=XAPI)

    assert (mismatch.status_code, malformed.status_code, batch.status_code, no_id.status_code) == (400,) * 4
    assert "differs from statementId" in mismatch.json()["detail"]
    assert malformed.json()["detail"].startswith("statementId")
    assert read.status_code == 404


async def test_voided_statement_is_found_only_as_voided(api: Platform) -> None:
    target = {**_bad(), "id": str(uuid.uuid4())}
    voiding = {"actor": AGENT, "verb": VOIDED, "object": {"objectType": "StatementRef", "id": target["id"]}}
    assert (await _post(api, [target, voiding])).status_code == 200
    live = {**_bad(), "id": str(uuid.uuid4())}
    assert (await _post(api, live)).status_code == 200

    by_id = await api.learning.get_statement({"statementId": target["id"]}, headers=XAPI)
    as_voided = await api.learning.get_statement({"voidedStatementId": target["id"]}, headers=XAPI)
    live_as_voided = await api.learning.get_statement({"voidedStatementId": live["id"]}, headers=XAPI)
    both = await api.learning.get_statement(
        {"statementId": live["id"], "voidedStatementId": target["id"]}, headers=XAPI
    )
    query = await api.learning.get_statement(
        {"statementId": live["id"], "verb": "http://adlnet.gov/expapi/verbs/completed"}, headers=XAPI
    )

    assert by_id.status_code == 404
    assert by_id.headers["x-experience-api-version"] == "1.0.3"
    assert "x-experience-api-consistent-through" in by_id.headers
    assert as_voided.status_code == 200
    assert as_voided.json()["id"] == target["id"]
    assert live_as_voided.status_code == 404
    assert (both.status_code, query.status_code) == (400, 400)


async def test_every_xapi_answer_carries_the_version_even_refusals(stack: Endpoints, api: Platform) -> None:
    async with platform_as(stack) as anonymous:
        no_token = await anonymous.learning.post_statements(_bad(), headers=XAPI)
    no_version = await api.learning.get_statement({"statementId": str(uuid.uuid4())})
    old_version = await api.learning.post_statements(_bad(), headers={"X-Experience-API-Version": "0.95"})
    short_version = await api.learning.post_statements(_bad(), headers={"X-Experience-API-Version": "1.0"})

    assert (no_token.status_code, no_version.status_code, old_version.status_code) == (401, 400, 400)
    assert short_version.status_code == 200  # xAPI: "1.0" is taken as 1.0.0
    for answer in (no_token, no_version, old_version, short_version):
        assert answer.headers["x-experience-api-version"] == "1.0.3"


async def test_batch_over_the_limit_is_refused_with_413_and_stores_nothing(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    before = await WRITTEN.taken(db, js)

    answer = await _post(api, [_bad() for _ in range(1001)])

    assert answer.status_code == 413
    assert "at most 1000" in answer.json()["detail"]
    assert answer.headers["x-experience-api-version"] == "1.0.3"
    assert await WRITTEN.taken(db, js) == before


async def test_batch_with_many_unmatched_statements_answers_a_count_and_a_link_not_every_id(api: Platform) -> None:
    stranger = {"mbox": f"mailto:{uuid.uuid4().hex[:10]}@school.example"}
    batch = [{**_statement(stranger, 1 + i % 15), "id": str(uuid.uuid4())} for i in range(30)]

    answer = await _post(api, batch)
    listed = {s["statement_id"] for s in (await api.learning.unmatched_statements()).json()}

    assert answer.status_code == 200, answer.text
    assert answer.json() == [s["id"] for s in batch]
    assert answer.headers["rsp-unmatched-count"] == "30"
    assert "rsp-unmatched-statements" not in answer.headers
    assert answer.headers["link"] == '</xapi/unmatched>; rel="related"'
    assert sum(len(k) + len(v) for k, v in answer.headers.items()) < 1024
    assert {s["id"] for s in batch} <= listed


# Everything a batch can write: statements, starts, completions and their withdrawals, and the events.
BATCH_WRITTEN = Footprint.rows_of(
    "learning.xapi_statements", "learning.module_starts", "learning.module_completions",
    "learning.completion_withdrawals", "learning.outbox", streams=("RSP_LEARNING",),
)  # fmt: skip
LAUNCHED = {"id": "http://adlnet.gov/expapi/verbs/launched"}
EXPERIENCED = {"id": "http://adlnet.gov/expapi/verbs/experienced"}


async def _mapped_staff(api: Platform, urn: str, count: int) -> list[tuple[str, dict[str, Any]]]:
    """`count` registered staff of `urn`, each mapped to an LMS account: (staff id, xAPI actor)."""
    mapped = []
    for _ in range(count):
        staff_id = await registered_staff(api, urn)
        account = {"homePage": "https://lms.example.org", "name": f"user-{uuid.uuid4().hex[:8]}"}
        assert (await api.learning.map_actor({"staff_id": staff_id, "account": account})).status_code == 201
        mapped.append((staff_id, {"account": account}))
    return mapped


def _full_batch(actors: list[dict[str, Any]], size: int = 1000) -> list[dict[str, Any]]:
    """A cmi5-like batch of `size` statements: each actor launches and completes every module once, and the rest
    is what platforms send around that (pages experienced, launches again)."""
    batch = []
    for actor in actors:
        for module in range(1, 16):
            launched = {**_statement(actor, module), "verb": LAUNCHED}
            del launched["result"]
            batch += [launched, _statement(actor, module)]
    while len(batch) < size:
        actor, module = actors[len(batch) % len(actors)], 1 + len(batch) % 15
        batch.append({**_statement(actor, module), "verb": EXPERIENCED})
    return batch[:size]


async def _completions_counted_everywhere(api: Platform, temporal: Client, urn: str) -> tuple[int, int, int]:
    """Completions of `urn` in learning, its journey and reporting, once the journey and reporting hold as many
    as learning."""
    counted = len((await api.learning.completions(urn)).json())

    async def caught_up() -> tuple[int, int, int] | None:
        journey = await journey_progress(temporal, COHORT, urn)
        answer = await api.reporting.progress(urn)
        if journey is None or answer.status_code != 200:
            return None
        found = (counted, journey.module_completions(), answer.json()["modules"]["module_completions"])
        return found if found[1] == found[2] == counted else None

    return await eventually(caught_up, within=60)


async def test_bulk_batch_counts_every_completion_once_in_learning_the_journey_and_reporting(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext, temporal: Client
) -> None:
    urn = await enrolled_school(api, COHORT)
    staff = await _mapped_staff(api, urn, 4)
    batch = _full_batch([actor for _, actor in staff])

    answer = await _post(api, batch)
    counted = await _completions_counted_everywhere(api, temporal, urn)
    after_first = await BATCH_WRITTEN.taken(db, js)
    resent = await _post(api, batch)
    counted_again = await _completions_counted_everywhere(api, temporal, urn)

    assert answer.status_code == 200, answer.text
    assert answer.json() == [s["id"] for s in batch]
    assert counted == (60, 60, 60)
    for staff_id, _ in staff:
        assert await _completed(api, urn, staff_id) == list(range(1, 16))
    # In the statements' order: each learner starts then completes module 1, then module 2, and so on.
    events = [
        (kind.split(".")[3], event["staff_id"], event["module_number"])
        for kind, event in await published(db, js, "RSP_LEARNING")
        if event.get("urn") == urn
    ]
    assert events == [
        (happened, staff_id, module)
        for staff_id, _ in staff
        for module in range(1, 16)
        for happened in ("started", "completed")
    ]
    assert (resent.status_code, resent.json()) == (200, answer.json())
    assert await BATCH_WRITTEN.taken(db, js) == after_first
    assert counted_again == (60, 60, 60)


async def test_bulk_batch_with_one_bad_statement_at_its_end_writes_nothing(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    urn = await enrolled_school(api, COHORT)
    staff = await _mapped_staff(api, urn, 2)
    batch = _full_batch([actor for _, actor in staff])
    stored = _statement(staff[0][1], 1)
    assert (await _post(api, stored)).status_code == 200
    before = await BATCH_WRITTEN.taken(db, js)

    malformed = await _post(api, [*batch[:-1], {**batch[-1], "timestamp": "2026-11-02"}])
    conflicting = await _post(api, [*batch[:-1], {**stored, "timestamp": "2026-11-03T09:00:00Z"}])

    assert malformed.status_code == 400, malformed.text
    assert malformed.json()["detail"].startswith("statements[999].timestamp")
    assert conflicting.status_code == 409, conflicting.text
    assert stored["id"] in conflicting.json()["detail"]
    assert await BATCH_WRITTEN.taken(db, js) == before
    assert await _completed(api, urn, staff[0][0]) == [1]


async def test_completed_voided_and_completed_again_in_one_batch_counts_once(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    urn = await enrolled_school(api, COHORT)
    [(staff_id, actor)] = await _mapped_staff(api, urn, 1)
    first, again = _statement(actor, 14), _statement(actor, 14)
    voiding = {"actor": AGENT, "verb": VOIDED, "object": {"objectType": "StatementRef", "id": first["id"]}}

    answer = await _post(api, [first, voiding, again])

    assert answer.status_code == 200, answer.text
    assert await _completed(api, urn, staff_id) == [14]
    assert await _learning_events(db, js, urn) == [
        "rsp.learning.module.completed.v1",
        "rsp.learning.module.completion_withdrawn.v1",
        "rsp.learning.module.completed.v1",
    ]
    kept = await db.fetchval(
        "SELECT statement_id FROM learning.module_completions WHERE staff_id = $1", uuid.UUID(staff_id)
    )
    assert str(kept) == again["id"]


async def test_concurrent_batches_sharing_statements_and_modules_count_each_once(
    api: Platform, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    urn = await enrolled_school(api, COHORT)
    staff = await _mapped_staff(api, urn, 2)
    shared = _full_batch([actor for _, actor in staff], 200)
    # Each batch also completes every module again under statement ids of its own: one completion stands.
    batches = [
        [*shared, *[_statement(actor, module) for _, actor in staff for module in range(1, 16)]] for _ in range(4)
    ]

    answers = await asyncio.gather(*(_post(api, batch) for batch in batches))

    assert [a.status_code for a in answers] == [200] * 4, [a.text for a in answers]
    for staff_id, _ in staff:
        assert await _completed(api, urn, staff_id) == list(range(1, 16))
    events = await _learning_events(db, js, urn)
    assert events.count("rsp.learning.module.completed.v1") == 30
    assert events.count("rsp.learning.module.started.v1") == 30
    stored = await db.fetchval(
        "SELECT count(*) FROM learning.xapi_statements WHERE statement_id = ANY($1::uuid[])",
        list({uuid.UUID(s["id"]) for batch in batches for s in batch}),
    )
    assert stored == len(shared) + 4 * 30
