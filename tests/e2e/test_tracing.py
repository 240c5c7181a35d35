"""One request is one trace: HTTP edge -> outbox relay -> JetStream -> bridge -> workflow signal, and projection."""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

from tests.clients import Platform
from tests.support import enrolled_learner, eventually

COHORT = "e2e-tracing"


def _spans(stack_dir: Path, trace_id: str) -> list[dict[str, Any]]:
    """The spans that name `trace_id`, as their own trace or in a link. Only those lines are parsed: by this test
    the session's span files hold tens of megabytes, and parsing them all at each look cost seconds of CPU."""
    spans: list[dict[str, Any]] = []
    for path in (stack_dir / "traces").glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if trace_id in line:
                span = json.loads(line)
                span["process"] = path.stem
                spans.append(span)
    return spans


async def test_module_completion_is_one_trace_from_request_to_signal_and_projection(
    stack_dir: Path, api: Platform
) -> None:
    urn, staff_id = await enrolled_learner(api, COHORT)

    trace_id = secrets.token_hex(16)
    answer = await api.learning.record_completion(
        {"staff_id": staff_id, "urn": urn, "module_number": 5},
        headers={"traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01"},
    )
    assert answer.status_code == 201

    def in_trace() -> list[dict[str, Any]]:
        return [s for s in _spans(stack_dir, trace_id) if s["context"]["trace_id"] == f"0x{trace_id}"]

    def named(spans: list[dict[str, Any]], process: str, name: str) -> dict[str, Any] | None:
        return next((s for s in spans if s["process"] == process and s["name"] == name), None)

    async def whole_trace() -> list[dict[str, Any]] | None:
        spans = in_trace()
        wanted = [
            ("learning", "POST /completions"),
            ("learning", "outbox relay rsp.learning.module.completed.v1"),
            ("learning", "rsp.learning.module.completed.v1 publish"),
            ("bridge", "rsp.learning.module.completed.v1 process"),
            # A school's completions travel in `modules_completed` signals (one or more each): this one alone.
            ("bridge", "SignalWorkflow:modules_completed"),
            ("reporting", "rsp.learning.module.completed.v1 process"),
        ]
        return spans if all(named(spans, *w) for w in wanted) else None

    spans = await eventually(whole_trace, within=30)

    by_id = {s["context"]["span_id"]: s for s in spans}
    # Every span in the trace descends from the HTTP request, with no gap between processes.
    root = named(spans, "learning", "POST /completions")
    assert root is not None
    for span in spans:
        ancestor = span
        while ancestor is not root and ancestor["parent_id"] in by_id:
            ancestor = by_id[ancestor["parent_id"]]
        assert ancestor is root, f"{span['process']}:{span['name']} is cut off from the request"

    # Temporal runs the signal handler inside the workflow's own trace and links it to the sender's span.
    # If the completion overtook the journey's start, the bridge retried: any of its signal calls may be the one.
    async def handled() -> bool:
        signals = {
            s["context"]["span_id"]
            for s in in_trace()
            if s["process"] == "bridge" and s["name"] == "SignalWorkflow:modules_completed"
        }
        return any(
            s["process"] == "worker"
            and s["name"] == "HandleSignal:modules_completed"
            and any(link["context"]["span_id"] in signals for link in s["links"])
            for s in _spans(stack_dir, trace_id)
        )

    await eventually(handled, within=30)
