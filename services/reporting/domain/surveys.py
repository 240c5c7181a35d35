"""Staff surveys before the programme, after it and at follow-up. Pure Python.

An instrument is data: its items (each on one scale, some reverse-scored), its answer scale, its scoring rule
and its licence note, so a council can load the instrument it is licensed to use. The programme's own
instrument (`default_instrument.json`) is the default.

Anonymity: an answer is never stored. A response is scored on arrival and only added into a tally per
instrument, school, cohort and wave (how many responded, and per scale the sum of their scale scores' item
points), with no staff id, no time and no order. A school's tally is first pending; it is released into the
published tally only when it holds at least the minimum group (default 5), so no figure, and no difference
between two figures read before and after a response, ever describes fewer people than the minimum.

Scoring: a reverse-scored item's points are (lowest + highest - answer). Under the rule `mean` a respondent's
scale score is the mean of their item points on that scale, under `sum` their total; a group's score is the
mean of its respondents' scale scores. Every item must be answered, so group scores are exact fractions of the
tally's integer sums.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal, get_args

from services.reporting.domain.errors import InvalidEvidence

__all__ = [
    "DEFAULT_INSTRUMENT",
    "MIN_GROUP",
    "WAVES",
    "Instrument",
    "Item",
    "Scale",
    "ScaleChange",
    "Tally",
    "Wave",
    "change_between",
    "instrument_from",
    "pooled_tally",
    "release",
    "score_response",
]

Wave = Literal["before", "after", "follow_up"]
WAVES: tuple[Wave, ...] = get_args(Wave)
ScoringRule = Literal["mean", "sum"]
MIN_GROUP = 5


@dataclass(frozen=True)
class Scale:
    key: str
    title: str


@dataclass(frozen=True)
class Item:
    key: str
    text: str
    scale: str
    reverse: bool = False


@dataclass(frozen=True)
class Instrument:
    instrument_id: str
    title: str
    licence: str
    lowest: int
    highest: int
    answer_labels: tuple[str, ...]
    scoring: ScoringRule
    scales: tuple[Scale, ...]
    items: tuple[Item, ...]

    def items_of(self, scale: str) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.scale == scale)

    def as_data(self) -> dict[str, Any]:
        return {
            "instrument_id": self.instrument_id,
            "title": self.title,
            "licence": self.licence,
            "lowest": self.lowest,
            "highest": self.highest,
            "answer_labels": list(self.answer_labels),
            "scoring": self.scoring,
            "scales": [{"key": s.key, "title": s.title} for s in self.scales],
            "items": [{"key": i.key, "text": i.text, "scale": i.scale, "reverse": i.reverse} for i in self.items],
        }


def _text(data: Mapping[str, Any], name: str, where: str, longest: int = 2000) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > longest:
        raise InvalidEvidence(f"{where}{name}", f"must be text of 1 to {longest} characters")
    return value


def instrument_from(data: Mapping[str, Any]) -> Instrument:
    """An instrument from its data; `InvalidEvidence` naming the first field that cannot be right."""
    instrument_id = _text(data, "instrument_id", "", 64)
    if not instrument_id.replace("-", "").replace("_", "").isalnum() or not instrument_id.isascii():
        raise InvalidEvidence("instrument_id", "must be letters, digits, - and _ only")
    lowest, highest = data.get("lowest"), data.get("highest")
    if not isinstance(lowest, int) or not isinstance(highest, int) or not 0 <= lowest < highest <= 100:
        raise InvalidEvidence("highest", "lowest and highest must be whole numbers, 0 <= lowest < highest <= 100")
    labels = data.get("answer_labels", [])
    if not isinstance(labels, list) or len(labels) not in (0, highest - lowest + 1):
        raise InvalidEvidence("answer_labels", f"must name every answer from {lowest} to {highest}, or be empty")
    scoring = data.get("scoring")
    if scoring not in ("mean", "sum"):
        raise InvalidEvidence("scoring", "must be `mean` or `sum`")
    raw_scales = data.get("scales")
    if not isinstance(raw_scales, list) or not raw_scales:
        raise InvalidEvidence("scales", "must list at least one scale")
    scales = tuple(
        Scale(_text(s, "key", f"scales[{n}].", 64), _text(s, "title", f"scales[{n}].", 200))
        for n, s in enumerate(raw_scales)
        if isinstance(s, dict)
    )
    if len(scales) != len(raw_scales) or len({s.key for s in scales}) != len(scales):
        raise InvalidEvidence("scales", "each scale is an object with a key and a title, keys all different")
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise InvalidEvidence("items", "must list at least one item")
    items = []
    for n, raw in enumerate(raw_items):
        if not isinstance(raw, dict):
            raise InvalidEvidence(f"items[{n}]", "must be an object")
        scale = _text(raw, "scale", f"items[{n}].", 64)
        if scale not in {s.key for s in scales}:
            raise InvalidEvidence(f"items[{n}].scale", f"{scale!r} is not one of the instrument's scales")
        reverse = raw.get("reverse", False)
        if not isinstance(reverse, bool):
            raise InvalidEvidence(f"items[{n}].reverse", "must be true or false")
        items.append(Item(_text(raw, "key", f"items[{n}].", 64), _text(raw, "text", f"items[{n}]."), scale, reverse))
    if len({item.key for item in items}) != len(items):
        raise InvalidEvidence("items", "item keys must all be different")
    empty = [s.key for s in scales if not any(item.scale == s.key for item in items)]
    if empty:
        raise InvalidEvidence("scales", f"{', '.join(empty)} has no items")
    return Instrument(
        instrument_id=instrument_id,
        title=_text(data, "title", ""),
        licence=_text(data, "licence", ""),
        lowest=lowest,
        highest=highest,
        answer_labels=tuple(str(label) for label in labels),
        scoring=scoring,
        scales=scales,
        items=tuple(items),
    )


DEFAULT_INSTRUMENT = instrument_from(
    json.loads((Path(__file__).parent / "default_instrument.json").read_text(encoding="utf-8"))
)


def score_response(instrument: Instrument, answers: Mapping[str, int]) -> dict[str, int]:
    """Per scale, the respondent's item points after reverse scoring (summed): what a tally adds. Every item
    must be answered with a whole number on the instrument's scale."""
    unknown = sorted(set(answers) - {item.key for item in instrument.items})
    if unknown:
        raise InvalidEvidence("answers", f"{', '.join(unknown)} is not an item of {instrument.instrument_id}")
    points: dict[str, int] = {scale.key: 0 for scale in instrument.scales}
    for item in instrument.items:
        answer = answers.get(item.key)
        if answer is None:
            raise InvalidEvidence(f"answers.{item.key}", "every item must be answered")
        if (
            isinstance(answer, bool)
            or not isinstance(answer, int)
            or not instrument.lowest <= answer <= instrument.highest
        ):
            raise InvalidEvidence(
                f"answers.{item.key}", f"must be a whole number from {instrument.lowest} to {instrument.highest}"
            )
        points[item.scale] += instrument.lowest + instrument.highest - answer if item.reverse else answer
    return points


