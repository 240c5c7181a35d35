"""Learning's own settings, from environment variables prefixed `RSP_LEARNING_`."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["DEFAULT_ACTIVITIES", "LearningSettings"]

DEFAULT_ACTIVITIES = Path(__file__).parent / "xapi_activities.json"


class LearningSettings(BaseSettings):
    """Where learning finds which xAPI activity ids are which modules."""

    model_config = SettingsConfigDict(env_prefix="RSP_LEARNING_", extra="ignore")

    xapi_activities: Path = Field(
        default=DEFAULT_ACTIVITIES, description="JSON file mapping xAPI activity ids to module numbers"
    )
