"""TerminatedJourney: says, for a journey terminated in the Temporal UI, what the journey itself no longer can.

Termination runs none of a workflow's code, so a terminated SchoolJourney never publishes that it ended. The bridge
finds it when the next event about that school arrives and starts this short workflow (one per journey, id
`<journey id>-terminated`), which publishes `JourneyWithdrawn` under the very id the journey would have used: if
the journey had already published its withdrawal, JetStream and every inbox drop this one. Enrolment, which owns
withdrawal, then withdraws the school.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from contracts.events.journey import JourneyWithdrawn
    from workflows.journey.activities import JourneyActivities, PublishJourneyEvent
    from workflows.journey.messages import JourneyTerminated
    from workflows.journey.workflows import PUBLISH_RETRY, journey_event_id

__all__ = ["TerminatedJourney", "terminated_journey_id"]


def terminated_journey_id(journey_id: str) -> str:
    return f"{journey_id}-terminated"


@workflow.defn(name="TerminatedJourney")
class TerminatedJourney:
    """Publishes the withdrawal of a journey that was terminated, then ends."""

    @workflow.run
    async def run(self, ended: JourneyTerminated) -> None:
        event = JourneyWithdrawn(
            urn=ended.urn,
            cohort_id=ended.cohort_id,
            journey_id=ended.journey_id,
            withdrawn_on=ended.terminated_on,
            phase=ended.phase,
        )
        await workflow.execute_activity_method(
            JourneyActivities.publish_journey_event,
            PublishJourneyEvent(
                str(journey_event_id(ended.journey_id, "withdrawn")), event.subject, event.model_dump(mode="json")
            ),
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=PUBLISH_RETRY,
        )
