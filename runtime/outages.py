"""Which failures mean "a server is away" rather than "this message is wrong".

A consumer waits out an outage for as long as it lasts (retrying with back-off, never dead-lettering), because
the same message will succeed once Postgres, NATS or Temporal is back. Only failures that no amount of waiting
can change are dead-lettered.
"""

from __future__ import annotations

import asyncpg
from temporalio.service import RPCError, RPCStatusCode

__all__ = ["DependencyUnavailable", "is_outage"]


class DependencyUnavailable(Exception):
    """A server the handler needs cannot be reached now; the same work will succeed once it is back."""


_POSTGRES_AWAY = (
    asyncpg.PostgresConnectionError,  # connection lost or refused, class 08
    asyncpg.InterfaceError,  # the connection was closed under the pool
    asyncpg.OperatorInterventionError,  # shutdown, pg_terminate_backend, not accepting connections yet (57)
    asyncpg.TooManyConnectionsError,
)
_TEMPORAL_AWAY = frozenset(
    {
        RPCStatusCode.UNAVAILABLE,
        RPCStatusCode.DEADLINE_EXCEEDED,
        RPCStatusCode.RESOURCE_EXHAUSTED,
        RPCStatusCode.CANCELLED,
    }
)


def is_outage(failure: BaseException) -> bool:
    """True when `failure` (or what caused it) says a server is away, not that the work is wrong."""
    seen: BaseException | None = failure
    while seen is not None:
        if isinstance(seen, (DependencyUnavailable, OSError, TimeoutError, *_POSTGRES_AWAY)):
            return True
        if isinstance(seen, RPCError) and seen.status in _TEMPORAL_AWAY:
            return True
        seen = seen.__cause__ or seen.__context__
    return False
