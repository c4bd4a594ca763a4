"""What an operator's readiness probe asks: can we serve, and how far behind?"""

from __future__ import annotations

import asyncio
from typing import Any

import msgspec
import psycopg
import redis
import redis.asyncio
from psycopg import sql
from psycopg_pool import AsyncConnectionPool

from infrastructure.messages import DEAD_LETTERS, NOTIFIER_GROUP, STREAM
from infrastructure.schema import TRACKING_TABLE


class Reader(msgspec.Struct, frozen=True):
    position: int
    lag: int


class Readiness(msgspec.Struct, frozen=True):
    ready: bool
    database: bool
    redis: bool
    store_position: int | None = None
    projector: Reader | None = None
    relay: Reader | None = None
    notifier_pending: int | None = None


class ReadinessProbe:
    def __init__(
        self,
        pool: AsyncConnectionPool[Any],
        client: redis.asyncio.Redis,
        *,
        events_table: str,
        timeout_seconds: float,
    ) -> None:
        self._pool = pool
        self._client = client
        self._timeout = timeout_seconds
        self._query = sql.SQL(
            "SELECT (SELECT coalesce(max(notification_id), 0) FROM {}),"
            " projection, position FROM {}"
        ).format(sql.Identifier(events_table), sql.Identifier(TRACKING_TABLE))

    async def check(self) -> Readiness:
        positions = await self._positions()
        pending = await self._notifier_pending()
        if positions is None:
            return Readiness(ready=False, database=False, redis=pending is not None)
        store, readers = positions

        def reader(name: str) -> Reader | None:
            position = readers.get(name)
            return None if position is None else Reader(position, store - position)

        return Readiness(
            ready=True,
            database=True,
            redis=pending is not None,
            store_position=store,
            projector=reader("tasks"),
            relay=reader("relay"),
            notifier_pending=pending,
        )

    async def _positions(self) -> tuple[int, dict[str, int]] | None:
        try:
            async with self._pool.connection(timeout=self._timeout) as conn:
                rows = await (await conn.execute(self._query)).fetchall()
        except psycopg.Error:
            return None
        store = int(rows[0][0]) if rows else 0
        return store, {str(row[1]): int(row[2]) for row in rows if row[1] is not None}

    async def dead_letters(self) -> int | None:
        try:
            return int(
                await asyncio.wait_for(self._client.xlen(DEAD_LETTERS), self._timeout)
            )
        except (redis.RedisError, OSError, TimeoutError):
            return None

    async def _notifier_pending(self) -> int | None:
        try:
            summary = await asyncio.wait_for(
                self._client.xpending(STREAM, NOTIFIER_GROUP), self._timeout
            )
        except redis.ResponseError:
            return 0  # no stream or group yet: nothing is pending
        except (redis.RedisError, OSError, TimeoutError):
            return None
        return int(summary["pending"])
