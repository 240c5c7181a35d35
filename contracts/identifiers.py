"""Identifiers every part of the programme agrees on."""

from __future__ import annotations

import re

__all__ = ["COHORT_ID_PATTERN", "URN_PATTERN", "journey_id"]

# A school's Unique Reference Number in Get Information about Schools: six digits.
URN_PATTERN = r"^[0-9]{6}$"
# Cohort ids are readable slugs so that they can sit inside workflow ids and URLs unescaped.
COHORT_ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

_URN = re.compile(URN_PATTERN)
_COHORT = re.compile(COHORT_ID_PATTERN)


def journey_id(cohort_id: str, urn: str) -> str:
    """The id of a school's SchoolJourney workflow: `journey-<cohort>-<urn>`."""
    if not _URN.match(urn):
        raise ValueError(f"urn must be six digits, got {urn!r}")
    if not _COHORT.match(cohort_id):
        raise ValueError(f"cohort_id must be a lowercase slug, got {cohort_id!r}")
    return f"journey-{cohort_id}-{urn}"
