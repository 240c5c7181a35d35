"""The implementation ledger: was the programme delivered as designed, school by school and for a cohort.
Pure Python. It follows the Education Endowment Foundation's implementation guidance:

- dosage: for every part, what the cohort's plan offers over the 18 months, what was due by the day asked, and
  what the school received (leadership days attended, modules completed by current staff, circles held,
  mentoring sessions and immersion days attended, practitioners trained);
- reach: the share of current staff (registered, not left) who started the modules, and who completed modules
  1-5, 1-10 and all 15;
- fidelity: the share of checklist items done, over every circle and leadership day whose checklist was
  recorded, and item by item;
- adaptations: what a facilitator logged when the school departed from the plan (in `adaptations.py`).

Percentages are exact fractions until shown, then to one decimal place, halves away from zero.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Literal
from uuid import UUID

from contracts.calendar import HalfTermCalendar
from contracts.events.learning import MODULE_COUNT
from contracts.events.reporting import ReturnPeriod
from contracts.fidelity import FIDELITY_CHECKLISTS, FidelityOccasion
from contracts.programme import ProgrammePlan, add_months, programme_end
from services.reporting.domain.facts import SchoolFacts
from services.reporting.domain.periods import Period, academic_year_of
from services.reporting.domain.progress import counted_completions

__all__ = [
    "PARTS",
    "Dosage",
    "Fidelity",
    "ItemFidelity",
    "Ledger",
    "Part",
    "Reach",
    "combine",
    "fidelity_of",
    "ledger_of",
    "percent",
    "reach_of",
]

Part = Literal["leadership_days", "modules", "circles", "mentoring", "immersion_days", "practitioner_training"]
PARTS: tuple[Part, ...] = (
    "leadership_days",
    "modules",
    "circles",
    "mentoring",
    "immersion_days",
    "practitioner_training",
)
_TERMS: tuple[ReturnPeriod, ...] = ("autumn", "spring", "summer")


def percent(part: int, whole: int) -> float | None:
    """`part` of `whole` as a percentage to one decimal place (halves away from zero); None when whole is 0."""
    if whole == 0:
        return None
    exact = Fraction(part * 100, whole)
    return float((Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP))


@dataclass(frozen=True)
class Dosage:
    """One part: planned over the programme, due by the day asked, received so far."""

    part: Part
    unit: str
    planned: int
    due: int
    received: int

    @property
    def received_percent_of_due(self) -> float | None:
        return percent(self.received, self.due)


@dataclass(frozen=True)
class Reach:
    current_staff: int
    started: int
    completed_1_to_5: int
    completed_1_to_10: int
    completed_all: int

    def share(self, count: int) -> float | None:
        return percent(count, self.current_staff)


@dataclass(frozen=True)
class ItemFidelity:
    key: str
    text: str
    done: int
    answered: int

    @property
    def done_percent(self) -> float | None:
        return percent(self.done, self.answered)


@dataclass(frozen=True)
class Fidelity:
    """One kind of occasion: how many were held, how many had their checklist recorded, and items done."""

    occasion: FidelityOccasion
    held: int
    recorded: int
    items_answered: int
    items_done: int
    items: tuple[ItemFidelity, ...]

    @property
    def done_percent(self) -> float | None:
        return percent(self.items_done, self.items_answered)


@dataclass(frozen=True)
class Ledger:
    dosage: tuple[Dosage, ...]
    reach: Reach
    fidelity: tuple[Fidelity, ...]


def _current_staff(facts: SchoolFacts) -> set[UUID]:
    return {member.staff_id for member in facts.staff if member.registered and member.left_on is None}


def reach_of(facts: SchoolFacts) -> Reach:
    """Shares of current staff; completions count as counted in progress (not withdrawn, staff not left)."""
    current = _current_staff(facts)
    completed: dict[UUID, set[int]] = {}
    for completion in counted_completions(facts):
        completed.setdefault(completion.staff_id, set()).add(completion.module_number)
    started = {start.staff_id for start in facts.starts} | set(completed)

    def through(last: int) -> int:
        return sum(1 for staff in current if set(range(1, last + 1)) <= completed.get(staff, set()))

    return Reach(
        current_staff=len(current),
        started=len(started & current),
        completed_1_to_5=through(5),
        completed_1_to_10=through(10),
        completed_all=through(MODULE_COUNT),
    )


def fidelity_of(occasion: FidelityOccasion, answered: Iterable[dict[str, bool] | None]) -> Fidelity:
    """`answered` holds one entry per occasion held: its checklist as answered, or None when not recorded."""
    held = recorded = 0
    done: Counter[str] = Counter()
    asked: Counter[str] = Counter()
    for checklist in answered:
        held += 1
        if checklist is None:
            continue
        recorded += 1
        for key, was_done in checklist.items():
            asked[key] += 1
            done[key] += was_done
    # Items of the current checklist first, in its order; items only older records answered after them.
    keys = [item.key for item in FIDELITY_CHECKLISTS[occasion]]
    texts = {item.key: item.text for item in FIDELITY_CHECKLISTS[occasion]}
    keys += sorted(set(asked) - set(keys))
    return Fidelity(
        occasion=occasion,
        held=held,
        recorded=recorded,
        items_answered=sum(asked.values()),
        items_done=sum(done.values()),
        items=tuple(ItemFidelity(key, texts.get(key, key), done[key], asked[key]) for key in keys),
    )


def _terms_between(first: date, last: date) -> list[Period]:
    return [
        Period(year, term)
        for year in range(academic_year_of(first), academic_year_of(last) + 1)
        for term in _TERMS
        if Period(year, term).last_day >= first and Period(year, term).first_day <= last
    ]


def ledger_of(
    plan: ProgrammePlan, enrolled_on: date, facts: SchoolFacts, calendar: HalfTermCalendar, today: date
) -> Ledger:
    """One school's ledger on `today`, against its cohort's plan over its 18 months from `enrolled_on`."""
    ends_on = programme_end(enrolled_on)
    half_terms = calendar.overlapping(enrolled_on, ends_on)
    terms = _terms_between(enrolled_on, ends_on)
    current = _current_staff(facts)
    sessions = Counter(session.kind for session in facts.sessions)
    days_attended = {s.day_number for s in facts.sessions if s.kind == "leadership_day"}
    completions = {(c.staff_id, c.module_number) for c in counted_completions(facts) if c.staff_id in current}
    practitioners_due_on = add_months(enrolled_on, plan.practitioners_trained_by_month)
    dosage = (
        Dosage(
            "leadership_days",
            "days attended",
            len(plan.leadership_days),
            sum(1 for day in plan.leadership_days if day.held_on <= today),
            len(days_attended),
        ),
        Dosage(
            "modules",
            "module completions by current staff",
            plan.modules * len(current),
            plan.modules * len(current),
            sum(1 for _, module in completions if module <= plan.modules),
        ),
        Dosage(
            "circles",
            "circles held",
            plan.circles_per_half_term * len(half_terms),
            plan.circles_per_half_term * sum(1 for half_term in half_terms if half_term.ends_on <= today),
            len(facts.circles),
        ),
        Dosage(
            "mentoring",
            "mentoring sessions",
            plan.mentoring_sessions_per_term * len(terms),
            plan.mentoring_sessions_per_term * sum(1 for term in terms if term.last_day <= today),
            sessions["mentoring"],
        ),
        Dosage(
            "immersion_days",
            "immersion days attended",
            plan.immersion_days,
            plan.immersion_days if today >= ends_on else 0,
            sessions["immersion_day"],
        ),
        Dosage(
            "practitioner_training",
            "staff trained as practitioners",
            plan.practitioners_to_train,
            plan.practitioners_to_train if today >= practitioners_due_on else 0,
            len({p.staff_id for p in facts.practitioners}),
        ),
    )
    fidelity = (
        fidelity_of("circle", (circle.fidelity for circle in facts.circles)),
        fidelity_of("leadership_day", (s.fidelity for s in facts.sessions if s.kind == "leadership_day")),
    )
    return Ledger(dosage=dosage, reach=reach_of(facts), fidelity=fidelity)


def combine(ledgers: Iterable[Ledger], leadership_days: Iterable[tuple[UUID, dict[str, bool] | None]]) -> Ledger:
    """A cohort's ledger: dosage and reach added up over its schools; leadership-day fidelity counted once per
    day (`leadership_days`: each day held, as (session id, checklist), from any school that attended it)."""
    listed = list(ledgers)
    dosage = tuple(
        Dosage(
            part,
            next((d.unit for ledger in listed for d in ledger.dosage if d.part == part), part),
            sum(d.planned for ledger in listed for d in ledger.dosage if d.part == part),
            sum(d.due for ledger in listed for d in ledger.dosage if d.part == part),
            sum(d.received for ledger in listed for d in ledger.dosage if d.part == part),
        )
        for part in PARTS
    )
    reach = Reach(*(sum(getattr(ledger.reach, name) for ledger in listed) for name in Reach.__dataclass_fields__))
    circles = [item for ledger in listed for item in ledger.fidelity if item.occasion == "circle"]
    circle_fidelity = Fidelity(
        "circle",
        sum(f.held for f in circles),
        sum(f.recorded for f in circles),
        sum(f.items_answered for f in circles),
        sum(f.items_done for f in circles),
        tuple(
            ItemFidelity(
                item.key,
                item.text,
                sum(i.done for f in circles for i in f.items if i.key == item.key),
                sum(i.answered for f in circles for i in f.items if i.key == item.key),
            )
            for item in (circles[0].items if circles else fidelity_of("circle", ()).items)
        ),
    )
    once = dict(leadership_days)
    return Ledger(dosage, reach, (circle_fidelity, fidelity_of("leadership_day", once.values())))
