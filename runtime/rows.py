"""Repositories over the unit of work's connection, and tables whose columns bear the names of a domain object's fields.

Naming a table's columns once, as a `Columns`, lets one list say what to select, what to insert and how a row
becomes the domain object again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import asyncpg

from runtime.database import AnyConnection

__all__ = ["Columns", "PostgresRepository"]

_T = TypeVar("_T")


class PostgresRepository:
    """Base of a service's repositories: each runs its queries on the connection of the unit of work that opened it."""

    def __init__(self, conn: AnyConnection) -> None:
        self._conn = conn


class Columns:
    """Columns of a table, each named as the field of the domain object it stores."""

    def __init__(self, *names: str) -> None:
        self.names = names

    def __str__(self) -> str:
        return ", ".join(self.names)

    def placeholders(self) -> str:
        """`$1, $2, ...`, one a column, for an INSERT's VALUES."""
        return ", ".join(f"${number}" for number in range(1, len(self.names) + 1))

    def values(self, thing: object) -> list[Any]:
        """`thing`'s fields in the order of the columns."""
        return [getattr(thing, name) for name in self.names]

    def aliased(self, table: str, prefix: str) -> str:
        """`table.column AS prefixcolumn, ...`: this table's columns in a join, named apart from the others'."""
        return ", ".join(f"{table}.{name} AS {prefix}{name}" for name in self.names)

    def build(self, kind: Callable[..., _T], row: asyncpg.Record, prefix: str = "", **more: Any) -> _T:
        """The domain object a row holds; `prefix` as given to `aliased`; `more` gives the fields that are not
        columns of this table."""
        return kind(**{name: row[f"{prefix}{name}"] for name in self.names}, **more)
