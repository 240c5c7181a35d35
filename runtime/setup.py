"""The set-up step: make what the platform's processes may not make themselves. `python -m runtime.setup`.

Run once per deployment (and again at will: it changes nothing that exists) as a NATS user allowed to create
streams (RSP_NATS_URL); `RSP_STREAM_REPLICAS` sets their replicas on a cluster. The local stack runs the same
function itself before it starts the platform's processes.
"""

from __future__ import annotations

import asyncio

import nats

from runtime.broker import ensure_streams
from runtime.log import configure_logging
from runtime.settings import Settings

__all__ = ["set_up"]


async def set_up(nats_url: str, replicas: int) -> None:
    client = await nats.connect(nats_url, name="rsp-setup")
    try:
        await ensure_streams(client.jetstream(), replicas)
    finally:
        await client.close()


def main() -> None:
    settings = Settings()
    configure_logging("setup", settings.log_level)
    asyncio.run(set_up(settings.require_nats(), settings.stream_replicas))
    print("rsp set-up: the platform's streams are in place")


if __name__ == "__main__":
    main()
