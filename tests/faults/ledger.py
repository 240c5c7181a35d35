"""Counting acknowledged writes everywhere they must be: the owner's table, the stream, reporting, the journey.

Each place is read on its own; `Tally` puts them side by side, and `one_truth` waits until they agree and then
checks each holds every acknowledged write exactly once.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

import asyncpg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from temporalio.client import Client

from contracts import DEAD_LETTER, ModuleCompleted
from tests.clients import Platform
from workflows.verify import journey_progress

__all__ = ["Tally", "dead_letter_count", "dead_letters_since", "tally"]

_LEARNING_STREAM = "RSP_LEARNING"


@dataclass(frozen=True)
class Tally:
    """One school's module completions as each place holds them."""

    # learning (the owner): (staff, module) -> completion ids recorded for it
    owner: dict[tuple[str, int], list[str]]
    # RSP_LEARNING: completion id -> how many ModuleCompleted messages carry it; and their ce-ids
    stream: Counter[str]
    stream_event_ids: list[str]
    # reporting: its completion records, and the figure its progress API gives
    reporting: Counter[str]
    reporting_figure: int | None
    # the journey: completion id -> (staff, module); None while it cannot be queried
    journey: dict[str, tuple[str, int]] | None

    @property
    def completion_ids(self) -> dict[str, tuple[str, int]]:
        return {cid: pair for pair, ids in self.owner.items() for cid in ids}

    def differences(self, expected: set[tuple[str, int]]) -> list[str]:
        """Where a place does not hold exactly the owner's completions once each, or the owner not exactly
        `expected` (the acknowledged writes) once each; empty when all agree."""
        ids = self.completion_ids
        once = Counter(ids.keys())
        found: list[str] = []
        if missing := expected - set(self.owner):
            found.append(f"learning lacks {len(missing)} acknowledged writes, e.g. {sorted(missing)[:3]}")
        if extra := set(self.owner) - expected:
            found.append(f"learning holds {len(extra)} writes never acknowledged, e.g. {sorted(extra)[:3]}")
        if doubled := {pair: n for pair, n in self.owner.items() if len(n) != 1}:
            found.append(f"learning holds {len(doubled)} writes more than once, e.g. {list(doubled.items())[:2]}")
        if self.stream != once:
            found.append(_compare("RSP_LEARNING", self.stream, once))
        if len(set(self.stream_event_ids)) != len(self.stream_event_ids):
            found.append("RSP_LEARNING holds one ce-id on several completions")
        if self.reporting != once:
            found.append(_compare("reporting's records", self.reporting, once))
        if self.reporting_figure != len(ids):
            found.append(f"reporting's progress says {self.reporting_figure} module completions, not {len(ids)}")
        if self.journey is None:
            found.append("the journey cannot be queried")
        elif self.journey != ids:
            found.append(_compare("the journey", Counter(self.journey.keys()), once))
        return found


def _compare(place: str, held: Counter[str], wanted: Counter[str]) -> str:
    missing = wanted - held
    extra = held - wanted
    doubled = [cid for cid, n in held.items() if n > 1]
    return (
        f"{place}: {sum(held.values())} held, {sum(missing.values())} missing, {sum(extra.values())} unknown, "
        f"{len(doubled)} more than once"
    )


async def tally(
    db: asyncpg.Pool, js: JetStreamContext, api: Platform, temporal: Client, cohort_id: str, urn: str
) -> Tally:
    owner: dict[tuple[str, int], list[str]] = {}
    for row in await db.fetch(
        "SELECT completion_id, staff_id, module_number FROM learning.module_completions WHERE urn = $1", urn
    ):
        owner.setdefault((str(row["staff_id"]), row["module_number"]), []).append(str(row["completion_id"]))

    stream, event_ids = await _completions_in_stream(js, urn)

    reporting = Counter(
        str(row["completion_id"])
        for row in await db.fetch("SELECT completion_id FROM reporting.module_completion_records WHERE urn = $1", urn)
    )
    answer = await api.reporting.progress(urn)
    figure = int(answer.json()["modules"]["module_completions"]) if answer.status_code == 200 else None

    journey: dict[str, tuple[str, int]] | None = None
    progress = await journey_progress(temporal, cohort_id, urn)
    if progress is not None:
        journey = {
            completion_id: (staff_id, module)
            for staff_id, record in progress.staff.items()
            for completion_id, module in record.modules.items()
        }
    return Tally(owner, stream, event_ids, reporting, figure, journey)


async def _completions_in_stream(js: JetStreamContext, urn: str) -> tuple[Counter[str], list[str]]:
    """Every ModuleCompleted message about `urn` in learning's stream, read through a throwaway consumer."""
    config = ConsumerConfig(
        deliver_policy=DeliverPolicy.ALL, ack_policy=AckPolicy.NONE, inactive_threshold=30.0, mem_storage=True
    )
    subscription = await js.pull_subscribe(ModuleCompleted.subject, stream=_LEARNING_STREAM, config=config)
    counted: Counter[str] = Counter()
    event_ids: list[str] = []
    try:
        while True:
            try:
                batch = await subscription.fetch(1000, timeout=1.0)
            except TimeoutError:
                break
            for message in batch:
                try:
                    payload = json.loads(message.data)
                except ValueError:
                    continue  # an injected message that is not JSON: not a completion of anyone's
                if not isinstance(payload, dict) or payload.get("urn") != urn:
                    continue
                counted[str(payload["completion_id"])] += 1
                event_ids.append((message.headers or {}).get("ce-id", ""))
            if (await subscription.consumer_info()).num_pending == 0:
                break
    finally:
        await subscription.unsubscribe()
    return counted, event_ids


async def dead_letter_count(js: JetStreamContext) -> int:
    """The last sequence of the dead-letter stream: what a test's dead letters are counted from."""
    return int((await js.stream_info(DEAD_LETTER.name)).state.last_seq)


async def dead_letters_since(js: JetStreamContext, sequence: int) -> list[dict[str, str]]:
    """The headers of every dead letter published after `sequence`."""
    last = await dead_letter_count(js)
    letters = []
    for seq in range(sequence + 1, last + 1):
        message = await js.get_msg(DEAD_LETTER.name, seq)
        letters.append(dict(message.headers or {}))
    return letters
