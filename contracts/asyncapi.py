"""The event catalogue as an AsyncAPI 3.0 document, generated from the event models themselves.

Every event model's docstring and field descriptions become the message's documentation, so the document can
never drift from what is published. Served by every service at `/asyncapi.json`; `rsp asyncapi` prints it.
"""

from __future__ import annotations

import inspect
from typing import Any

from contracts.events import EVENT_TYPES
from contracts.streams import stream_for
from contracts.subscriptions import CONSUMES, PRODUCES

__all__ = ["asyncapi_document"]

_SCHEMA_REF = "#/components/schemas/{model}"

_CLOUDEVENTS_HEADERS: dict[str, Any] = {
    "type": "object",
    "description": "CloudEvents 1.0 attributes in binary mode, as NATS headers",
    "properties": {
        "ce-id": {"type": "string", "format": "uuid", "description": "The event's id; redeliveries keep it"},
        "ce-source": {"type": "string", "description": "The producing service, e.g. `/rsp/enrolment`"},
        "ce-type": {"type": "string", "description": "The event type: the same as the NATS subject"},
        "ce-time": {"type": "string", "format": "date-time", "description": "When the event happened"},
        "ce-specversion": {"type": "string", "const": "1.0", "description": "CloudEvents version"},
        "ce-subject": {"type": "string", "description": "The entity the event is about (a URN or a cohort id)"},
        "Nats-Msg-Id": {"type": "string", "description": "Equals ce-id, so JetStream drops a re-publish"},
        "traceparent": {"type": "string", "description": "W3C trace context of the request that caused it"},
    },
    "required": ["ce-id", "ce-source", "ce-type", "ce-time", "ce-specversion"],
}


def _channel_key(subject: str) -> str:
    return subject.removeprefix("rsp.").replace(".", "_")


def _producer(subject: str) -> str:
    return next((process for process, prefix in PRODUCES.items() if subject.startswith(prefix + ".")), "unknown")


def asyncapi_document() -> dict[str, Any]:
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for subject, event in sorted(EVENT_TYPES.items()):
        name = event.__name__
        payload = event.model_json_schema(ref_template=_SCHEMA_REF)
        schemas.update(payload.pop("$defs", {}))
        messages[name] = {
            "name": name,
            "title": name,
            "summary": inspect.getdoc(event) or name,
            "contentType": "application/json",
            "headers": _CLOUDEVENTS_HEADERS,
            "payload": payload,
        }
        key = _channel_key(subject)
        channels[key] = {
            "address": subject,
            "description": f"Kept in the JetStream stream {stream_for(subject).name}",
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
        }
        producer = _producer(subject)
        operations[f"{producer}_sends_{key}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{key}"},
            "summary": f"{producer} publishes {name} through its transactional outbox",
        }
        for consumer, consumed in sorted(CONSUMES.items()):
            if event in consumed:
                operations[f"{consumer}_receives_{key}"] = {
                    "action": "receive",
                    "channel": {"$ref": f"#/channels/{key}"},
                    "summary": f"{consumer} consumes {name} through a durable JetStream consumer",
                }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Relational Schools Programme events",
            "version": "1.0.0",
            "description": "Every event the platform publishes on NATS JetStream. Events carry ids, never "
            "personal data; subjects are `rsp.<service>.<entity>.<happened>.v<major>`.",
        },
        "defaultContentType": "application/json",
        "servers": {
            "local": {"host": "127.0.0.1:14222", "protocol": "nats", "description": "The stack `rsp up` starts"}
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }
