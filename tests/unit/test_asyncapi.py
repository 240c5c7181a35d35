"""The AsyncAPI document explains every event the platform publishes, field by field."""

from __future__ import annotations

from typing import Any

from contracts import EVENT_TYPES
from contracts.asyncapi import asyncapi_document


def _resolve(document: dict[str, Any], ref: str) -> Any:
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [node["$ref"]] if "$ref" in node else [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def test_every_event_has_a_channel_at_its_subject_with_its_message() -> None:
    document = asyncapi_document()

    addresses = {channel["address"] for channel in document["channels"].values()}

    assert addresses == set(EVENT_TYPES)
    assert set(document["components"]["messages"]) == {event.__name__ for event in EVENT_TYPES.values()}


def test_every_field_of_every_event_is_described() -> None:
    document = asyncapi_document()
    schemas = [message["payload"] for message in document["components"]["messages"].values()]
    schemas += list(document["components"]["schemas"].values())

    undescribed = [
        f"{schema['title']}.{name}"
        for schema in schemas
        for name, field in schema.get("properties", {}).items()
        if not field.get("description")
    ]

    assert undescribed == []


def test_every_reference_in_the_document_resolves() -> None:
    document = asyncapi_document()

    for ref in _refs(document):
        assert _resolve(document, ref) is not None, ref


def test_operations_name_who_sends_and_who_receives() -> None:
    operations = asyncapi_document()["operations"]

    assert operations["enrolment_sends_enrolment_school_enrolled_v1"]["action"] == "send"
    assert operations["bridge_receives_enrolment_school_enrolled_v1"]["action"] == "receive"
