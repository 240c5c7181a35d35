"""Custom Temporal search attributes: how admins find a journey in the Temporal UI. Never personal data."""

from __future__ import annotations

__all__ = [
    "AT_RISK",
    "COHORT_ID",
    "JOURNEY_PHASE",
    "LEAD_NOT_REACHED",
    "LOCAL_AUTHORITY",
    "MONTHS_ELAPSED",
    "SEARCH_ATTRIBUTES",
    "STAFF_COMPLETED_ALL_PERCENT",
    "URN",
]

URN = "Urn"
COHORT_ID = "CohortId"
LOCAL_AUTHORITY = "LocalAuthority"
JOURNEY_PHASE = "JourneyPhase"
AT_RISK = "AtRisk"
STAFF_COMPLETED_ALL_PERCENT = "StaffCompletedAllPercent"
MONTHS_ELAPSED = "MonthsElapsed"
# Set once an email to the school's leads could not be delivered for good (notifications said so).
LEAD_NOT_REACHED = "LeadNotReached"

# Name -> Temporal search attribute type; the local stack registers these at start-up and deploy/ documents the
# same list for a real cluster.
SEARCH_ATTRIBUTES: dict[str, str] = {
    URN: "Keyword",
    COHORT_ID: "Keyword",
    LOCAL_AUTHORITY: "Keyword",
    JOURNEY_PHASE: "Keyword",
    AT_RISK: "Bool",
    STAFF_COMPLETED_ALL_PERCENT: "Double",
    MONTHS_ELAPSED: "Int",
    LEAD_NOT_REACHED: "Bool",
}
