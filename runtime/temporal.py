"""The Temporal client every process uses: pydantic-aware and traced."""

from __future__ import annotations

import functools
from typing import Any

from pydantic import TypeAdapter
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.client import Client
from temporalio.contrib.opentelemetry import TracingInterceptor
from temporalio.contrib.pydantic import PydanticJSONPlainPayloadConverter, PydanticPayloadConverter
from temporalio.converter import DataConverter

from contracts.search_attributes import SEARCH_ATTRIBUTES
from runtime.settings import Settings

__all__ = ["DATA_CONVERTER", "connect_temporal", "register_search_attributes"]

# One pydantic TypeAdapter per type for the whole process. The SDK makes a new payload converter for every workflow
# run, each with its own empty cache: a worker taking on thousands of new journeys (a bulk enrolment) spent a third
# of its CPU building the same `JourneyStart` schema again for each. An adapter only validates and serialises, and
# holds no state between calls, so runs can share it; bounded, because the replay tests' full sandbox imports
# each workflow module's classes afresh for every run.
_TYPE_ADAPTERS: functools._lru_cache_wrapper[TypeAdapter[Any]] = functools.lru_cache(maxsize=1024)(TypeAdapter)


class _SharedAdaptersJSON(PydanticJSONPlainPayloadConverter):
    def __init__(self) -> None:
        super().__init__()
        self._type_adapter = _TYPE_ADAPTERS

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        self._type_adapter = _TYPE_ADAPTERS


class SharedAdaptersPayloadConverter(PydanticPayloadConverter):
    """`temporalio.contrib.pydantic`'s converter, its type adapters shared by every workflow run in the process."""

    def __init__(self) -> None:
        super().__init__()
        self.converters = {
            encoding: _SharedAdaptersJSON() if isinstance(converter, PydanticJSONPlainPayloadConverter) else converter
            for encoding, converter in self.converters.items()
        }


# What every client, worker and replayer of the platform converts payloads with (pydantic-aware, as
# `pydantic_data_converter`).
DATA_CONVERTER = DataConverter(payload_converter_class=SharedAdaptersPayloadConverter)


async def connect_temporal(settings: Settings) -> Client:
    return await Client.connect(
        settings.require_temporal(),
        namespace=settings.temporal_namespace,
        data_converter=DATA_CONVERTER,
        interceptors=[TracingInterceptor()],
    )


_INDEXED_TYPES = {
    "Keyword": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    "Text": IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
    "Int": IndexedValueType.INDEXED_VALUE_TYPE_INT,
    "Double": IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
    "Bool": IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
    "Datetime": IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
    "KeywordList": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
}


async def register_search_attributes(client: Client, namespace: str) -> None:
    """Register the platform's custom search attributes (for servers not started by the local stack)."""
    await client.operator_service.add_search_attributes(
        AddSearchAttributesRequest(
            namespace=namespace,
            search_attributes={name: _INDEXED_TYPES[kind] for name, kind in SEARCH_ATTRIBUTES.items()},
        )
    )
