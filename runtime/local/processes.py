"""Child processes of the local stack: started in their own process group, logged, stopped without leftovers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

__all__ = ["ManagedProcess"]

_log = logging.getLogger(__name__)


class ManagedProcess:
    """One child process whose output goes, line by line and prefixed with its name, to the console and a log."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        env: dict[str, str],
        log_dir: Path,
        echo: TextIO | None = sys.stdout,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.env = env
        self.log_path = log_dir / f"{name}.log"
        self._echo = echo
        self._process: asyncio.subprocess.Process | None = None
        self._pump: asyncio.Task[None] | None = None
        self.stopping = False

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    @property
    def returncode(self) -> int | None:
        return None if self._process is None else self._process.returncode

    async def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._process = await asyncio.create_subprocess_exec(
            *self.argv,
            env=self.env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stopping it reaches its children too
        )
        self._pump = asyncio.create_task(self._copy_output(), name=f"log-{self.name}")

    async def _copy_output(self) -> None:
        assert self._process is not None
        assert self._process.stdout is not None
        with self.log_path.open("a", encoding="utf-8") as log:
            async for raw in self._process.stdout:
                line = raw.decode("utf-8", "replace").rstrip()
                log.write(line + "\n")
                log.flush()
                if self._echo is not None:
                    self._echo.write(f"{self.name:>10} | {line}\n")
                    self._echo.flush()

    async def wait(self) -> int:
        assert self._process is not None
        return await self._process.wait()

    async def stop(self, grace_seconds: float = 10.0) -> None:
        """SIGTERM the process group, then SIGKILL whatever is left after `grace_seconds`."""
        self.stopping = True
        process = self._process
        if process is None:
            return
        if process.returncode is None:
            self._signal_group(process.pid, signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), grace_seconds)
            except TimeoutError:
                _log.warning("%s did not stop in %.0fs; killing it", self.name, grace_seconds)
        # Children of the process (if any) share its group; make sure none outlives it.
        self._signal_group(process.pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            await process.wait()
        if self._pump is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._pump, 5)

    @staticmethod
    def _signal_group(pid: int, sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, sig)
