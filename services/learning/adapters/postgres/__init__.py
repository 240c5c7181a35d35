"""Learning's storage through asyncpg, one module per sub-domain, and the unit of work over them all."""

from __future__ import annotations

from runtime.database import AnyConnection
from runtime.unit_of_work import PostgresUnitOfWork
from services.learning.adapters.postgres.modules import (
    PostgresCompletionRepository,
    PostgresModuleRepository,
    PostgresSchoolRepository,
    PostgresStaffRepository,
    PostgresStartRepository,
)
from services.learning.adapters.postgres.sessions import PostgresSessionRepository
from services.learning.adapters.postgres.xapi import PostgresActorRepository, PostgresStatementRepository
from services.learning.adapters.postgres.xapi_batch import PostgresStatementBatchRepository

__all__ = ["PostgresLearningUnitOfWork"]


class PostgresLearningUnitOfWork(PostgresUnitOfWork):
    modules: PostgresModuleRepository
    schools: PostgresSchoolRepository
    staff: PostgresStaffRepository
    starts: PostgresStartRepository
    completions: PostgresCompletionRepository
    actors: PostgresActorRepository
    statements: PostgresStatementRepository
    statement_batches: PostgresStatementBatchRepository
    sessions: PostgresSessionRepository

    def _open_repositories(self, conn: AnyConnection) -> None:
        self.modules = PostgresModuleRepository(conn)
        self.schools = PostgresSchoolRepository(conn)
        self.staff = PostgresStaffRepository(conn)
        self.starts = PostgresStartRepository(conn)
        self.completions = PostgresCompletionRepository(conn)
        self.actors = PostgresActorRepository(conn)
        self.statements = PostgresStatementRepository(conn)
        self.statement_batches = PostgresStatementBatchRepository(conn)
        self.sessions = PostgresSessionRepository(conn)
