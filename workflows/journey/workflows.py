"""SchoolJourney: the durable record of one school's 18 months in the programme.

This slice starts the journey, tracks module completions and answers queries; the phases, deadlines and
decisions come with the journey issue. Signals carry the event id; an id seen before changes nothing, because
JetStream delivers at least once.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import SearchAttributeKey

with workflow.unsafe.imports_passed_through():
    from contracts.search_attributes import JOURNEY_PHASE
    from workflows.journey.messages import (
        QUERY_PROGRESS,
        SIGNAL_MODULE_COMPLETED,
        JourneyProgress,
        JourneyStart,
        ModuleCompletion,
    )

__all__ = ["PROGRAMME_LENGTH", "SchoolJourney"]

# 18 months, counted generously in days so that the last month is never cut short.
PROGRAMME_LENGTH = timedelta(days=549)

_PHASE = SearchAttributeKey.for_keyword(JOURNEY_PHASE)


@workflow.defn(name="SchoolJourney")
class SchoolJourney:
    """One school's journey through the programme."""

    @workflow.init
    def __init__(self, start: JourneyStart) -> None:
        self._progress = JourneyProgress(
            urn=start.urn, cohort_id=start.cohort_id, enrolled_on=start.enrolled_on, phase="launch"
        )
        self._seen: set[str] = {start.event_id}
        self._progress.events_seen = 1

    @workflow.run
    async def run(self, start: JourneyStart) -> JourneyProgress:
        workflow.upsert_search_attributes([_PHASE.value_set(self._progress.phase)])
        await workflow.sleep(PROGRAMME_LENGTH)
        self._progress.phase = "completed"
        workflow.upsert_search_attributes([_PHASE.value_set(self._progress.phase)])
        return self._progress

    def _first_time(self, event_id: str) -> bool:
        if event_id in self._seen:
            return False
        self._seen.add(event_id)
        self._progress.events_seen = len(self._seen)
        return True

    @workflow.signal(name=SIGNAL_MODULE_COMPLETED)
    def module_completed(self, completion: ModuleCompletion) -> None:
        if not self._first_time(completion.event_id):
            return
        modules = self._progress.modules_completed.setdefault(completion.staff_id, [])
        if completion.module_number not in modules:
            modules.append(completion.module_number)
            modules.sort()
            self._progress.module_completions += 1

    @workflow.query(name=QUERY_PROGRESS)
    def progress(self) -> JourneyProgress:
        return self._progress
