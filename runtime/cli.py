"""`rsp`: run the platform locally, see how it is doing, and run its checks.

rsp up [--demo]     start everything, print where it is, stream logs; Ctrl-C stops it all
rsp status          is every process of the running stack up (exit 1 if not), and where is it
rsp token           mint a bearer token
rsp dead-letters    list the events no consumer could handle; --replay SEQ... or --replay-all sends them back
rsp asyncapi        print the AsyncAPI document of every event
rsp test [ARGS]     ruff, mypy --strict, the main suite, then the browser, fuzzing and fault stages (ARGS: pytest)

and the commands the services provide (entry points `rsp.commands`): rsp erase-personal-data (enrolment: apply
the retention rule), rsp seed-demo (enrolment: the demo cohort), rsp rebuild-reporting (reporting: replay the
streams into fresh read models and swap them in).
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import json
import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import NoReturn

import nats

from contracts.asyncapi import asyncapi_document
from runtime.auth import Role, mint_token
from runtime.commands import Command, operator_nats_url, service_commands
from runtime.dead_letters import dead_letters, replay
from runtime.errors import ConfigurationError
from runtime.local.endpoints import Endpoints
from runtime.local.signing_key import with_signing_key
from runtime.local.stack import LocalStack, StackAlreadyRunning
from runtime.local.status import stack_status
from runtime.log import configure_logging
from runtime.settings import Settings

__all__ = ["main"]

ROOT = Path(__file__).resolve().parent.parent


def _summary(endpoints: Endpoints, admin_token: str | None = None) -> str:
    lines = ["", "Relational Schools Programme platform is up:"]
    for name, service in endpoints.services.items():
        lines.append(f"  {name:<10} {service.url}   (API docs {service.docs})")
    if admin_token:
        lines.append(f"  dashboard  {endpoints.dashboard}/login?token={admin_token}")
    else:
        lines.append(f"  dashboard  {endpoints.dashboard}")
    if endpoints.mailbox:
        login = f"{endpoints.mailbox}/login?token={admin_token}" if admin_token else endpoints.mailbox
        lines.append(f"  mailbox    {login}   (SMTP {endpoints.smtp}: every email the platform sends stays here)")
    if endpoints.temporal_ui:
        lines.append(f"  Temporal   UI {endpoints.temporal_ui}   (frontend {endpoints.temporal_address})")
    else:
        lines.append(f"  Temporal   {endpoints.temporal_address}")
    lines.append(
        f"  NATS       {endpoints.nats_url}"
        + (f"   (monitor {endpoints.nats_monitor})" if endpoints.nats_monitor else "")
    )
    lines.append(f"  Postgres   {endpoints.postgres_dsn}")
    lines.append('Find a school\'s journey in the Temporal UI with the query: Urn = "<urn>"')
    lines.append("Press Ctrl-C to stop everything.")
    return "\n".join(lines) + "\n"


async def _up(demo: bool) -> int:
    settings = Settings()
    stack = LocalStack(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    print(f"rsp: starting the stack in {stack.data_dir}", flush=True)
    starting = asyncio.create_task(stack.start())
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
    if not starting.done():
        starting.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await starting
        print("rsp: stopped before the stack was ready", flush=True)
        return 130
    stopping.cancel()
    endpoints = starting.result()
    admin_token = stack.token()
    print(_summary(endpoints, admin_token), flush=True)
    if "console-invite" in service_commands():
        # The console's command: a one-time link for the programme team's own account (made on first use).
        print("Sign in to the console as the programme team (the link works once):", flush=True)
        invite = argparse.Namespace(email=None, role="programme_admin", urn=[])
        await asyncio.to_thread(service_commands()["console-invite"].run, invite)
    if demo:
        # The demo is enrolment's command; it runs beside the loop that supervises the stack.
        await asyncio.to_thread(service_commands()["seed-demo"].run, argparse.Namespace())
    supervising = asyncio.create_task(stack.supervise())
    stopped = asyncio.create_task(stop.wait())
    await asyncio.wait({supervising, stopped}, return_when=asyncio.FIRST_COMPLETED)
    code = 0
    if supervising.done():
        print(f"rsp: {supervising.result()}; stopping everything (logs in {stack.data_dir / 'logs'})", flush=True)
        code = 1
    supervising.cancel()
    print("rsp: stopping", flush=True)
    await stack.stop()
    print("rsp: stopped; data kept in", stack.data_dir, flush=True)
    return code


def up(demo: bool) -> int:
    try:
        return asyncio.run(_up(demo))
    except (StackAlreadyRunning, ConfigurationError) as refused:
        print(f"rsp: {refused}", file=sys.stderr)
        return 2


def status() -> int:
    settings = Settings()
    endpoints = Endpoints.read(settings.data_dir.resolve())
    if endpoints is None:
        print(f"rsp: no stack is running from {settings.data_dir.resolve()} (start one with `./rsp up`)")
        return 1
    statuses = asyncio.run(stack_status(endpoints, settings.journey_task_queue))
    for process in statuses:
        print(process.line())
    down = [process.name for process in statuses if not process.up]
    print(_summary(endpoints).split("\n", 2)[2].rsplit("Press", 1)[0], end="")
    if down:
        print(f"rsp: down: {', '.join(down)}")
    return 1 if down else 0


def token(role: str, schools: list[str], subject: str, minutes: int | None) -> int:
    settings = with_signing_key(Settings())
    lifetime = timedelta(minutes=minutes or settings.token_minutes)
    try:
        print(mint_token(settings.require_jwt_secret(), Role(role), subject, schools, lifetime))
    except ValueError as refused:
        print(f"rsp: {refused}", file=sys.stderr)
        return 2
    return 0


async def _dead_letters(nats_url: str, consumer: str | None, replaying: list[int], replay_all: bool) -> int:
    client = await nats.connect(nats_url, name="rsp-dead-letters")
    try:
        js = client.jetstream()
        shown = replayed = 0
        async for letter in dead_letters(js, consumer):
            if replay_all or letter.sequence in replaying:
                await replay(js, letter)
                replayed += 1
                print(f"replayed {letter.sequence}: {letter.subject} {letter.event_id} (to {letter.consumer})")
            elif not replaying:
                print(letter.line())
                shown += 1
        if replaying or replay_all:
            print(f"{replayed} dead letters replayed")
        else:
            print(f"{shown} dead letters" + (f" of {consumer}" if consumer else ""))
    finally:
        await client.close()
    return 0


def dead_letters_command(consumer: str | None, replaying: list[int], replay_all: bool) -> int:
    """List dead letters, or replay some (by sequence) or all of them, through the operator's NATS user."""
    try:
        nats_url = operator_nats_url(Settings())
    except ConfigurationError as refused:
        print(f"rsp: {refused}", file=sys.stderr)
        return 2
    return asyncio.run(_dead_letters(nats_url, consumer, replaying, replay_all))


