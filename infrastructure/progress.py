"""Following the projector's position from the API process, without polling."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import psycopg
from psycopg import sql

from infrastructure.schema import PROGRESS_CHANNEL, READ_TABLE, TRACKING_TABLE

logger = logging.getLogger(__name__)

# Notifications can be lost while the connection is down; the stored position
# is read again this often, and after every reconnection.
_POLL_SECONDS = 1.0


class ProjectionWatcher:
    """Knows how far the projector has got, and wakes writers waiting on it."""

    def __init__(
        self, conninfo: str, *, wait_seconds: float, projection: str = READ_TABLE
    ) -> None:
        self._conninfo = conninfo
        self._wait_seconds = wait_seconds
        self._projection = projection
        self._prefix = f"{projection}:"
        self.position = 0
        self._advanced = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._follow(), name="projection-watcher")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def wait_until(self, position: int) -> bool:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._wait_seconds
        while self.position < position:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            advanced = self._advanced
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(advanced.wait(), remaining)
        return True

    def _advance(self, position: int) -> None:
        if position > self.position:
            self.position = position
            # Wake everyone waiting, then give later waiters a fresh event.
            self._advanced.set()
            self._advanced = asyncio.Event()

    async def _follow(self) -> None:
        while True:
            try:
                await self._listen()
            except Exception:
                # Whatever broke the channel, reconnect: writers waiting on it
                # would otherwise wait out their whole bound, every time.
                logger.warning(
                    "lost the projection channel; reconnecting", exc_info=True
                )
                await asyncio.sleep(_POLL_SECONDS)

    async def _listen(self) -> None:
        async with await psycopg.AsyncConnection.connect(
            self._conninfo, autocommit=True
        ) as conn:
            await conn.execute(
                sql.SQL("LISTEN {}").format(sql.Identifier(PROGRESS_CHANNEL))
            )
            while True:
                self._advance(await self._stored_position(conn))
                async for notify in conn.notifies(timeout=_POLL_SECONDS):
                    if notify.payload.startswith(self._prefix):
                        self._advance(int(notify.payload.removeprefix(self._prefix)))

    async def _stored_position(self, conn: psycopg.AsyncConnection[object]) -> int:
        cursor = await conn.execute(
            sql.SQL("SELECT position FROM {} WHERE projection = %s").format(
                sql.Identifier(TRACKING_TABLE)
            ),
            (self._projection,),
        )
        row = await cursor.fetchone()
        return 0 if row is None else int(row[0])  # type: ignore[index]
