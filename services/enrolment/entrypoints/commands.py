"""Enrolment's `rsp` subcommands: the retention rule for personal data, and the demo cohort."""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
from pathlib import Path

import httpx

from runtime.commands import Command, admin_token, running_stack
from runtime.settings import Settings
from services.enrolment.entrypoints.demo import DEMO_COHORT, seed_demo

__all__ = ["ERASE_PERSONAL_DATA", "SEED_DEMO"]


def _keep_days(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--keep-days",
        type=int,
        default=None,
        help="days to keep after a school ends (default RSP_PERSONAL_DATA_KEEP_DAYS)",
    )


def _erase_personal_data(args: argparse.Namespace) -> int:
    """Ask enrolment to erase staff names and emails of schools that ended more than `keep_days` ago."""
    settings = Settings()
    endpoints = running_stack(settings)
    days = settings.personal_data_keep_days if args.keep_days is None else args.keep_days
    answer = httpx.post(
        f"{endpoints.url('enrolment')}/personal-data-erasures",
        json={"keep_days": days},
        headers={"Authorization": f"Bearer {admin_token(settings)}"},
        timeout=60,
    )
    if answer.status_code != 200:
        print(f"rsp: enrolment refused the erasure ({answer.status_code}): {answer.text}", file=sys.stderr)
        return 1
    report = answer.json()
    print(
        f"erased the personal data of {report['staff_erased']} staff at {len(report['schools'])} schools "
        f"that ended more than {days} days ago: {', '.join(report['schools']) or 'none'}"
    )
    return 0


def _seed_demo(_: argparse.Namespace) -> int:
    settings = Settings()
    print(asyncio.run(seed_demo(running_stack(settings), admin_token(settings))), flush=True)
    # The forecast needs the journeys to have lived their history: `rsp forecast --wait` waits for that, in the
    # background, so `rsp up --demo` goes on supervising the stack meanwhile.
    log = settings.data_dir.resolve() / "logs" / "demo-forecast.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    rsp = Path(sys.executable).parent / "rsp"
    with log.open("ab") as output:
        subprocess.Popen(
            [str(rsp), "forecast", DEMO_COHORT["cohort_id"], "--wait-minutes", "15"],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    print(f"rsp: the demo's forecast is made once its journeys have caught up (log: {log})", flush=True)
    return 0


ERASE_PERSONAL_DATA = Command(
    "erase staff names and emails of schools that ended long enough ago", _erase_personal_data, _keep_days
)
SEED_DEMO = Command("seed a small demo cohort into the running stack (safe to run again)", _seed_demo)
