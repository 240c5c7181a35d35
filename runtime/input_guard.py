"""Refuse, at the edge, input that no route can store or read safely, before any of it is applied.

Postgres cannot store a NUL character, and UTF-8 cannot encode a lone surrogate (`\\ud800`): a text field holding
either would fail deep inside a write, after other fields were checked. JSON nested thousands of levels deep
exhausts the parser's recursion. Each gets 422 naming where it is (`body.name`, `query.reason`), in the one
error shape (`runtime.api_document.Error`), and nothing is written. Bodies over the size limit never get here:
FastAPI answers 413 before reading them whole (`max_body_size`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from runtime.api_document import Error, FieldProblem
from runtime.asgi import answer, read_body, replaying

__all__ = ["MAX_JSON_DEPTH", "InputGuardMiddleware", "problems_in"]

MAX_JSON_DEPTH = 32
# Searched in C: a character-by-character loop in Python cost 50 ms a 1,000-statement xAPI batch.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# In a UTF-8 JSON text, a NUL or a lone surrogate can only come from a \u escape, a NUL byte or the UTF-8 bytes
# of a surrogate (which json.loads lets through): a body with none of them holds no unstorable text.
_MAY_BE_UNSTORABLE = re.compile(rb"\\u|\x00|\xed[\xa0-\xbf]")
_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})


def _unstorable(text: str) -> str | None:
    if "\x00" in text:
        return "must not contain a NUL character"
    if _LONE_SURROGATE.search(text):
        return "must not contain a lone surrogate (text that is not valid Unicode)"
    return None


def problems_in(value: Any, where: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every place in a decoded JSON value that cannot be stored, or that is nested too deep; keys included."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, where)]
    while stack:
        item, path = stack.pop()
        if len(path) - len(where) > MAX_JSON_DEPTH:
            yield path, f"is nested more than {MAX_JSON_DEPTH} levels deep"
            continue
        if isinstance(item, str):
            if (problem := _unstorable(item)) is not None:
                yield path, problem
        elif isinstance(item, dict):
            for key, inner in item.items():
                if (problem := _unstorable(key)) is not None:
                    yield path, f"has a key which {problem}"
                stack.append((inner, (*path, key)))
        elif isinstance(item, list):
            stack.extend((inner, (*path, index)) for index, inner in enumerate(item))


def _too_deep(value: Any) -> bool:
    """Whether anything is nested more than `MAX_JSON_DEPTH` levels deep: a non-empty array or object at that
    depth. Looks at arrays and objects only, so it is cheap beside `problems_in`."""
    stack: list[tuple[Any, int]] = [(value, 0)] if isinstance(value, dict | list) else []
    while stack:
        item, depth = stack.pop()
        inner = item.values() if isinstance(item, dict) else item
        if depth >= MAX_JSON_DEPTH and inner:
            return True
        stack.extend((member, depth + 1) for member in inner if isinstance(member, dict | list))
    return False


def _refusal(problems: list[tuple[tuple[str | int, ...], str]]) -> bytes:
    found = [FieldProblem(loc=list(path), msg=message, type="unstorable_input") for path, message in problems[:20]]
    detail = "; ".join(f"{'.'.join(map(str, p.loc))}: {p.msg}" for p in found)
    return Error(detail=detail, errors=found).model_dump_json().encode()


class InputGuardMiddleware:
    """ASGI middleware: 422 for unstorable text in the path, the query or a JSON body."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        problems: list[tuple[tuple[str | int, ...], str]] = []
        if (problem := _unstorable(scope["path"])) is not None:
            problems.append((("path",), problem))
        query = scope.get("query_string", b"").decode("utf-8", "surrogateescape")
        for name, value in parse_qsl(query, keep_blank_values=True):
            if (problem := _unstorable(value) or _unstorable(name)) is not None:
                problems.append((("query", name), problem))
        body: bytes | None = None
        if scope["method"] in _WITH_BODY:
            body = await read_body(receive)
            problems += _body_problems(Headers(scope=scope).get("content-type", ""), body)
        if problems:
            await answer(send, 422, [(b"content-type", b"application/json")], _refusal(problems))
            return
        await self._app(scope, receive if body is None else replaying(body, receive), send)


def _body_problems(content_type: str, body: bytes) -> list[tuple[tuple[str | int, ...], str]]:
    if "json" in content_type:
        try:
            decoded = json.loads(body)
        except RecursionError:
            return [(("body",), f"is nested more than {MAX_JSON_DEPTH} levels deep")]
        except ValueError:
            return []  # not JSON at all: the route's own validation says so
        plain = _MAY_BE_UNSTORABLE.search(body) is None and json.detect_encoding(body) == "utf-8"
        if plain and not _too_deep(decoded):
            return []  # the usual case, found without naming the path of every value on the way
        return list(problems_in(decoded, ("body",)))
    return []  # other bodies (a GIAS extract's CSV) are read by their route, which refuses what it cannot use
