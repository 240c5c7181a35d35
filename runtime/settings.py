"""Settings from environment variables prefixed `RSP_`; no address or secret lives in code."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from runtime.errors import ConfigurationError

__all__ = ["SERVICE_NAMES", "Settings"]

SERVICE_NAMES: tuple[str, ...] = ("enrolment", "learning", "circles", "reporting", "notifications", "console")


class Settings(BaseSettings):
    """Where everything is. Unset server addresses mean "the local stack starts its own"."""

    model_config = SettingsConfigDict(env_prefix="RSP_", extra="ignore")

    data_dir: Path = Field(default=Path(".rsp-data"), description="Folder for the local stack's data and logs")
    host: str = Field(default="127.0.0.1", description="Interface the services listen on")

    postgres_dsn: str | None = Field(default=None, description="PostgreSQL DSN; unset: local embedded Postgres")
    setup_postgres_dsn: str | None = Field(
        default=None,
        description="The platform database's owner, for the set-up step only: it makes each service's role and schema",
    )
    nats_url: str | None = Field(default=None, description="NATS URL; unset: local nats-server with JetStream")
    temporal_address: str | None = Field(default=None, description="Temporal frontend host:port; unset: local")
    temporal_namespace: str = "default"
    journey_task_queue: str = "school-journeys"
    worker_max_cached_workflows: int = Field(
        default=1000,
        ge=0,
        description="Journeys and cohorts the worker keeps in memory (sticky cache); one evicted replays its "
        "history when it next wakes, so this bounds the worker's memory whatever the number of live journeys",
    )
    worker_max_concurrent_workflow_tasks: int = Field(
        default=16,
        ge=2,
        description="Workflow tasks the worker takes on at once; more only wait for the CPU here while their "
        "10-second timeout runs (a bulk enrolment then times tasks out and redoes them), fewer wait on the server",
    )

    journey_signal_gap_ms: int = Field(
        default=200,
        ge=0,
        le=5000,
        description="Least time between two signals carrying module completions to one journey: completions that "
        "arrive sooner gather into the next signal. A journey takes signals one at a time, each a history event and "
        "a workflow task, so a busy school costs Temporal one signal per gap, not one per completion; a school's "
        "first completion after a quiet gap is signalled at once",
    )

    journey_catch_up_quiet_seconds: int = Field(
        default=120,
        ge=1,
        le=86_400,
        description="How long a back-dated school's new journey waits for its dated history to stop arriving "
        "before living it in date order; what arrives later is lived as it comes",
    )

    enrolment_port: int = 18101
    learning_port: int = 18102
    circles_port: int = 18103
    reporting_port: int = 18104
    notifications_port: int = 18106
    smtp_port: int = Field(default=18025, description="The SMTP server's port (the local mailbox's, when started here)")
    console_port: int = 18105
    nats_port: int = 14222
    nats_monitor_port: int = 18222
    temporal_port: int = 17233
    temporal_ui_port: int = 18233

    jwt_secret: SecretStr | None = Field(default=None, description="Key that signs bearer tokens (HS256)")
    token_minutes: int = Field(default=480, gt=0, description="How long a minted token lasts")
    personal_data_keep_days: int = Field(
        default=365, ge=0, description="Days staff names and emails are kept after a school withdraws or completes"
    )

    half_terms_file: Path | None = Field(default=None, description="Half-term dates for circles; unset: England's")
    survey_min_group: int = Field(
        default=5, ge=2, le=100, description="Fewest staff survey responses a figure is shown for (and released in)"
    )
    idempotency_keep_hours: float = Field(
        default=24, gt=0, description="Hours an Idempotency-Key and its answer are kept for retries"
    )
    idempotency_answer_lost_seconds: float = Field(
        default=30.0,
        gt=0,
        description="A request applied but not answered this long ago died with its process; a retry is told so",
    )

    smtp_host: str | None = Field(default=None, description="SMTP server to send through; unset: the local mailbox")
    smtp_username: str | None = Field(default=None, description="SMTP login, if the server asks for one")
    smtp_password: SecretStr | None = Field(default=None, description="SMTP password")
    smtp_starttls: bool = Field(default=False, description="Upgrade the SMTP connection with STARTTLS")
    smtp_sender: str = Field(
        default="Relational Schools Programme <programme@rsp.localhost>", description="The From of every email"
    )
    mailbox_dir: Path | None = Field(
        default=None, description="The local mailbox's Maildir, shown at notifications' /mailbox; unset: no page"
    )
    notify_api_key: SecretStr | None = Field(
        default=None, description="GOV.UK Notify API key; set: emails go through Notify instead of SMTP"
    )
    notify_base_url: str = Field(default="https://api.notifications.service.gov.uk", description="Notify's API")
    notify_template_id: str | None = Field(
        default=None, description="The Notify email template with ((subject)) and ((body)) placeholders"
    )
    notify_callback_token: SecretStr | None = Field(
        default=None, description="Bearer token Notify sends with its delivery receipts (set in Notify's callbacks)"
    )
    programme_team_email: str | None = Field(
        default=None, description="The programme team's shared mailbox: copies of at-risk notices go there"
    )
    enrolment_url: str | None = Field(
        default=None, description="Enrolment's base URL, for recipients' addresses; unset: this host's enrolment port"
    )
    notifications_hold_after_send_seconds: float = Field(
        default=0.0, ge=0, description="For the fault test only: wait this long between sending and recording"
    )

    otlp_endpoint: str | None = Field(default=None, description="OTLP/HTTP traces endpoint; unset: console")
    traces_file: Path | None = Field(default=None, description="Write console spans here, one JSON per line")
    trace_sample_ratio: float = Field(
        default=1.0, gt=0, le=1, description="Share of new traces kept (a request's own trace decision is kept)"
    )
    log_level: str = "INFO"
    relay_poll_seconds: float = Field(default=1.0, gt=0, description="Outbox relay's fallback poll interval")
    max_body_bytes: int = Field(
        default=5_000_000, gt=0, description="Largest request body a service reads; a larger one gets 413"
    )
    stream_replicas: int = Field(
        default=1, ge=1, le=5, description="Replicas of each JetStream stream the set-up step creates (3 on a cluster)"
    )
    max_deliver: int = Field(default=5, ge=1, description="Deliveries of an event before it is dead-lettered")

    def port_of(self, service: str) -> int:
        port = getattr(self, f"{service}_port", None)
        if not isinstance(port, int):
            raise ConfigurationError(f"unknown service {service!r}")
        return port

    def require_jwt_secret(self) -> str:
        if self.jwt_secret is None or not self.jwt_secret.get_secret_value():
            raise ConfigurationError("RSP_JWT_SECRET is not set (run through `rsp up`, or set the signing key)")
        return self.jwt_secret.get_secret_value()

    def require_postgres(self) -> str:
        if not self.postgres_dsn:
            raise ConfigurationError("RSP_POSTGRES_DSN is not set (run through `rsp up`, or point it at Postgres)")
        return self.postgres_dsn

    def require_nats(self) -> str:
        if not self.nats_url:
            raise ConfigurationError("RSP_NATS_URL is not set (run through `rsp up`, or point it at NATS)")
        return self.nats_url

    def require_temporal(self) -> str:
        if not self.temporal_address:
            raise ConfigurationError("RSP_TEMPORAL_ADDRESS is not set (run through `rsp up`, or point it at Temporal)")
        return self.temporal_address