@dataclass(frozen=True)
class Tally:
    """Respondents and, per scale, the sum of their item points. Nothing in it tells one response apart."""

    respondents: int = 0
    points: Mapping[str, int] = field(default_factory=dict)

    def add(self, scored: Mapping[str, int]) -> Tally:
        return Tally(self.respondents + 1, {k: self.points.get(k, 0) + v for k, v in scored.items()})

    def merged(self, other: Tally) -> Tally:
        keys = set(self.points) | set(other.points)
        return Tally(
            self.respondents + other.respondents,
            {k: self.points.get(k, 0) + other.points.get(k, 0) for k in sorted(keys)},
        )

    def score(self, instrument: Instrument, scale: str) -> Fraction | None:
        """The group's mean scale score, exact; None with no respondents."""
        if self.respondents == 0:
            return None
        per_item = len(instrument.items_of(scale)) if instrument.scoring == "mean" else 1
        return Fraction(self.points.get(scale, 0), self.respondents * per_item)


def release(pending: Tally, released: Tally, min_group: int) -> tuple[Tally, Tally]:
    """(pending, released) after a response: the pending tally joins the released one once it reaches the
    minimum group, so released figures only ever change by a group of at least `min_group`."""
    if pending.respondents >= min_group:
        return Tally(), released.merged(pending)
    return pending, released


def _two_dp(value: Fraction) -> float:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class ScaleChange:
    """One scale between two waves; scores and change shown only when both groups reach the minimum."""

    scale: str
    title: str
    respondents_from: int
    respondents_to: int
    score_from: float | None
    score_to: float | None
    change: float | None


def change_between(
    instrument: Instrument, earlier: Tally, later: Tally, min_group: int = MIN_GROUP
) -> tuple[ScaleChange, ...]:
    """Each scale's score in two waves and the change (later minus earlier, exact before rounding to 2 dp); a
    group smaller than `min_group` shows its count of responses but no score."""
    changes = []
    for scale in instrument.scales:
        before = earlier.score(instrument, scale.key) if earlier.respondents >= min_group else None
        after = later.score(instrument, scale.key) if later.respondents >= min_group else None
        changes.append(
            ScaleChange(
                scale=scale.key,
                title=scale.title,
                respondents_from=earlier.respondents,
                respondents_to=later.respondents,
                score_from=None if before is None else _two_dp(before),
                score_to=None if after is None else _two_dp(after),
                change=None if before is None or after is None else _two_dp(after - before),
            )
        )
    return tuple(changes)


def pooled_tally(tallies: Iterable[Tally]) -> Tally:
    total = Tally()
    for tally in tallies:
        total = total.merged(tally)
    return total
