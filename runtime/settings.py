"""Settings from environment variables prefixed `RSP_`; no address or secret lives in code."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from runtime.errors import ConfigurationError

__all__ = ["SERVICE_NAMES", "Settings"]

SERVICE_NAMES: tuple[str, ...] = ("enrolment", "learning", "circles", "reporting", "console")


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

    enrolment_port: int = 18101
    learning_port: int = 18102
    circles_port: int = 18103
    reporting_port: int = 18104
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
    idempotency_keep_hours: float = Field(
        default=24, gt=0, description="Hours an Idempotency-Key and its answer are kept for retries"
    )
    idempotency_answer_lost_seconds: float = Field(
        default=30.0,
        gt=0,
        description="A request applied but not answered this long ago died with its process; a retry is told so",
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
