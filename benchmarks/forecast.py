"""How long the Monte Carlo forecast takes for a cohort, and whether the same seed gives the same answer.

    .venv/bin/python -m benchmarks.forecast                          # 40 schools x 1,000 runs, 3 times
    .venv/bin/python -m benchmarks.forecast --schools 4 --runs 100 --repeats 1

The cohort is synthetic (no stack needed): schools of 30 staff that joined on the same day and lived four months
at varied, known rates, so each forecast simulates the remaining fourteen months of every school. Each repeat
forecasts the whole cohort with the seed 1 on every core (`forecast_cohort(processes=os.cpu_count())`, as
`rsp forecast` does). It prints each time, the median, the time per simulated school-month (runs x schools x
months simulated) and whether every repeat gave the identical forecast. Quote the median; the machine may be shared.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from dataclasses import asdict
from datetime import date

from contracts.programme import add_months
from workflows.forecast.montecarlo import SimulatedSchool, forecast_cohort
from workflows.forecast.synthetic import synthetic_school, typical_rates
from workflows.journey.messages import JourneyProgress


def _cohort(schools: int, staff: int) -> tuple[list[JourneyProgress], date]:
    start = date(2026, 9, 1)
    today = add_months(start, 4)
    rng = random.Random(2026)
    states = []
    for n in range(schools):
        rates = typical_rates(rng.uniform(0.6, 1.3), 0.9)
        journey, _ = SimulatedSchool(synthetic_school(f"{900000 + n}", start, staff), rates, start, [], today).run(rng)
        states.append(journey.s)
    return states, today


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--schools", type=int, default=40)
    parser.add_argument("--staff", type=int, default=30, help="staff per school")
    parser.add_argument("--runs", type=int, default=1000, help="runs per school")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    states, today = _cohort(args.schools, args.staff)
    months = sum((s.ends_on - today).days for s in states) / 30.44
    processes = os.cpu_count() or 1
    seconds, answers = [], []
    for _ in range(args.repeats):
        began = time.perf_counter()
        forecast = forecast_cohort("benchmark", states, today, runs=args.runs, seed=1, processes=processes)
        seconds.append(time.perf_counter() - began)
        answers.append(asdict(forecast))
    median = statistics.median(seconds)
    school_months = args.runs * months
    print(
        f"forecast of {args.schools} schools x {args.runs} runs ({months:.0f} school-months to simulate per run "
        f"across the cohort) on {processes} processes"
    )
    print("times: " + ", ".join(f"{s:.2f} s" for s in seconds) + f"; median {median:.2f} s")
    print(f"per simulated school-month: {1e6 * median / school_months:.1f} µs")
    print(f"same seed, same forecast on every repeat: {all(a == answers[0] for a in answers)}")


if __name__ == "__main__":
    main()
