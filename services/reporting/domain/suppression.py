"""Statistical disclosure control for published impact figures. Pure Python.

Primary suppression: a count of 1 or 2 (suspensions, pupils suspended, permanent exclusions, pupils
persistently absent) is shown as `c`, and so is every rate worked out from it (rate x pupils on roll would give
the count back). Zero is shown: it describes no pupil.

Secondary suppression: in a column that is added up into a published total, the suppressed cells must not be
recoverable by subtracting the shown ones from the total. When every suppressed cell of a column is a primary
one (each is known to be 1 or 2, so one cell, or several all of 1 or all of 2, would be recovered), the next
smallest non-zero cell is suppressed too; when there is none, the total is suppressed instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Final, Literal

from services.reporting.domain.impact_returns import ImpactFigures
from services.reporting.domain.rates import COMPARED_RATES, Change, Rates, rates_of, rounded

__all__ = [
    "RATE_OF_COUNT",
    "SUPPRESSED",
    "ColumnSuppression",
    "PublishedChange",
    "PublishedFigures",
    "Shown",
    "hidden_counts",
    "is_disclosive",
    "publish_change",
    "publish_figures",
    "suppress_column",
]

SUPPRESSED: Final = "c"
Shown = int | float | Literal["c"]
# The counts about pupils that are suppressed when small, and the rate worked out from each.
RATE_OF_COUNT: Final[dict[str, str]] = {
    "suspensions": "suspension_rate",
    "pupils_suspended": "one_or_more_suspension_rate",
    "permanent_exclusions": "permanent_exclusion_rate",
    "pupils_persistently_absent": "persistent_absence_rate",
}


def is_disclosive(count: int) -> bool:
    """A count of 1 or 2 pupils (or events) could identify them."""
    return 1 <= count <= 2


@dataclass(frozen=True)
class ColumnSuppression:
    """Which cells of a column, and whether its total, are shown as `c`."""

    hidden: tuple[bool, ...]
    total_hidden: bool


def suppress_column(cells: Sequence[int]) -> ColumnSuppression:
    hidden = [is_disclosive(cell) for cell in cells]
    total_hidden = is_disclosive(sum(cells))
    if any(hidden) and not total_hidden:
        # Every hidden cell is a primary one here: hide one more, whose value no rule bounds, or the total.
        others = [(cell, index) for index, cell in enumerate(cells) if not hidden[index] and cell > 0]
        if others:
            hidden[min(others)[1]] = True
        else:
            total_hidden = True
    return ColumnSuppression(hidden=tuple(hidden), total_hidden=total_hidden)


@dataclass(frozen=True)
class PublishedFigures:
    """A period's figures and rates as they may be published: small counts and their rates shown as `c`."""

    pupils_on_roll: Shown
    suspensions: Shown
    pupils_suspended: Shown
    permanent_exclusions: Shown
    possible_sessions: Shown
    sessions_missed: Shown
    pupils_persistently_absent: Shown
    suspension_rate: Shown
    one_or_more_suspension_rate: Shown
    permanent_exclusion_rate: Shown
    overall_absence_rate: Shown
    persistent_absence_rate: Shown

    def hidden_rates(self) -> frozenset[str]:
        return frozenset(name for name, value in asdict(self).items() if name.endswith("_rate") and value == "c")


_PUBLISHED = frozenset(PublishedFigures.__dataclass_fields__)


def hidden_counts(figures: ImpactFigures) -> frozenset[str]:
    """The counts primary suppression hides."""
    return frozenset(name for name in RATE_OF_COUNT if is_disclosive(getattr(figures, name)))


def publish_figures(figures: ImpactFigures, also_hidden: frozenset[str] = frozenset()) -> PublishedFigures:
    """`figures` with small counts, the counts in `also_hidden` (secondary suppression) and their rates as `c`."""
    hidden = hidden_counts(figures) | also_hidden
    rates: Rates = rates_of(figures)
    # Only the published figures: the optional absence denominator is published through the like-for-like view.
    shown: dict[str, Shown] = {name: value for name, value in asdict(figures).items() if name in _PUBLISHED}
    shown |= {name: rounded(value) for name, value in asdict(rates).items()}
    for count in hidden:
        shown[count] = SUPPRESSED
        shown[RATE_OF_COUNT[count]] = SUPPRESSED
    return PublishedFigures(**shown)


@dataclass(frozen=True)
class PublishedChange:
    """Change against the baseline in percentage points, `c` where either side's rate is suppressed (the change
    and the shown side would give the hidden one back)."""

    suspension_rate: Shown
    permanent_exclusion_rate: Shown
    overall_absence_rate: Shown
    persistent_absence_rate: Shown


def publish_change(change: Change, baseline: PublishedFigures, latest: PublishedFigures) -> PublishedChange:
    hidden = baseline.hidden_rates() | latest.hidden_rates()
    shown: dict[str, Shown] = {
        name: SUPPRESSED if name in hidden else rounded(getattr(change, name)) for name in COMPARED_RATES
    }
    return PublishedChange(**shown)
