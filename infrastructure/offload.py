"""Running blocking calls on a bounded set of worker threads."""

from collections.abc import Callable
from typing import TypeVar

import anyio.to_thread
from anyio import CapacityLimiter

from infrastructure.outages import translated_outages

T = TypeVar("T")


class ThreadOffload:
    """At most `threads` calls run at once; the rest wait their turn.

    Bound it by the connections a call may hold, so that calls queue here
    rather than inside the connection pool, whose checkout timeouts the event
    store retries with sleeps.
    """

    def __init__(self, threads: int) -> None:
        self._threads = threads
        self._limiter: CapacityLimiter | None = None

    async def __call__(self, function: Callable[[], T]) -> T:
        # Created on first use: a limiter belongs to the running event loop.
        if self._limiter is None:
            self._limiter = CapacityLimiter(self._threads)
        with translated_outages("event store"):
            return await anyio.to_thread.run_sync(function, limiter=self._limiter)
