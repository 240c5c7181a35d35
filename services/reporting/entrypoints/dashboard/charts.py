"""Small SVG charts drawn on the server: no script, no CDN, readable offline. Each chart is an image with a
title and a text description (its data is also shown as a table beside it), drawn in colours with at least 3:1
contrast against white and told apart by shape and pattern as well as by colour."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

__all__ = ["Bars", "Series", "band_chart", "bar_chart", "line_chart"]

# Okabe-Ito derived, darkened for 3:1 against white: blue, vermilion, bluish green.
_COLOURS = ("#0a5c99", "#b34700", "#00704a")
_DASHES = ("", "6 3", "2 3")
_WIDTH, _HEIGHT = 640, 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 36, 16, 56


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]


def _frame(chart_id: str, title: str, description: str, body: str, legend: Sequence[str]) -> str:
    items: list[str] = []
    x = float(_LEFT)
    for index, name in enumerate(legend):
        items.append(
            f'<g transform="translate({x:.0f},{_HEIGHT - 14})">'
            f'<line x1="0" y1="-4" x2="22" y2="-4" stroke="{_COLOURS[index]}" stroke-width="3" '
            f'stroke-dasharray="{_DASHES[index]}"/>{_marker(index, 11, -4)}'
            f'<text x="28" y="0" font-size="12">{escape(name)}</text></g>'
        )
        x += 48 + 7 * len(name)  # about the width of the text at 12px, and a gap

    return (
        f'<svg class="chart" viewBox="0 0 {_WIDTH} {_HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
        f'<rect width="{_WIDTH}" height="{_HEIGHT}" fill="#ffffff"/>{body}{"".join(items)}</svg>'
    )


def _marker(series: int, x: float, y: float) -> str:
    """A shape per series (circle, square, triangle), so lines are told apart without colour."""
    colour = _COLOURS[series % len(_COLOURS)]
    if series % 3 == 0:
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'
    if series % 3 == 1:
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    return f'<path d="M{x:.1f},{y - 5:.1f} L{x + 5:.1f},{y + 4:.1f} L{x - 5:.1f},{y + 4:.1f} Z" fill="{colour}"/>'


def _scale(values: Sequence[float]) -> tuple[float, float]:
    """From zero (or the lowest value) to a top that gives round ticks: whole numbers for counts."""
    low, high = min(0.0, *values), max(0.0, *values)
    if high <= low:
        return low, low + 4.0
    if all(float(value).is_integer() for value in values) and high - low >= 4:
        return math.floor(low / 4) * 4, math.ceil(high / 4) * 4
    return low, high


def _y(value: float, low: float, high: float) -> float:
    return _TOP + (high - value) / (high - low) * (_HEIGHT - _TOP - _BOTTOM)


def _axis(low: float, high: float) -> str:
    ticks = []
    for step in range(5):
        value = low + (high - low) * step / 4
        y = _y(value, low, high)
        ticks.append(
            f'<line x1="{_LEFT}" x2="{_WIDTH - _RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d0d0d0"/>'
            f'<text x="{_LEFT - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">{value:g}</text>'
        )
    zero = _y(0.0, low, high)
    ticks.append(f'<line x1="{_LEFT}" x2="{_WIDTH - _RIGHT}" y1="{zero:.1f}" y2="{zero:.1f}" stroke="#505050"/>')
    return "".join(ticks)


def line_chart(chart_id: str, title: str, description: str, labels: Sequence[str], series: Sequence[Series]) -> str:
    """Lines over `labels` (months, say); labels are thinned so they stay readable."""
    values = [value for line in series for value in line.values] or [0.0]
    low, high = _scale(values)
    span = _WIDTH - _LEFT - _RIGHT
    step = span / max(len(labels) - 1, 1)
    start = _LEFT if len(labels) > 1 else _LEFT + span / 2  # a single month's points sit in the middle
    body = [_axis(low, high)]
    every = max(1, len(labels) // 8)
    for index, label in enumerate(labels):
        if index % every == 0:
            x = start + index * step
            body.append(
                f'<text x="{x:.1f}" y="{_HEIGHT - _BOTTOM + 16}" font-size="11" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
    for number, line in enumerate(series):
        points = " ".join(
            f"{start + index * step:.1f},{_y(value, low, high):.1f}" for index, value in enumerate(line.values)
        )
        colour = _COLOURS[number % len(_COLOURS)]
        body.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="3" '
            f'stroke-dasharray="{_DASHES[number % len(_DASHES)]}" points="{points}"/>'
        )
        body += [_marker(number, start + index * step, _y(value, low, high)) for index, value in enumerate(line.values)]
    return _frame(chart_id, title, description, "".join(body), [line.name for line in series])


@dataclass(frozen=True)
class Bars:
    """One group of bars: a value per series, None where the figure is suppressed (no bar; marked `c`)."""

    label: str
    values: Sequence[float | None]


def bar_chart(chart_id: str, title: str, description: str, names: Sequence[str], groups: Sequence[Bars]) -> str:
    """Grouped bars, negative ones below the zero line; a suppressed value is drawn as the letter `c`."""
    values = [value for group in groups for value in group.values if value is not None] or [0.0]
    low, high = _scale(values)
    span = _WIDTH - _LEFT - _RIGHT
    group_width = span / max(len(groups), 1)
    bar_width = min(40.0, group_width * 0.8 / max(len(names), 1))
    zero = _y(0.0, low, high)
    body = [_axis(low, high)]
    for index, group in enumerate(groups):
        start = _LEFT + index * group_width + (group_width - bar_width * len(names)) / 2
        centre = _LEFT + (index + 0.5) * group_width
        body.append(
            f'<text x="{centre:.1f}" y="{_HEIGHT - _BOTTOM + 16}" font-size="11" text-anchor="middle">'
            f"{escape(group.label)}</text>"
        )
        for number, value in enumerate(group.values):
            x = start + number * bar_width
            if value is None:
                body.append(f'<text x="{x + bar_width / 2:.1f}" y="{zero - 4:.1f}" font-size="12" '
                            f'text-anchor="middle">c</text>')  # fmt: skip
                continue
            top = min(zero, _y(value, low, high))
            height = abs(_y(value, low, high) - zero)
            colour = _COLOURS[number % len(_COLOURS)]
            body.append(
                f'<rect x="{x:.1f}" y="{top:.1f}" width="{bar_width - 2:.1f}" height="{max(height, 1):.1f}" '
                f'fill="{colour}" stroke="#1b1b1b" stroke-width="{number}"/>'
            )
    return _frame(chart_id, title, description, "".join(body), names)


def band_chart(
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    mean: Sequence[float],
    low: Sequence[float],
    high: Sequence[float],
) -> str:
    """A projected line with its uncertainty drawn as a shaded band (low to high) behind it."""
    low_, high_ = _scale([*low, *high, *mean] or [0.0])
    span = _WIDTH - _LEFT - _RIGHT
    step = span / max(len(labels) - 1, 1)
    xs = [_LEFT + index * step for index in range(len(labels))]
    body = [_axis(low_, high_)]
    every = max(1, len(labels) // 8)
    for index, label in enumerate(labels):
        if index % every == 0:
            body.append(
                f'<text x="{xs[index]:.1f}" y="{_HEIGHT - _BOTTOM + 16}" font-size="11" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
    upper = [f"{x:.1f},{_y(v, low_, high_):.1f}" for x, v in zip(xs, high, strict=True)]
    lower = [f"{x:.1f},{_y(v, low_, high_):.1f}" for x, v in zip(xs, low, strict=True)]
    body.append(
        f'<polygon class="band" points="{" ".join(upper + lower[::-1])}" fill="#0a5c99" fill-opacity="0.18" '
        'stroke="#0a5c99" stroke-width="1" stroke-dasharray="2 3"/>'
    )
    line = " ".join(f"{x:.1f},{_y(v, low_, high_):.1f}" for x, v in zip(xs, mean, strict=True))
    body.append(f'<polyline fill="none" stroke="{_COLOURS[0]}" stroke-width="3" points="{line}"/>')
    body += [_marker(0, x, _y(v, low_, high_)) for x, v in zip(xs, mean, strict=True)]
    return _frame(chart_id, title, description, "".join(body), ["expected (mean of the runs)"])
