"""Readiness for processes without an HTTP port (worker, bridge): they touch a file the supervisor watches."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["READY_FILE_VARIABLE", "mark_ready"]

READY_FILE_VARIABLE = "RSP_READY_FILE"


def mark_ready() -> None:
    path = os.environ.get(READY_FILE_VARIABLE)
    if path:
        Path(path).touch()
