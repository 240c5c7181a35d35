"""Reads the file that says which xAPI activity ids are which of the 15 modules."""

from __future__ import annotations

import json
import re
from pathlib import Path

from contracts.events.learning import MODULE_COUNT
from runtime.errors import ConfigurationError

__all__ = ["load_activity_map"]

_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


def load_activity_map(path: Path) -> dict[str, int]:
    """`{"activities": {activity id: module number}}`; a bad file stops the service, saying what is wrong."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as bad:
        raise ConfigurationError(f"xAPI activity map {path}: cannot be read as JSON ({bad})") from None
    activities = document.get("activities") if isinstance(document, dict) else None
    if not isinstance(activities, dict) or not activities:
        raise ConfigurationError(f"xAPI activity map {path}: needs an `activities` object of id -> module number")
    for activity_id, module in activities.items():
        if not _IRI.match(activity_id):
            raise ConfigurationError(f"xAPI activity map {path}: {activity_id!r} is not an IRI")
        if not isinstance(module, int) or isinstance(module, bool) or not 1 <= module <= MODULE_COUNT:
            raise ConfigurationError(
                f"xAPI activity map {path}: {activity_id} must map to a module 1 to {MODULE_COUNT}"
            )
    return dict(activities)
