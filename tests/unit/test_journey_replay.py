"""Recorded journey histories replay against the current workflow code: a change that would break journeys
already running (a new command in a different order, without `workflow.patched`) fails here, not in production.

The histories in tests/histories/ come from whole journeys on the time-skipping server
(`RSP_RECORD_HISTORIES=1 pytest tests/unit/test_school_journey.py` writes them). Keep the old files when the
workflow changes; add new ones beside them. See workflows/VERSIONING.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from workflows.journey.workflows import SchoolJourney

HISTORIES = sorted((Path(__file__).parents[1] / "histories").glob("journey_*.json"))


def test_there_are_recorded_histories_to_replay() -> None:
    assert len(HISTORIES) >= 2


@pytest.mark.parametrize("recorded", HISTORIES, ids=[path.stem for path in HISTORIES])
async def test_recorded_journey_replays_on_the_current_code(recorded: Path) -> None:
    history = WorkflowHistory.from_json("journey-oxon-2026-123456", recorded.read_text(encoding="utf-8"))
    replayer = Replayer(workflows=[SchoolJourney], data_converter=pydantic_data_converter)

    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)

    assert result.replay_failure is None, f"{recorded.name}: {result.replay_failure}"
