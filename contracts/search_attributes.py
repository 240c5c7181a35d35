"""Custom Temporal search attributes: how admins find a journey in the Temporal UI. Never personal data."""

from __future__ import annotations

__all__ = ["COHORT_ID", "JOURNEY_PHASE", "SEARCH_ATTRIBUTES", "URN"]

URN = "Urn"
COHORT_ID = "CohortId"
JOURNEY_PHASE = "JourneyPhase"

# Name -> Temporal search attribute type; the local stack registers these at start-up and deploy/ documents the
# same list for a real cluster.
SEARCH_ATTRIBUTES: dict[str, str] = {URN: "Keyword", COHORT_ID: "Keyword", JOURNEY_PHASE: "Keyword"}
