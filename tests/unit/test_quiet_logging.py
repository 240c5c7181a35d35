"""The one log format keeps FastStream's warnings and drops only its supervisor's chatter."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import redirect_stdout

import pytest

from runtime.log import configure_logging


@pytest.fixture
def logged() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    out = io.StringIO()
    with redirect_stdout(out):
        configure_logging("learning")
    yield out
    root.handlers[:] = handlers
    root.setLevel(level)


def test_faststream_warnings_reach_the_process_log_in_its_format(logged: io.StringIO) -> None:
    logging.getLogger("faststream.learning").warning("Task-7 raised an exception, retrying...")

    assert "WARNING learning faststream.learning: Task-7 raised an exception, retrying..." in logged.getvalue()


def test_supervisor_chatter_is_not_logged(logged: io.StringIO) -> None:
    logging.getLogger("faststream.learning").info("callback for Task-7 is being executed...")
    logging.getLogger("services.learning").info("learning ready")

    assert "is being executed" not in logged.getvalue()
    assert "learning ready" in logged.getvalue()
