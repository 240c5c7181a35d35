"""The console's own settings, from environment variables prefixed `RSP_` (as the stack passes them)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["ASSETS_ROOT", "ConsoleSettings"]

# Where `./rsp` installs the npm packages (package.json at the repository's root).
ASSETS_ROOT = Path(__file__).resolve().parents[2] / "node_modules"


class ConsoleSettings(BaseSettings):
    """Where the console is reached, how long its links and sessions last, and where its assets are."""

    model_config = SettingsConfigDict(env_prefix="RSP_", extra="ignore")

    console_url: str | None = Field(
        default=None, description="The console's address as people reach it (in sign-in links); unset: host and port"
    )
    enrolment_url: str | None = Field(default=None, description="Enrolment's API; unset: RSP_HOST and its port")
    learning_url: str | None = Field(default=None, description="Learning's API; unset: RSP_HOST and its port")
    circles_url: str | None = Field(default=None, description="Circles' API; unset: RSP_HOST and its port")
    reporting_url: str | None = Field(default=None, description="Reporting's API; unset: RSP_HOST and its port")
    notifications_url: str | None = Field(
        default=None, description="The notifications service; set, invitations are emailed through it"
    )
    console_admin_email: str = Field(
        default="programme-team@rsp.localhost",
        description="The programme team's own console account, whose sign-in link `rsp up` prints",
    )
    console_session_hours: float = Field(default=8, gt=0, description="How long a console session lasts")
    sign_in_link_hours: float = Field(default=72, gt=0, description="How long a sign-in link stays usable (once)")
    console_node_modules: Path = Field(default=ASSETS_ROOT, description="Where govuk-frontend was installed (npm ci)")
