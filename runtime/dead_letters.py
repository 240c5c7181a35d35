"""Dead letters for an operator: list what no consumer could handle, and send it back once the cause is fixed.

A dead letter keeps the original body, its CloudEvents headers, the consumer that gave up and why. Replaying one
publishes it again on its original subject under a new `Nats-Msg-Id` (the original may still be inside JetStream's
duplicate window) and the same `ce-id`: every consumer that applied it before finds it in its inbox and changes
nothing, the one that failed applies it now. The dead letter is then removed from the stream.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from contracts import DEAD_LETTER, stream_for

__all__ = ["DeadLetter", "dead_letters", "replay"]


@dataclass(frozen=True)
class DeadLetter:
    sequence: int
    consumer: str
    subject: str
    event_id: str
    reason: str
    headers: dict[str, str]
    body: bytes

    def line(self) -> str:
        return f"{self.sequence:>6}  {self.consumer:<10} {self.subject:<48} {self.event_id:<36}  {self.reason}"


async def dead_letters(js: JetStreamContext, consumer: str | None = None) -> AsyncIterator[DeadLetter]:
    """Every dead letter still kept, oldest first (only `consumer`'s, when given)."""
    state = (await js.stream_info(DEAD_LETTER.name)).state
    # A stream never written to starts at sequence 0, which JetStream refuses to look up.
    for sequence in range(max(state.first_seq, 1), state.last_seq + 1):
        try:
            raw = await js.get_msg(DEAD_LETTER.name, sequence)
        except NotFoundError:
            continue  # replayed and removed
        headers = dict(raw.headers or {})
        letter = DeadLetter(
            sequence=sequence,
            consumer=headers.get("rsp-dead-letter-consumer", "?"),
            subject=headers.get("rsp-original-subject", "?"),
            event_id=headers.get("ce-id", "(none)"),
            reason=headers.get("rsp-dead-letter-reason", ""),
            headers=headers,
            body=raw.data or b"",
        )
        if consumer is None or letter.consumer == consumer:
            yield letter


async def replay(js: JetStreamContext, letter: DeadLetter) -> None:
    """Publish the dead letter again on its original subject, then remove it."""
    headers = {key: value for key, value in letter.headers.items() if key.startswith("ce-") or key == "content-type"}
    headers["Nats-Msg-Id"] = f"{letter.event_id}:replay:{letter.sequence}"
    await js.publish(letter.subject, letter.body, headers=headers, stream=stream_for(letter.subject).name)
    await js.delete_msg(DEAD_LETTER.name, letter.sequence)
