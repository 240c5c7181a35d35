"""How long the console takes to render a cohort's page for a 40-school cohort, against the API calls it makes.

    .venv/bin/python -m benchmarks.console_cohort_page                 # 40 schools, 200 renders
    .venv/bin/python -m benchmarks.console_cohort_page --schools 40 --renders 500 --data-dir /tmp/bench --keep-data

It starts the real local stack (Postgres, NATS, Temporal and every platform process, the console included, on
ports the kernel picks, in a fresh temporary data folder unless `--data-dir` is given), creates a cohort and
enrols `--schools` schools through enrolment's API, waits until reporting and circles know every school, signs in
to the console as the programme team through a one-time link, then:

1. **page**: `GET /cohorts/<id>` on the console, one after another, `--renders` times (after `--warmup` renders):
   each render is four API calls made at once (the cohort from enrolment; progress and cohort impact from
   reporting; half-terms from circles), the needs-attention ranking and the template.
2. **api**: the same four calls, made at once with a programme-team token straight to the services, the same
   number of times: the raw ceiling. The ratio page/api is what the console adds.

Median and p95 of each print as a table and go, raw samples included, to
`benchmarks/results/console_cohort_page-<time>.json`. Run it alone: the machine's other load shows in the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx

from runtime.local.stack import LocalStack, isolated_settings

__all__ = ["main"]

RESULTS_DIR = Path(__file__).resolve().parent / "results"
FIRST_URN = 200001
SET_UP_SECONDS = 180.0


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


async def _until(check: Callable[[], Awaitable[bool]], what: str) -> None:
    deadline = time.monotonic() + SET_UP_SECONDS
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.5)
    raise TimeoutError(f"set-up: {what} not within {SET_UP_SECONDS:.0f} s")


async def _seed(api: httpx.AsyncClient, urls: dict[str, str], cohort_id: str, schools: int) -> None:
    answer = await api.post(
        f"{urls['enrolment']}/cohorts",
        json={"cohort_id": cohort_id, "name": "Benchmark", "local_authority": "Oxfordshire", "starts_on": "2026-09-01"},
    )
    answer.raise_for_status()
    for index in range(schools):
        school = {
            "urn": str(FIRST_URN + index),
            "name": f"School {index + 1}",
            "cohort_id": cohort_id,
            "phase": "primary",
        }
        (await api.post(f"{urls['enrolment']}/schools", json=school)).raise_for_status()

    async def reported() -> bool:
        answer = await api.get(f"{urls['reporting']}/progress", params={"cohort_id": cohort_id})
        return answer.status_code == 200 and len(answer.json()) == schools

    async def circles_know() -> bool:
        answer = await api.get(f"{urls['circles']}/schools/{FIRST_URN + schools - 1}")
        return answer.status_code == 200

    await _until(reported, "reporting knows every school")
    await _until(circles_know, "circles knows every school")


async def _api_calls(api: httpx.AsyncClient, urls: dict[str, str], cohort_id: str) -> None:
    answers = await asyncio.gather(
        api.get(f"{urls['enrolment']}/cohorts/{cohort_id}"),
        api.get(f"{urls['reporting']}/progress", params={"cohort_id": cohort_id}),
        api.get(f"{urls['reporting']}/cohorts/{cohort_id}/impact"),
        api.get(f"{urls['circles']}/cohorts/{cohort_id}/half-terms"),
    )
    for answer in answers:
        answer.raise_for_status()


async def _timed(times: int, call: Callable[[], Awaitable[None]]) -> list[float]:
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


async def run(options: argparse.Namespace) -> dict[str, object]:
    data_dir = Path(options.data_dir) if options.data_dir else Path(tempfile.mkdtemp(prefix="rsp-console-bench-"))
    stack = LocalStack(isolated_settings(data_dir), echo=None)
    endpoints = await stack.start()
    try:
        urls = {name: service.url for name, service in endpoints.services.items()}
        headers = {"Authorization": f"Bearer {stack.token()}"}
        cohort_id = f"bench-{uuid.uuid4().hex[:6]}"
        async with httpx.AsyncClient(headers=headers, timeout=30) as api:
            await _seed(api, urls, cohort_id, options.schools)
            invited = await api.post(
                f"{urls['console']}/api/sign-in-links",
                json={"email": "bench@council.example.org", "role": "programme_admin", "urns": []},
            )
            invited.raise_for_status()
            async with httpx.AsyncClient(base_url=urls["console"], timeout=30) as browser:
                signed = await browser.post(invited.json()["sign_in_url"])
                if signed.status_code != 303:
                    raise RuntimeError(f"signing in to the console answered {signed.status_code}")

                async def render() -> None:
                    page = await browser.get(f"/cohorts/{cohort_id}")
                    page.raise_for_status()
                    assert f"School {options.schools}" in page.text

                async def calls() -> None:
                    await _api_calls(api, urls, cohort_id)

                await _timed(options.warmup, render)
                await _timed(options.warmup, calls)
                page_ms = await _timed(options.renders, render)
                api_ms = await _timed(options.renders, calls)
    finally:
        await stack.stop()
    return {
        "schools": options.schools,
        "renders": options.renders,
        "page_ms": page_ms,
        "api_ms": api_ms,
        "when": datetime.now(UTC).isoformat(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schools", type=int, default=40)
    parser.add_argument("--renders", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--keep-data", action="store_true", help="(the data folder is a temporary one otherwise)")
    options = parser.parse_args()
    result = asyncio.run(run(options))
    page_ms, api_ms = result["page_ms"], result["api_ms"]
    assert isinstance(page_ms, list)
    assert isinstance(api_ms, list)
    print(f"cohort page of {options.schools} schools, {options.renders} renders one after another")
    print(f"{'':<28}{'median ms':>10}{'p95 ms':>10}")
    print(f"{'console page':<28}{statistics.median(page_ms):>10.1f}{_p95(page_ms):>10.1f}")
    print(f"{'its 4 API calls (raw)':<28}{statistics.median(api_ms):>10.1f}{_p95(api_ms):>10.1f}")
    print(f"{'ratio page / API':<28}{statistics.median(page_ms) / statistics.median(api_ms):>10.2f}")
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"console_cohort_page-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    path.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(f"results: {path}")


if __name__ == "__main__":
    main()
