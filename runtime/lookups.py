"""One way to turn a repository's "nothing there" into the service's own `NotFound`."""

from __future__ import annotations

from typing import TypeVar

from runtime.errors import NotFound

__all__ = ["found"]

_T = TypeVar("_T")


def found(value: _T | None, missing: NotFound) -> _T:
    """`value` as the repository gave it, or `missing` raised where it gave nothing."""
    if value is None:
        raise missing
    return value
