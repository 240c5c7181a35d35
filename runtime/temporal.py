"""The Temporal client every process uses: pydantic-aware and traced."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.contrib.opentelemetry import TracingInterceptor
from temporalio.contrib.pydantic import pydantic_data_converter

from runtime.settings import Settings

__all__ = ["connect_temporal"]


async def connect_temporal(settings: Settings) -> Client:
    return await Client.connect(
        settings.require_temporal(),
        namespace=settings.temporal_namespace,
        data_converter=pydantic_data_converter,
        interceptors=[TracingInterceptor()],
    )
