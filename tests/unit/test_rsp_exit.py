"""`rsp` ends without the interpreter's teardown (a Temporal client's threads can abort it) yet loses nothing a
normal exit would keep: the command's exit code, everything it printed, and the exit handlers' work."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

# The command's own entry point, with one exit handler of the kind logging and the span exporter register.
_WITH_AN_EXIT_HANDLER = """
import atexit, sys
from runtime.cli import main
atexit.register(lambda: print("exit handler ran", file=sys.stderr))
main(sys.argv[1:])
"""


def _rsp(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RSP_")} | {"RSP_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-c", _WITH_AN_EXIT_HANDLER, *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_a_command_that_succeeds_exits_0_with_all_it_printed_and_its_exit_handlers_run(tmp_path: Path) -> None:
    # Over a pipe stdout is block-buffered: the document is whole only if the buffer was flushed before leaving.
    done = _rsp(tmp_path, "asyncapi")

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["asyncapi"].startswith("3.")
    assert done.stderr.strip().endswith("exit handler ran")


def test_a_command_that_fails_exits_with_its_own_code_and_says_why(tmp_path: Path) -> None:
    done = _rsp(tmp_path, "status")

    assert done.returncode == 1
    assert "no stack is running" in done.stdout
    assert done.stderr.strip().endswith("exit handler ran")
