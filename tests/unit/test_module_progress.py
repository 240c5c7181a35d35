"""Reporting's arithmetic for module progress."""

from __future__ import annotations

from uuid import uuid4

from services.reporting.domain.progress import summarise_modules


def test_progress_counts_staff_modules_and_full_completers() -> None:
    finisher, starter = uuid4(), uuid4()
    completions = [(finisher, module) for module in range(1, 16)] + [(starter, 1), (starter, 2)]

    progress = summarise_modules(completions)

    assert progress.module_completions == 17
    assert progress.staff_with_completions == 2
    assert progress.staff_completed_all == 1
    assert progress.completions_by_module[1] == 2
    assert progress.completions_by_module[15] == 1
    assert sorted(progress.completions_by_module) == list(range(1, 16))


def test_school_with_no_completions_shows_zeroes() -> None:
    progress = summarise_modules([])

    assert (progress.module_completions, progress.staff_with_completions, progress.staff_completed_all) == (0, 0, 0)
    assert set(progress.completions_by_module.values()) == {0}
