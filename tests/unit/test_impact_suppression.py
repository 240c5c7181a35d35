"""Suppression: counts of 1 or 2 and the rates from them are `c`, and no suppressed cell can be worked out
again from a total."""

from __future__ import annotations

from services.reporting.domain.impact_returns import ImpactFigures
from services.reporting.domain.rates import change_against_baseline
from services.reporting.domain.suppression import ColumnSuppression, publish_change, publish_figures, suppress_column


def test_one_or_two_pupils_are_shown_as_c_and_so_are_their_rates() -> None:
    shown = publish_figures(ImpactFigures(400, 2, 1, 0, 1000, 50, 3))

    assert (shown.suspensions, shown.suspension_rate) == ("c", "c")
    assert (shown.pupils_suspended, shown.one_or_more_suspension_rate) == ("c", "c")
    assert (shown.permanent_exclusions, shown.permanent_exclusion_rate) == (0, 0.0)  # zero describes nobody
    assert (shown.pupils_persistently_absent, shown.persistent_absence_rate) == (3, 0.75)
    assert (shown.pupils_on_roll, shown.overall_absence_rate) == (400, 5.0)


def test_a_lone_suppressed_cell_takes_the_next_smallest_with_it_so_the_total_does_not_give_it_back() -> None:
    cells = [1, 5, 10]  # total 16: without more, 16 - 5 - 10 would give the 1 back

    column = suppress_column(cells)

    assert column.hidden == (True, True, False)
    assert not column.total_hidden
    shown_sum = sum(cell for cell, hidden in zip(cells, column.hidden, strict=True) if not hidden)
    # What a reader can work out: the two hidden cells add up to 6, which 1 + 5, 2 + 4 or 3 + 3 could all make.
    assert sum(cells) - shown_sum == 6


def test_several_suppressed_ones_are_protected_too() -> None:
    # Two hidden cells adding up to 2 could only be 1 and 1.
    assert suppress_column([1, 1, 7, 9]).hidden == (True, True, True, False)


def test_zeros_do_not_protect_a_suppressed_cell_so_the_total_is_suppressed() -> None:
    column = suppress_column([2, 2, 0])  # total 4; hiding a zero would still leave 2 and 2 the only answer

    assert column.hidden == (True, True, False)
    assert column.total_hidden


def test_a_small_total_is_suppressed_itself() -> None:
    column = suppress_column([0, 1, 0])

    assert column.total_hidden
    assert column.hidden == (False, True, False)


def test_columns_without_small_counts_are_shown_whole() -> None:
    assert suppress_column([0, 3, 40]) == ColumnSuppression(hidden=(False, False, False), total_hidden=False)


def test_secondary_suppression_hides_the_rate_of_the_cell_it_hides() -> None:
    shown = publish_figures(ImpactFigures(400, 5, 4, 0, 1000, 50, 30), frozenset({"suspensions"}))

    assert (shown.suspensions, shown.suspension_rate) == ("c", "c")
    assert shown.pupils_suspended == 4


def test_change_is_suppressed_where_either_side_is() -> None:
    baseline = ImpactFigures(400, 30, 12, 2, 152_000, 9_120, 60)
    latest = ImpactFigures(400, 5, 4, 0, 50_000, 2_500, 48)
    shown_baseline, shown_latest = publish_figures(baseline), publish_figures(latest)

    change = publish_change(change_against_baseline(baseline, latest), shown_baseline, shown_latest)

    assert change.permanent_exclusion_rate == "c"  # the baseline's 2 exclusions are suppressed
    assert change.suspension_rate == -1.25
    assert change.overall_absence_rate == -1.0
    assert change.persistent_absence_rate == -3.0
