"""What learning's xAPI endpoints take and answer."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.learning.domain.xapi import StoredStatement, account_key, mbox_key

__all__ = ["Account", "ActorMapped", "ActorMapping", "UnmatchedStatement"]


class Account(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    home_page: str = Field(alias="homePage", min_length=1, description="The learning platform's home page IRI")
    name: str = Field(min_length=1, description="The learner's id on that platform")


class ActorMapping(BaseModel):
    """Which staff member an xAPI actor is. Give `mbox_sha1sum` (SHA-1 of `mailto:<email>`) or `account`."""

    model_config = ConfigDict(extra="forbid")

    staff_id: UUID = Field(description="The staff member's id from enrolment")
    mbox_sha1sum: str | None = Field(
        default=None, pattern=r"^[0-9a-fA-F]{40}$", description="SHA-1 hex of the actor's `mailto:` IRI"
    )
    account: Account | None = Field(default=None, description="The actor's account on the learning platform")

    @model_validator(mode="after")
    def _one_identifier(self) -> ActorMapping:
        if (self.mbox_sha1sum is None) == (self.account is None):
            raise ValueError("give exactly one of mbox_sha1sum and account")
        return self

    def actor_key(self) -> str:
        if self.mbox_sha1sum is not None:
            return mbox_key(self.mbox_sha1sum)
        assert self.account is not None
        return account_key(self.account.home_page, self.account.name)


class ActorMapped(BaseModel):
    staff_id: UUID
    statements_now_counted: int = Field(description="Statements that waited for this actor and now count")


class UnmatchedStatement(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    statement_id: UUID
    verb_id: str
    object_id: str
    module_number: int | None
    timestamp: datetime
    outcome: str = Field(
        description="unknown_actor: no staff mapped to the actor; refused: the staff member's "
        "learning does not count (see reason)"
    )
    reason: str

    @classmethod
    def of(cls, statement: StoredStatement) -> UnmatchedStatement:
        reason = statement.reason or "no staff member is mapped to this actor (POST /xapi/actors)"
        return cls.model_validate(replace(statement, reason=reason))
