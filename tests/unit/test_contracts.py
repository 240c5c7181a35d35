"""The wire contracts: CloudEvents headers, event validation, subjects and ids."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

import pytest
from pydantic import ValidationError

from contracts import (
    ALL_STREAMS,
    EVENT_TYPES,
    Envelope,
    InvalidEnvelope,
    ModuleCompleted,
    SchoolEnrolled,
    journey_id,
    stream_for,
)


def test_envelope_survives_the_trip_through_nats_headers() -> None:
    envelope = Envelope(
        id=uuid4(), source="/rsp/learning", type=ModuleCompleted.subject, time=datetime.now(UTC), subject="123456"
    )

    headers = envelope.to_headers()

    assert Envelope.from_headers(headers) == envelope
    assert headers["Nats-Msg-Id"] == headers["ce-id"] == str(envelope.id)
    assert headers["ce-specversion"] == "1.0"


def test_envelope_says_its_data_content_type_as_the_nats_binding_maps_it() -> None:
    headers = Envelope(id=uuid4(), source="/x", type="t", time=datetime.now(UTC)).to_headers()

    assert headers["ce-datacontenttype"] == headers["content-type"] == "application/json"


def test_header_values_are_percent_encoded_on_the_way_out_and_decoded_on_the_way_in() -> None:
    envelope = Envelope(id=uuid4(), source="/rsp/learning", type="t", time=datetime.now(UTC), subject="café 100%")

    headers = envelope.to_headers()

    assert headers["ce-subject"] == "caf%C3%A9 100%25"
    assert Envelope.from_headers(headers).subject == "café 100%"
    assert Envelope.from_headers(headers | {"ce-source": "%2Frsp%2Flearning"}).source == "/rsp/learning"


@pytest.mark.parametrize("missing", ["ce-id", "ce-source", "ce-type", "ce-time"])
def test_envelope_without_a_required_header_is_refused_by_name(missing: str) -> None:
    headers = Envelope(id=uuid4(), source="/x", type="t", time=datetime.now(UTC)).to_headers()
    del headers[missing]

    with pytest.raises(InvalidEnvelope, match=missing):
        Envelope.from_headers(headers)


def test_envelope_with_a_bad_id_is_refused() -> None:
    headers = Envelope(id=uuid4(), source="/x", type="t", time=datetime.now(UTC)).to_headers()
    headers["ce-id"] = "not-a-uuid"

    with pytest.raises(InvalidEnvelope):
        Envelope.from_headers(headers)


def test_events_refuse_a_bad_urn_and_unknown_fields() -> None:
    with pytest.raises(ValidationError, match="urn"):
        SchoolEnrolled(urn="12345", cohort_id="oxon-2026", school_name="A", enrolled_on=date(2026, 9, 1))
    with pytest.raises(ValidationError, match="email"):
        SchoolEnrolled.model_validate(
            {"urn": "123456", "cohort_id": "oxon-2026", "school_name": "A", "enrolled_on": "2026-09-01", "email": "x"}
        )


def test_every_event_subject_follows_the_naming_rule_and_has_a_stream() -> None:
    for subject, event in EVENT_TYPES.items():
        service, *_, version = subject.split(".")[1:]
        assert subject.startswith(f"rsp.{service}.")
        assert version == "v1"
        assert event.source == f"/rsp/{service}"
        assert stream_for(subject).name == f"RSP_{service.upper()}"


def test_streams_do_not_overlap() -> None:
    patterns = [pattern for spec in ALL_STREAMS for pattern in spec.subjects]
    assert len(patterns) == len(set(patterns))
    with pytest.raises(LookupError):
        stream_for("elsewhere.thing.happened.v1")


def test_journey_id_is_cohort_and_urn() -> None:
    assert journey_id("oxon-2026", "123456") == "journey-oxon-2026-123456"
    with pytest.raises(ValueError, match="urn"):
        journey_id("oxon-2026", "1234567")
    with pytest.raises(ValueError, match="cohort"):
        journey_id("Oxon 2026", "123456")
