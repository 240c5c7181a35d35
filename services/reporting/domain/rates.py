"""Impact rates with the Department for Education's definitions, change against the baseline, and the early
indicators the programme reports. Pure Python, exact fractions; rounding happens only when a figure is shown.

- suspension rate = suspensions / pupils on roll x 100; one or more suspension rate = pupils suspended / pupils
  on roll x 100; permanent exclusion rate = permanent exclusions / pupils on roll x 100;
- overall absence rate = sessions missed / possible sessions x 100;
- persistent absence rate = pupils persistently absent / pupils on roll x 100.

A term is set against its share of the baseline year: suspensions and exclusions are counts of events, so a
term holds about a third of a year's and its rate is compared with the baseline year's rate / 3. Absence rates
are shares of sessions or of pupils within the period and are compared as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from services.reporting.domain.impact_returns import FIGURES, ImpactFigures

__all__ = [
    "COMPARED_RATES",
    "TERMS_PER_YEAR",
    "Change",
    "Rates",
    "SuspensionsHalved",
    "change_against_baseline",
    "pooled",
    "rates_of",
    "rounded",
    "suspensions_halved",
    "termly_baseline",
]

TERMS_PER_YEAR = 3


@dataclass(frozen=True)
class Rates:
    """A period's rates, per 100 pupils on roll (absence: per 100 possible sessions)."""

    suspension_rate: Fraction
    one_or_more_suspension_rate: Fraction
    permanent_exclusion_rate: Fraction
    overall_absence_rate: Fraction
    persistent_absence_rate: Fraction


def rates_of(figures: ImpactFigures) -> Rates:
    pupils, hundred = figures.pupils_on_roll, 100
    return Rates(
        suspension_rate=Fraction(figures.suspensions * hundred, pupils),
        one_or_more_suspension_rate=Fraction(figures.pupils_suspended * hundred, pupils),
        permanent_exclusion_rate=Fraction(figures.permanent_exclusions * hundred, pupils),
        overall_absence_rate=Fraction(figures.sessions_missed * hundred, figures.possible_sessions),
        persistent_absence_rate=Fraction(figures.pupils_persistently_absent * hundred, pupils),
    )


@dataclass(frozen=True)
class Change:
    """Latest term's rate minus the baseline's, in percentage points: below zero is fewer or less."""

    suspension_rate: Fraction
    permanent_exclusion_rate: Fraction
    overall_absence_rate: Fraction
    persistent_absence_rate: Fraction


COMPARED_RATES: tuple[str, ...] = tuple(rate.name for rate in fields(Change))


def termly_baseline(baseline: ImpactFigures) -> Rates:
    """The baseline year's rates as a term is compared with them (event counts shared over three terms)."""
    year = rates_of(baseline)
    return Rates(
        suspension_rate=year.suspension_rate / TERMS_PER_YEAR,
        one_or_more_suspension_rate=year.one_or_more_suspension_rate,
        permanent_exclusion_rate=year.permanent_exclusion_rate / TERMS_PER_YEAR,
        overall_absence_rate=year.overall_absence_rate,
        persistent_absence_rate=year.persistent_absence_rate,
    )


def change_against_baseline(baseline: ImpactFigures, latest: ImpactFigures) -> Change:
    before, after = termly_baseline(baseline), rates_of(latest)
    return Change(**{name: getattr(after, name) - getattr(before, name) for name in COMPARED_RATES})


def pooled(figures: Iterable[ImpactFigures]) -> ImpactFigures:
    """Several schools' figures added up: rates of the sum are pupil-weighted, unlike an average of rates."""
    listed = list(figures)
    summed: dict[str, int | None] = {}
    for name in FIGURES:
        values = [getattr(f, name) for f in listed]
        # An optional figure adds up only when every school gave it.
        summed[name] = None if any(value is None for value in values) else sum(values)
    return ImpactFigures(**summed)  # type: ignore[arg-type]


@dataclass(frozen=True)
class SuspensionsHalved:
    """Schools whose latest suspension rate is half or less of their baseline's (termly share).

    Only schools that had suspensions in their baseline year can halve them, so only they are counted.
    """

    schools_counted: int
    schools_halved: int

    @property
    def share(self) -> Fraction | None:
        """Percentage of the counted schools that halved their suspensions; None when none is counted."""
        return Fraction(self.schools_halved * 100, self.schools_counted) if self.schools_counted else None


def suspensions_halved(schools: Iterable[tuple[ImpactFigures, ImpactFigures]]) -> SuspensionsHalved:
    """`schools` are (baseline, latest term) pairs."""
    counted = halved = 0
    for baseline, latest in schools:
        if baseline.suspensions == 0:
            continue
        counted += 1
        if rates_of(latest).suspension_rate * 2 <= termly_baseline(baseline).suspension_rate:
            halved += 1
    return SuspensionsHalved(schools_counted=counted, schools_halved=halved)


def rounded(rate: Fraction) -> float:
    """Two decimal places, halves away from zero, as the Department for Education publishes rates."""
    exact = Decimal(rate.numerator) / Decimal(rate.denominator)
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
