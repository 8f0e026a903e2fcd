"""One worker-thread hop for many small jobs: the play loops of all streams share it.

Hundreds of frames a second, each a few hundred microseconds of NumPy, would otherwise
cost a thread hop each and make the worker threads fight the event loop for the GIL.
Jobs queued while a batch runs go into the next batch; a batch stops taking jobs after
`budget` seconds so one slow session delays the others by at most about that much.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool

Job = tuple[Callable[[], Any], asyncio.Future[Any]]


class Batcher:
    """`await batcher.run(fn)` runs fn in a worker thread, batched with other callers' jobs."""

    def __init__(self, budget: float = 0.02) -> None:
        self.budget = budget
        self._queue: deque[Job] = deque()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def run(self, fn: Callable[[], Any]) -> Any:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._drain())
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._queue.append((fn, future))
        self._wake.set()
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            # The job may be running: let it finish before the caller releases its lock.
            with contextlib.suppress(BaseException):
                await future
            raise

    def _work(self, jobs: list[Job]) -> list[tuple[bool, Any]]:
        results: list[tuple[bool, Any]] = []
        start = time.monotonic()
        for fn, _ in jobs:
            if results and time.monotonic() - start > self.budget:
                break  # the rest go back to the queue
            try:
                results.append((True, fn()))
            except Exception as exc:  # handed to the caller
                results.append((False, exc))
        return results

    async def _drain(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._queue:
                jobs = list(self._queue)
                self._queue.clear()
                results = await run_in_threadpool(self._work, jobs)
                for (_, future), (ok, value) in zip(jobs, results, strict=False):
                    if future.done():
                        continue
                    if ok:
                        future.set_result(value)
                    else:
                        future.set_exception(value)
                self._queue.extendleft(reversed(jobs[len(results) :]))

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


@contextlib.asynccontextmanager
async def batching() -> AsyncIterator[Batcher]:
    batcher = Batcher()
    try:
        yield batcher
    finally:
        await batcher.close()
