"""The local stack's mailbox: a real SMTP server (aiosmtpd) that keeps every email it accepts in a Maildir.

`python -m runtime.local.mailbox --port 18025 --maildir .rsp-data/mailbox`. It delivers nothing onwards: it is
where a person trying the platform sees the emails the programme would send (notifications' `/mailbox` page reads
the same folder). Like a real mail server it refuses recipients it could never deliver to, here any address in
the reserved `.invalid` domain (RFC 2606), with a permanent 550, so refusals can be tried locally too.
"""

from __future__ import annotations

import argparse
import asyncio
import mailbox
import signal
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

__all__ = ["MaildirKeeper", "serve_mailbox"]

NEVER_DELIVERABLE = ".invalid"


class MaildirKeeper:
    """aiosmtpd handler: refuses what could never be delivered, keeps the rest in a Maildir."""

    def __init__(self, maildir: Path) -> None:
        maildir.parent.mkdir(parents=True, exist_ok=True)
        self._box = mailbox.Maildir(maildir, create=True)
        for part in ("tmp", "new", "cur"):  # an existing empty folder is not made a Maildir by `create`
            (maildir / part).mkdir(parents=True, exist_ok=True)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if address.rstrip(">").lower().endswith(NEVER_DELIVERABLE):
            return "550 5.1.2 Recipient address domain can never receive mail"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content: Any = envelope.original_content or envelope.content
        message: Message = BytesParser(policy=compat32).parsebytes(content if isinstance(content, bytes) else b"")
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        # Maildir writes each message to tmp/ then moves it into new/: a reader never sees half an email, and it is
        # on disk before the 250 that tells the sender it was accepted.
        await asyncio.to_thread(self._box.add, message)
        return "250 Message accepted for delivery"


async def serve_mailbox(port: int, maildir: Path, host: str = "127.0.0.1") -> None:
    controller = Controller(MaildirKeeper(maildir), hostname=host, port=port, ready_timeout=30)
    controller.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    print(f"mailbox listening on smtp://{host}:{port}, keeping mail in {maildir}", flush=True)
    try:
        await stop.wait()
    finally:
        controller.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--maildir", type=Path, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    arguments = parser.parse_args()
    asyncio.run(serve_mailbox(arguments.port, arguments.maildir, arguments.host))


if __name__ == "__main__":
    main()
