"""The one log format keeps FastStream's warnings and drops only its supervisor's chatter.

Each case runs in a process of its own, as every platform process configures its logging once at its start."""

from __future__ import annotations

import subprocess
import sys

_LOGGED = """
import logging
from runtime.log import configure_logging
configure_logging("learning")
logging.getLogger("faststream.learning").warning("Task-7 raised an exception, retrying...")
logging.getLogger("faststream.learning").info("callback for Task-7 is being executed...")
logging.getLogger("services.learning").info("learning ready")
"""


def _logged() -> str:
    done = subprocess.run([sys.executable, "-c", _LOGGED], capture_output=True, text=True, timeout=60, check=True)
    return done.stdout + done.stderr


def test_faststream_warnings_reach_the_process_log_in_its_format_and_its_chatter_does_not() -> None:
    logged = _logged()

    assert "WARNING learning faststream.learning: Task-7 raised an exception, retrying..." in logged
    assert "INFO    learning services.learning: learning ready" in logged
    assert "is being executed" not in logged
