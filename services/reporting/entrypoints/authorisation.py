"""Who may see what in reporting: the one place its access rules live.

Commissioners (`viewer`) see every school's aggregate figures and the cohorts' suppressed impact tables, and
submit nothing; schools and facilitators see and submit only for their own schools.
"""

from __future__ import annotations

from runtime.auth import Policy, Principal, Role
from services.reporting.domain.errors import NoSuchSchool
from services.reporting.domain.progress import SchoolProgress

__all__ = ["POLICY", "in_reach"]

EVERYONE = frozenset(Role)
ADMIN, FACILITATOR, SCHOOL, VIEWER = Role.PROGRAMME_ADMIN, Role.FACILITATOR, Role.SCHOOL, Role.VIEWER

# Commissioners (viewers) read aggregate figures only: a cohort's totals, progress over time and its suppressed
# impact table, never one school's detail (its at-risk reasons, its staff ids in events).
SCHOOL_DETAIL = frozenset({ADMIN, FACILITATOR, SCHOOL})

POLICY = Policy(
    {
        "read_school_progress": SCHOOL_DETAIL,
        "read_progress": SCHOOL_DETAIL,
        # The overview: a viewer's shows each cohort's figures, without the table of its schools.
        "open_dashboard": EVERYONE,
        "read_school_dashboard": SCHOOL_DETAIL,
        # Events carry ids, not personal data; schools and facilitators get only their own schools' events.
        "read_live_feed": SCHOOL_DETAIL,
        "submit_impact_return": frozenset({ADMIN, FACILITATOR, SCHOOL}),
        "read_school_impact": frozenset({ADMIN, FACILITATOR, SCHOOL}),
        # A cohort's table shows every school in it (suppressed): not for one school's own users.
        "read_cohort_impact": frozenset({ADMIN, VIEWER}),
        # Evidence (issue 18). A school's ledger and surveys are its detail; a cohort's are aggregates.
        "read_school_evidence": SCHOOL_DETAIL,
        "read_cohort_evidence": frozenset({ADMIN, VIEWER}),
        # Adaptations are logged by facilitators (and the programme team); their reasons are not for commissioners.
        "log_adaptation": frozenset({ADMIN, FACILITATOR}),
        "read_adaptations": frozenset({ADMIN, FACILITATOR, SCHOOL}),
        "read_instruments": EVERYONE,
        "load_instrument": frozenset({ADMIN}),
        "answer_survey": frozenset({ADMIN, FACILITATOR, SCHOOL}),
        "give_feedback": frozenset({ADMIN, FACILITATOR, SCHOOL}),
        # Quotes are read in full and approved only by the programme team; the page shows approved ones to all.
        "approve_quotes": frozenset({ADMIN}),
        "read_early_indicators": EVERYONE,
        # A forecast names each school's chance of being flagged: the programme team's working tool.
        "keep_forecast": frozenset({ADMIN}),
        "read_forecast": frozenset({ADMIN}),
    },
    hidden_school=NoSuchSchool,
)


def in_reach(caller: Principal, progress: list[SchoolProgress]) -> list[SchoolProgress]:
    """Only the schools the caller may see."""
    reach = POLICY.schools_in_reach(caller)
    return progress if reach is None else [p for p in progress if p.school.urn in reach]
