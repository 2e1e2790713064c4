"""A bounded, first-come-first-served queue in front of the model.

The suggester answers one draft at a time (it holds a lock around embedding and ranking), so
without a gate 200 simultaneous requests each take a worker thread and wait on that lock in no
particular order: the last one waits for all the others, seconds later. The gate lets
``max_inflight`` calls run, queues the rest in arrival order, and turns a request away at once
(HTTP 503 with ``Retry-After``) when the work already queued ahead of it would take longer than
``max_wait`` seconds, judged from the recent service time. A request that still waits past
``max_wait`` (the estimate was wrong) is turned away then.

>>> gate = ModelGate(max_inflight=1, max_waiting=8, max_wait=1.0)
>>> async def answer():                                 # doctest: +SKIP
...     async with gate.slot():
...         return await run_in_threadpool(suggester.suggest, "設置單一窗口")
"""

from __future__ import annotations

import asyncio
import math
import time
from contextlib import asynccontextmanager
from typing import AsyncIterator

from svcsim.i18n import t


class Busy(Exception):
    """The queue is full, or the wait would be too long; ``retry_after`` is in whole seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ModelGate:
    """At most ``max_inflight`` model calls at once, at most ``max_waiting`` queued, none waiting past ``max_wait`` s.

    Args:
        max_inflight: model calls allowed to run together (the suggester serialises its calls, so
            more than 1 only parks threads on its lock).
        max_waiting: queued requests beyond which a new one is refused at once, whatever the estimate.
        max_wait: seconds a request may wait for its turn; a request whose estimated wait is longer is
            refused on arrival.
    """

    def __init__(self, *, max_inflight: int = 1, max_waiting: int = 256, max_wait: float = 1.0) -> None:
        if max_inflight < 1 or max_waiting < 0 or not max_wait > 0:
            raise ValueError(f"need max_inflight ≥ 1, max_waiting ≥ 0 and max_wait > 0; got "
                             f"{max_inflight}, {max_waiting}, {max_wait}")
        self.max_inflight = max_inflight
        self.max_waiting = max_waiting
        self.max_wait = max_wait
        self._sem: asyncio.Semaphore | None = None  # made on first use, inside the server's event loop
        self.waiting = 0
        self.running = 0
        self.service_s = 0.0  # moving average of one call's duration; 0 until the first call ends

    def estimated_wait(self) -> float:
        """Seconds a request arriving now would wait for its turn (0 when a slot is free)."""
        ahead = self.waiting + self.running - self.max_inflight + 1
        return max(0, ahead) * self.service_s / self.max_inflight

    def _busy(self, why: str, wait: float) -> Busy:
        return Busy(t("web.busy", why=why), retry_after=max(1, math.ceil(wait)))

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Wait for a turn (or raise :class:`Busy`), run the body, and record how long it took."""
        if self._sem is None:
            self._sem = asyncio.Semaphore(self.max_inflight)
        if self.waiting >= self.max_waiting and self._sem.locked():
            raise self._busy(t("web.busy.queued", n=self.waiting), self.estimated_wait())
        estimate = self.estimated_wait()
        if estimate > self.max_wait:
            raise self._busy(t("web.busy.too_long", estimate=estimate, limit=self.max_wait), estimate)
        self.waiting += 1
        try:
            # asyncio.Semaphore wakes waiters in arrival order; a timed-out acquire gives its slot back.
            await asyncio.wait_for(self._sem.acquire(), self.max_wait)
        except asyncio.TimeoutError:
            raise self._busy(t("web.busy.waited", limit=self.max_wait), self.estimated_wait()) from None
        finally:
            self.waiting -= 1
        self.running += 1
        t0 = time.perf_counter()
        try:
            yield
        finally:
            took = time.perf_counter() - t0
            self.service_s = took if self.service_s == 0.0 else 0.8 * self.service_s + 0.2 * took
            self.running -= 1
            self._sem.release()
