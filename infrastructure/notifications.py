"""The notification ledger in PostgreSQL, and a mailer that only records."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import msgspec
from psycopg_pool import AsyncConnectionPool

from application.notifications import Notification


class PostgresNotificationLedger:
    def __init__(self, pool: AsyncConnectionPool[Any]) -> None:
        self._pool = pool

    async def claim(self, notification: Notification) -> bool:
        async with self._pool.connection() as conn:
            cursor = await conn.execute(
                "INSERT INTO notifications_sent (event_id, task_id) VALUES (%s, %s)"
                " ON CONFLICT (event_id) DO NOTHING",
                (notification.event_id, notification.task_id),
            )
            return bool(cursor.rowcount == 1)

    async def release(self, notification: Notification) -> None:
        async with self._pool.connection() as conn:
            await conn.execute(
                "DELETE FROM notifications_sent WHERE event_id = %s",
                (notification.event_id,),
            )


class RecordingMailer:
    """Writes each notification it would send as a JSON line, durably.

    Stands in for a mail service until one is configured; tests and operators
    read the file to see what was sent.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = asyncio.Lock()

    async def send(self, notification: Notification) -> None:
        line = msgspec.json.encode(notification) + b"\n"
        async with self._lock:
            await asyncio.to_thread(self._append, line)

    def _append(self, line: bytes) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        with self._path.open("ab") as file:
            file.write(line)
            file.flush()
            os.fsync(file.fileno())


def read_sent(path: Path) -> list[Notification]:
    if not path.exists():
        return []
    return [
        msgspec.json.decode(line, type=Notification)
        for line in path.read_bytes().splitlines()
        if line
    ]
