"""Recorded workflow histories replay against the current workflow code: a change that would break journeys or
cohorts already running (a new command in a different order, without `workflow.patched`) fails here, not in
production.

The histories in tests/histories/ come from whole journeys and a cohort on the time-skipping server
(`RSP_RECORD_HISTORIES=1 pytest tests/unit/test_school_journey.py` writes them). Keep the old files when a
workflow changes; add new ones beside them. See workflows/VERSIONING.md.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from runtime.temporal import DATA_CONVERTER
from workflows.cohort.workflows import Cohort
from workflows.journey.workflows import SchoolJourney

HISTORIES = sorted((Path(__file__).parents[1] / "histories").glob("*.json"))


@pytest.mark.parametrize("workflow", ["journey", "cohort"])
def test_there_are_recorded_histories_to_replay(workflow: str) -> None:
    recorded = [path for path in HISTORIES if path.stem.startswith(f"{workflow}_")]
    # Before and after the last patch: both the old branch and the new one are replayed.
    assert len(recorded) >= (4 if workflow == "journey" else 1)


@pytest.mark.parametrize("recorded", HISTORIES, ids=[path.stem for path in HISTORIES])
async def test_recorded_history_replays_on_the_current_code(recorded: Path) -> None:
    history = WorkflowHistory.from_json(recorded.stem, recorded.read_text(encoding="utf-8"))
    # The replayer picks the workflow by the type named in the history.
    replayer = Replayer(workflows=[SchoolJourney, Cohort], data_converter=DATA_CONVERTER)

    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)

    assert result.replay_failure is None, f"{recorded.name}: {result.replay_failure}"


@pytest.mark.parametrize("recorded", ["journey_keeps_up_v3", "journey_lags_and_catches_up_v3"])
async def test_a_flagged_journey_run_by_a_worker_that_ignored_the_flag_replays(recorded: str) -> None:
    # A bridge that sets `started_patched` ahead of a worker that predates it: that worker marked every patch it met.
    # Its history is a recorded pre-flag one with the flag in its start input (built here; the files stay as
    # recorded).
    history = json.loads((Path(__file__).parents[1] / "histories" / f"{recorded}.json").read_text(encoding="utf-8"))
    [payload] = history["events"][0]["workflowExecutionStartedEventAttributes"]["input"]["payloads"]
    payload["data"] = base64.b64encode(
        json.dumps(json.loads(base64.b64decode(payload["data"])) | {"started_patched": True}).encode()
    ).decode()
    replayer = Replayer(workflows=[SchoolJourney, Cohort], data_converter=DATA_CONVERTER)

    result = await replayer.replay_workflow(
        WorkflowHistory.from_json(recorded, json.dumps(history)), raise_on_replay_failure=False
    )

    assert result.replay_failure is None, f"{recorded} with the flag: {result.replay_failure}"
