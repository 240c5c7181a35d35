"""Staff surveys: instruments as data, reverse-scored items, the scoring rule, the minimum group and release
in groups, worked out by hand."""

from __future__ import annotations

from typing import Any

import pytest

from services.reporting.domain.errors import InvalidEvidence
from services.reporting.domain.surveys import (
    DEFAULT_INSTRUMENT,
    Tally,
    change_between,
    instrument_from,
    release,
    score_response,
)

NEUTRAL = {"u1": 3, "u2": 3, "u3": 3, "r1": 3, "r2": 3, "r3": 3, "r4": 3}


def _answers(c1: int, c2: int, c3: int) -> dict[str, int]:
    return {"c1": c1, "c2": c2, "c3": c3, **NEUTRAL}


def _tally(*responses: dict[str, int]) -> Tally:
    tally = Tally()
    for answers in responses:
        tally = tally.add(score_response(DEFAULT_INSTRUMENT, answers))
    return tally


BEFORE = [_answers(2, 3, 4), _answers(3, 3, 3), _answers(1, 2, 5), _answers(4, 4, 2), _answers(2, 2, 4)]
AFTER = [_answers(4, 4, 2)] * 3 + [_answers(5, 4, 1), _answers(3, 4, 3), _answers(5, 5, 2)]


def test_reverse_scored_items_count_lowest_plus_highest_minus_the_answer() -> None:
    # c3 is reverse-scored on 1 to 5: an answer of 4 counts 2.
    assert score_response(DEFAULT_INSTRUMENT, _answers(2, 3, 4))["confidence"] == 7
    assert score_response(DEFAULT_INSTRUMENT, _answers(2, 3, 4))["restorative"] == 12


def test_scale_change_between_waves_matches_the_hand_computation() -> None:
    before, after = _tally(*BEFORE), _tally(*AFTER)
    # Confidence points: 7 + 9 + 4 + 12 + 6 = 38 over 5 people x 3 items; after 36 + 14 + 10 + 14 = 74 over 6 x 3.
    assert before.points["confidence"] == 38
    assert after.points["confidence"] == 74

    changes = {change.scale: change for change in change_between(DEFAULT_INSTRUMENT, before, after)}

    confidence = changes["confidence"]
    assert (confidence.respondents_from, confidence.respondents_to) == (5, 6)
    assert (confidence.score_from, confidence.score_to, confidence.change) == (2.53, 4.11, 1.58)
    assert (changes["understanding"].score_from, changes["understanding"].change) == (3.0, 0.0)


def test_a_group_below_the_minimum_shows_its_count_but_no_score() -> None:
    changes = change_between(DEFAULT_INSTRUMENT, _tally(*BEFORE), _tally(*AFTER[:4]))

    assert all(change.respondents_to == 4 for change in changes)
    assert all(change.score_to is None and change.change is None for change in changes)
    assert all(change.score_from is not None for change in changes)


def test_responses_are_released_only_in_groups_of_the_minimum() -> None:
    pending, released = Tally(), Tally()
    seen = []
    for answers in [*BEFORE, *AFTER]:
        pending, released = release(pending.add(score_response(DEFAULT_INSTRUMENT, answers)), released, 5)
        seen.append(released.respondents)

    assert seen == [0, 0, 0, 0, 5, 5, 5, 5, 5, 10, 10]
    assert pending.respondents == 1


def test_a_sum_scored_instrument_scores_each_respondents_total() -> None:
    data: dict[str, Any] = DEFAULT_INSTRUMENT.as_data() | {"instrument_id": "council-own", "scoring": "sum"}
    instrument = instrument_from(data)

    [confidence, *_] = change_between(instrument, _tally(*BEFORE), _tally(*AFTER))

    # 38 / 5 = 7.6 and 74 / 6 = 12.333...: change 4.7333...
    assert (confidence.score_from, confidence.score_to, confidence.change) == (7.6, 12.33, 4.73)


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({**_answers(2, 3, 4), "c9": 1}, "answers"),
        ({k: v for k, v in _answers(2, 3, 4).items() if k != "u2"}, "answers.u2"),
        (_answers(2, 3, 6), "answers.c3"),
        (_answers(0, 3, 4), "answers.c1"),
    ],
)
def test_an_incomplete_or_out_of_scale_response_is_refused_naming_the_item(answers: dict[str, int], field: str) -> None:
    with pytest.raises(InvalidEvidence) as refused:
        score_response(DEFAULT_INSTRUMENT, answers)
    assert refused.value.field == field


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"scoring": "median"}, "scoring"),
        ({"licence": ""}, "licence"),
        ({"items": [{"key": "a", "text": "A", "scale": "nope"}]}, "items[0].scale"),
        ({"lowest": 5, "highest": 1}, "highest"),
    ],
)
def test_an_instrument_that_cannot_be_scored_is_refused(change: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidEvidence) as refused:
        instrument_from(DEFAULT_INSTRUMENT.as_data() | change)
    assert refused.value.field == field