def _run_provided(command: Command, args: argparse.Namespace) -> int:
    try:
        return command.run(args)
    except ConfigurationError as refused:
        print(f"rsp: {refused}", file=sys.stderr)
        return 2


# Stages with stacks of their own (the console driven in Chromium, the fuzzer's, the one that kills servers and
# processes): the main run leaves them out (`--ignore` in pyproject.toml) and they run after it, each a pytest
# session of its own, so the main suite keeps within its ten minutes.
STAGES = ("tests/browser_console", "tests/fuzz", "tests/faults")
_NO_TESTS_COLLECTED = 5


def _pytest_stages(pytest_args: list[str]) -> list[list[str]]:
    """The pytest runs of `rsp test`: ARGS naming tests run just those; otherwise the main suite, then each
    stage, each with ARGS (options such as `-x` or `-k`)."""
    names_tests = any((ROOT / arg.split("::", 1)[0]).exists() for arg in pytest_args if arg and not arg.startswith("-"))
    if names_tests:
        return [pytest_args]
    return [pytest_args, *([stage, *pytest_args] for stage in STAGES)]


def test(pytest_args: list[str]) -> int:
    """Lint, types, then the main suite and each stage."""
    python = sys.executable
    steps = [
        [python, "-m", "ruff", "check", "."],
        [python, "-m", "ruff", "format", "--check", "."],
        [python, "-m", "mypy", "."],
        *([python, "-m", "pytest", *stage] for stage in _pytest_stages(pytest_args)),
    ]
    for step in steps:
        print("rsp test:", " ".join(step[2:]), flush=True)
        result = subprocess.run(step, cwd=ROOT, check=False)
        # `-k` may select nothing in one stage; that stage then has nothing to say.
        if result.returncode == _NO_TESTS_COLLECTED and pytest_args and step[2] == "pytest":
            continue
        if result.returncode != 0:
            return result.returncode
    return 0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="rsp", description="The Relational Schools Programme platform.")
    commands = parser.add_subparsers(dest="command", required=True)
    up_command = commands.add_parser("up", help="run the whole platform locally until Ctrl-C")
    up_command.add_argument("--demo", action="store_true", help="seed a small demo cohort")
    commands.add_parser("status", help="health and addresses of the running stack")
    token_command = commands.add_parser("token", help="mint a bearer token signed with the stack's key")
    token_command.add_argument("--role", choices=[role.value for role in Role], default=Role.PROGRAMME_ADMIN.value)
    token_command.add_argument("--urn", action="append", default=[], help="a school the token reaches (repeat)")
    token_command.add_argument("--subject", default="local-user", help="who the token is for (an id, not a name)")
    token_command.add_argument("--minutes", type=int, default=None, help="lifetime (default RSP_TOKEN_MINUTES)")
    provided = service_commands()
    for name, command in sorted(provided.items()):
        command.arguments(commands.add_parser(name, help=command.help))
    letters = commands.add_parser(
        "dead-letters", help="list the events no consumer could handle, or send them back once the cause is fixed"
    )
    letters.add_argument("--consumer", default=None, help="only this consumer's (enrolment, learning, bridge, ...)")
    letters.add_argument("--replay", type=int, nargs="+", default=[], metavar="SEQ", help="replay these dead letters")
    letters.add_argument("--replay-all", action="store_true", help="replay every dead letter listed")
    commands.add_parser("asyncapi", help="print the AsyncAPI document of every event the platform publishes")
    test_command = commands.add_parser("test", help="lint, type-check and run every test")
    test_command.add_argument("pytest_args", nargs=argparse.REMAINDER, help="passed on to pytest")
    arguments = sys.argv[1:] if argv is None else argv
    if arguments[:1] == ["test"]:
        # Everything after `test` is pytest's, options first included (`rsp test -x -k journey`), which
        # argparse's REMAINDER would take for rsp's own.
        sys.exit(test(arguments[1:]))
    args = parser.parse_args(arguments)
    configure_logging("rsp", "WARNING")
    _leave(_dispatch(args, provided))


def _dispatch(args: argparse.Namespace, provided: dict[str, Command]) -> int:
    if args.command == "up":
        return up(args.demo)
    if args.command == "status":
        return status()
    if args.command == "dead-letters":
        return dead_letters_command(args.consumer, args.replay, args.replay_all)
    if args.command in provided:
        return _run_provided(provided[args.command], args)
    if args.command == "asyncapi":
        print(json.dumps(asyncapi_document(), indent=2))
        return 0
    if args.command == "token":
        return token(args.role, args.urn, args.subject, args.minutes)
    return test(args.pytest_args)


def _leave(code: int) -> NoReturn:
    """End the process with `code`, having done everything a normal exit does except the interpreter's teardown.

    A Temporal client leaves threads of its Rust runtime behind that can still take the GIL while Python
    finalizes, and then CPython aborts ("PyGILState_Release: thread state ... must be current"): a command that
    had finished and printed its answer exits with SIGABRT instead of its code (temporalio/sdk-python#300; seen
    on CI in `rsp verify`, and here 3 times in 60 runs beside a second command). So the exit handlers run
    (logging's flush, the span exporter's, any child-process cleanup) and the streams are flushed, then the
    process ends without finalizing.
    """
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
