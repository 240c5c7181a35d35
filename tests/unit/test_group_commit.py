"""Group commit: what concurrent callers submit is written in batches, each caller getting its own outcome."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from runtime.group_commit import GroupCommit


class Refused(Exception):
    pass


class Ledger:
    """Writes numbers; refuses negative ones; fails a whole batch that holds a zero (as a database error would)."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.alone: list[int] = []
        self.written: list[int] = []

    async def write_batch(self, items: Sequence[int]) -> list[int | Exception]:
        self.batches.append(list(items))
        await asyncio.sleep(0)  # a round trip: others may queue meanwhile
        if 0 in items:
            raise RuntimeError("the batch's transaction failed")
        outcomes: list[int | Exception] = []
        for item in items:
            if item < 0:
                outcomes.append(Refused(item))
            else:
                self.written.append(item)
                outcomes.append(item * 10)
        return outcomes

    async def write_one(self, item: int) -> int:
        self.alone.append(item)
        if item == 0:
            raise RuntimeError("zero cannot be written")
        if item < 0:
            raise Refused(item)
        self.written.append(item)
        return item * 10


async def test_requests_arriving_together_are_written_in_one_batch_each_with_its_own_answer() -> None:
    ledger = Ledger()
    together = GroupCommit(ledger.write_batch, ledger.write_one)

    answers = await asyncio.gather(*(together.submit(n) for n in range(1, 33)))

    assert answers == [n * 10 for n in range(1, 33)]
    assert ledger.batches == [list(range(1, 33))]


async def test_a_lone_request_is_written_at_once_without_waiting_for_company() -> None:
    ledger = Ledger()
    together = GroupCommit(ledger.write_batch, ledger.write_one)

    assert await asyncio.wait_for(together.submit(7), timeout=5) == 70
    assert await asyncio.wait_for(together.submit(8), timeout=5) == 80
    assert ledger.batches == [[7], [8]]


async def test_requests_that_come_while_a_batch_is_written_form_the_next_batch() -> None:
    ledger = Ledger()
    together = GroupCommit(ledger.write_batch, ledger.write_one)
    first = asyncio.ensure_future(together.submit(1))
    await asyncio.sleep(0)  # the writer has taken [1] and is writing it

    later = await asyncio.gather(*(together.submit(n) for n in (2, 3, 4)))

    assert (await first, later) == (10, [20, 30, 40])
    assert ledger.batches == [[1], [2, 3, 4]]


async def test_no_batch_is_larger_than_its_limit() -> None:
    ledger = Ledger()
    together = GroupCommit(ledger.write_batch, ledger.write_one, most=4)

    await asyncio.gather(*(together.submit(n) for n in range(1, 11)))

    assert [len(batch) for batch in ledger.batches] == [4, 4, 2]
    assert sorted(ledger.written) == list(range(1, 11))


async def test_a_refused_item_gets_its_own_error_and_the_rest_of_its_batch_is_written() -> None:
    ledger = Ledger()
    together = GroupCommit(ledger.write_batch, ledger.write_one)

    answers = await asyncio.gather(*(together.submit(n) for n in (1, -2, 3)), return_exceptions=True)

    assert answers[0] == 10
    assert answers[2] == 30
    assert isinstance(answers[1], Refused)
    assert ledger.written == [1, 3]


async def test_a_failed_batch_is_written_again_one_at_a_time_so_only_the_bad_item_fails() -> None:
    ledger = Ledger()
    together = GroupCommit(ledger.write_batch, ledger.write_one)

    answers = await asyncio.gather(*(together.submit(n) for n in (1, 0, -3, 4)), return_exceptions=True)

    assert answers[0] == 10
    assert answers[3] == 40
    assert isinstance(answers[1], RuntimeError)
    assert isinstance(answers[2], Refused)
    assert ledger.alone == [1, 0, -3, 4]
    assert sorted(ledger.written) == [1, 4]


async def test_a_caller_that_gives_up_does_not_stop_its_item_or_the_others_being_written() -> None:
    ledger = Ledger()
    together = GroupCommit(ledger.write_batch, ledger.write_one)
    impatient = asyncio.ensure_future(together.submit(1))
    patient = asyncio.ensure_future(together.submit(2))
    await asyncio.sleep(0)
    impatient.cancel()

    assert await patient == 20
    with pytest.raises(asyncio.CancelledError):
        await impatient
    assert ledger.written == [1, 2]
