"""What `sync_interval: always` costs: acknowledged JetStream publishes with and without an fsync per write.

    .venv/bin/python -m benchmarks.jetstream_sync                  # 2000 publishes, 3 runs each way
    .venv/bin/python -m benchmarks.jetstream_sync --messages 5000 --runs 5 --in-flight 64

Each run starts a throwaway nats-server (the one `./rsp up` uses, on a port the kernel picks, in a fresh
temporary folder) with one file-storage stream, publishes `--messages` events of the platform's size (about
600 bytes) and waits for every acknowledgement, `--in-flight` at a time (1: each publish waits for the one
before, as an outbox relay does). It prints the median messages per second and per-publish time with the
default sync (every two minutes) and with `always`, and their ratio. Disks differ a lot: measure on the disk the
server will use.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nats
from nats.aio.client import Client as NatsClient

_NATS_SERVER = Path(sys.executable).parent / "nats-server"
_PAYLOAD = b"x" * 600


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def _one_run(sync_always: bool, messages: int, in_flight: int) -> float:
    """Seconds to publish `messages` and have every one acknowledged."""
    with tempfile.TemporaryDirectory(prefix="rsp-js-sync-") as folder:
        config = Path(folder) / "nats.conf"
        config.write_text("jetstream { sync_interval: always }\n" if sync_always else "jetstream {}\n")
        port = _free_port()
        server = await asyncio.create_subprocess_exec(
            *(str(_NATS_SERVER), "-c", str(config), "-js", "-sd", folder, "-a", "127.0.0.1", "-p", str(port)),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            client = await _connect(port)
            try:
                js = client.jetstream()
                await js.add_stream(name="BENCH", subjects=["bench.>"])
                limit = asyncio.Semaphore(in_flight)

                async def publish(number: int) -> None:
                    async with limit:
                        await js.publish(f"bench.{number % 16}", _PAYLOAD)

                started = time.perf_counter()
                await asyncio.gather(*(publish(number) for number in range(messages)))
                return time.perf_counter() - started
            finally:
                await client.close()
        finally:
            server.terminate()
            await asyncio.wait_for(server.wait(), timeout=10)


async def _quiet(error: Exception) -> None:
    """Refused connections while the server starts are expected; the loop below retries them."""


async def _connect(port: int) -> NatsClient:
    deadline = time.monotonic() + 10
    while True:
        try:
            return await nats.connect(
                f"nats://127.0.0.1:{port}", allow_reconnect=False, connect_timeout=1, error_cb=_quiet
            )
        except Exception:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.1)


async def _main(messages: int, runs: int, in_flight: int) -> None:
    medians: dict[str, float] = {}
    for label, sync_always in (("default sync", False), ("sync_interval: always", True)):
        seconds = [await _one_run(sync_always, messages, in_flight) for _ in range(runs)]
        medians[label] = statistics.median(seconds)
        rate = messages / medians[label]
        print(
            f"{label:>22}: {rate:10.0f} msg/s, {1e3 * medians[label] / messages:.3f} ms per publish (median of {runs})"
        )
    ratio = medians["sync_interval: always"] / medians["default sync"]
    print(f"{'always / default':>22}: {ratio:.1f}x the time ({messages} messages, {in_flight} in flight)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--in-flight", type=int, default=1)
    arguments = parser.parse_args()
    asyncio.run(_main(arguments.messages, arguments.runs, arguments.in_flight))


if __name__ == "__main__":
    main()
