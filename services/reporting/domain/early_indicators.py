"""Early indicators of impact: what participants say after a leadership day or circle. Pure Python.

A participant picks which of the programme's reported impacts they see (the seed list below), may write a short
quote, and says whether it may be published without their name. Nothing about who gave it is kept: no staff id,
no name. A quote is published only when its author consented and a programme admin approved it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal
from uuid import UUID

from services.reporting.domain.errors import InvalidEvidence

__all__ = [
    "IMPACTS",
    "EarlyIndicators",
    "Feedback",
    "FeedbackOccasion",
    "QuoteStatus",
    "check_feedback",
    "early_indicators",
    "quote_status_on_arrival",
]

FeedbackOccasion = Literal["leadership_day", "circle"]
QuoteStatus = Literal["none", "not_consented", "awaiting_approval", "approved", "rejected"]

# The impacts participants of the programme have reported, in their own words: the seed list.
IMPACTS: dict[str, str] = {
    "understanding_of_needs": "A better understanding of needs",
    "less_panic_high_level_behaviour": "Less panic about high-level behaviour",
    "changed_leadership_style": "A changed leadership style",
    "listening_and_coaching": "More listening and coaching",
    "restorative_conversations": "Restorative conversations",
    "less_recurrence_of_conflict": "Less recurrence of conflict",
    "fewer_suspensions": "Fewer suspensions",
    "parents_support_reintegration": "Parents' support in reintegration meetings",
    "staff_enjoyment": "Staff enjoyment",
    "attendance": "Better attendance",
    "ofsted_feedback": "Positive Ofsted feedback",
    "circles_for_decisions": "Circles used for decisions",
}
_LONGEST_QUOTE = 1000


@dataclass(frozen=True)
class Feedback:
    feedback_id: UUID
    cohort_id: str
    urn: str
    occasion: FeedbackOccasion
    occasion_id: UUID
    impacts: tuple[str, ...]
    quote: str | None
    consent_to_publish: bool
    quote_status: QuoteStatus


def check_feedback(impacts: Iterable[str], quote: str | None) -> None:
    listed = list(impacts)
    unknown = sorted(set(listed) - set(IMPACTS))
    if unknown:
        raise InvalidEvidence("impacts", f"{', '.join(unknown)} is not on the list ({', '.join(IMPACTS)})")
    if len(set(listed)) != len(listed):
        raise InvalidEvidence("impacts", "name each impact once")
    if quote is not None and not quote.strip():
        raise InvalidEvidence("quote", "leave it out rather than send it empty")
    if quote is not None and len(quote) > _LONGEST_QUOTE:
        raise InvalidEvidence("quote", f"must be at most {_LONGEST_QUOTE} characters")


def quote_status_on_arrival(quote: str | None, consent: bool) -> QuoteStatus:
    if quote is None:
        return "none"
    return "awaiting_approval" if consent else "not_consented"


@dataclass(frozen=True)
class EarlyIndicators:
    """A cohort's feedback: how often each impact was reported, and the quotes that may be published."""

    cohort_id: str
    responses: int
    impact_counts: tuple[tuple[str, str, int], ...]  # key, label, how many responses reported it
    quotes: tuple[str, ...]
    quotes_awaiting_approval: int


def early_indicators(cohort_id: str, feedback: Iterable[Feedback]) -> EarlyIndicators:
    listed = [found for found in feedback if found.cohort_id == cohort_id]
    counts = Counter(impact for found in listed for impact in found.impacts)
    return EarlyIndicators(
        cohort_id=cohort_id,
        responses=len(listed),
        impact_counts=tuple((key, label, counts[key]) for key, label in IMPACTS.items()),
        quotes=tuple(
            found.quote
            for found in listed
            if found.quote is not None and found.consent_to_publish and found.quote_status == "approved"
        ),
        quotes_awaiting_approval=sum(1 for found in listed if found.quote_status == "awaiting_approval"),
    )
