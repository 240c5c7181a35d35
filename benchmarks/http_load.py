"""A lean HTTP/1.1 keep-alive client for load generation, so the benchmark's own CPU does not crowd the platform.

On a 2-core machine the load generator shares the cores with the stack it measures; httpx costs about 2 ms of CPU
per request, as much as the service answering it. One connection per simulated client, requests in turn on it,
`Content-Length` bodies only (what uvicorn sends for JSON): enough for the platform's APIs and nothing more.
"""

from __future__ import annotations

import asyncio
import json
from urllib.parse import urlsplit

__all__ = ["KeepAliveConnection"]


class KeepAliveConnection:
    """One persistent connection that sends JSON requests one after another and reads each answer whole."""

    def __init__(self, base_url: str, headers: dict[str, str]) -> None:
        parts = urlsplit(base_url)
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port or 80
        self._fixed = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self._reader is None or self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self._host, self._port)
        return self._reader, self._writer

    async def post_json(self, path: str, body: object) -> tuple[int, bytes]:
        """POST `body` as JSON; the status code and the answer's body."""
        payload = json.dumps(body).encode()
        reader, writer = await self._connect()
        writer.write(
            f"POST {path} HTTP/1.1\r\nHost: {self._host}\r\n{self._fixed}"
            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n".encode()
            + payload
        )
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length = 0
        closing = False
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "connection" and value.strip().lower() == "close":
                closing = True
        answer = await reader.readexactly(length)
        if closing:
            await self.close()
        return status, answer

    async def close(self) -> None:
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            writer.close()
            await writer.wait_closed()
