"""The input guard finds unstorable JSON bodies whether or not they take its quick path (no escapes, UTF-8)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from runtime.input_guard import MAX_JSON_DEPTH, _body_problems, problems_in


def _nested(levels: int, leaf: Any) -> Any:
    """`leaf` at depth `levels`, inside arrays and objects by turns."""
    value = leaf
    for level in range(levels):
        value = {"a": value} if level % 2 else [value]
    return value


BODIES: list[tuple[str, bytes]] = [
    ("deepest allowed", json.dumps(_nested(MAX_JSON_DEPTH, "x")).encode()),
    ("one level too deep", json.dumps(_nested(MAX_JSON_DEPTH + 1, "x")).encode()),
    ("an empty array one level too deep", json.dumps(_nested(MAX_JSON_DEPTH + 1, [])).encode()),
    ("NUL escaped", b'[{"name": "a\\u0000b"}]'),
    ("NUL in a key", b'{"k\\u0000": 1}'),
    ("lone surrogate escaped", b'{"name": "\\ud800"}'),
    ("lone surrogate as raw UTF-8 bytes", b'{"name": "\xed\xa0\x80"}'),
    ("Hangul in raw UTF-8 (bytes that start like a surrogate's)", '{"name": "한국어"}'.encode()),
    ("accents escaped", b'{"name": "\\u00e9t\\u00e9"}'),
    ("UTF-16", json.dumps({"name": "x\x00"}).encode("utf-16")),
    ("a bare string", b'"text"'),
    ("a bare number", b"42"),
]


@pytest.mark.parametrize(("case", "body"), BODIES, ids=[case for case, _ in BODIES])
def test_quick_path_finds_exactly_what_the_full_walk_finds(case: str, body: bytes) -> None:
    assert _body_problems("application/json", body) == list(problems_in(json.loads(body), ("body",)))


def test_unstorable_text_and_depth_are_refused_and_plain_text_is_not() -> None:
    found = {case: bool(_body_problems("application/json", body)) for case, body in BODIES}

    assert [case for case, refused in found.items() if refused] == [
        "one level too deep",
        "an empty array one level too deep",
        "NUL escaped",
        "NUL in a key",
        "lone surrogate escaped",
        "lone surrogate as raw UTF-8 bytes",
        "UTF-16",
    ]
