"""The relay: it publishes every committed task event to the broker, in order.

It follows the event store like the projector does, from a position tracked in
PostgreSQL, and moves that position only after the broker has taken a batch.
A crash in between publishes the batch again: delivery is at least once, and
each envelope's `event_id` lets consumers drop repeats. Nothing is published
from the request path, and nothing committed is left unpublished.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Sequence
from typing import Any, cast

import psycopg
import redis.asyncio
from eventsourcing.persistence import Notification
from eventsourcing.postgres import PostgresApplicationRecorder
from faststream.redis import RedisBroker
from psycopg import sql
from redis.exceptions import ResponseError

from application.tasks import TaskPool
from infrastructure.heartbeat import Heartbeat
from infrastructure.messages import (
    NOTIFIER_GROUP,
    STREAM,
    PlainJson,
    TaskEventEnvelope,
    encode,
    envelope_of,
)
from infrastructure.schema import TRACKING_TABLE

logger = logging.getLogger(__name__)

RELAY = "relay"
# Only one relay publishes at a time; others wait on this lock as standbys.
_RELAY_LOCK = 7_340_002
_RETRY_SECONDS = (0.1, 0.5, 1.0, 2.0, 5.0)
_IDLE_WAKE_SECONDS = 0.2


def broker_for(url: str) -> RedisBroker:
    # FastStream logs through our handlers, not a console handler of its own.
    return RedisBroker(
        url, message_format=PlainJson, logger=logging.getLogger("taskpool.broker")
    )


async def ensure_group(client: redis.asyncio.Redis, group: str) -> None:
    """Create the consumer group at the stream's start, if it does not exist.

    Created before anything is published, so a consumer that starts late
    still receives every event.
    """
    try:
        await client.xgroup_create(STREAM, group, id="0", mkstream=True)
    except ResponseError as error:
        if "BUSYGROUP" not in str(error):
            raise


class Relay:
    def __init__(
        self,
        conninfo: str,
        pool: TaskPool,
        broker: RedisBroker,
        *,
        batch_size: int = 500,
        heartbeat: Heartbeat | None = None,
    ) -> None:
        self._conninfo = conninfo
        self._recorder = cast(PostgresApplicationRecorder, pool.recorder)
        self._mapper = pool.mapper
        self._broker = broker
        self._batch_size = batch_size
        self._heartbeat = heartbeat or Heartbeat(None)
        self.position = 0

    async def run(self, stop: threading.Event) -> None:
        failures = 0
        while not stop.is_set():
            try:
                await self._follow(stop)
            except Exception:
                # Broker or database down, or a bug: wait and publish the same
                # batch again; skipping it would leave events unpublished.
                delay = _RETRY_SECONDS[min(failures, len(_RETRY_SECONDS) - 1)]
                failures += 1
                logger.warning(
                    "relay failed; retrying",
                    exc_info=True,
                    extra={"position": self.position, "retry_in": delay},
                )
                await asyncio.sleep(delay)
            else:
                failures = 0
        await self._broker.stop()
        logger.info("relay stopped", extra={"position": self.position})

    async def _follow(self, stop: threading.Event) -> None:
        async with await psycopg.AsyncConnection.connect(
            self._conninfo, autocommit=True
        ) as conn:
            await conn.execute("SELECT pg_advisory_lock(%s)", (_RELAY_LOCK,))
            await conn.execute(
                sql.SQL("LISTEN {}").format(sql.Identifier(self._recorder.channel_name))
            )
            self.position = await _load_position(conn)
            client = await self._broker.connect()
            await ensure_group(client, NOTIFIER_GROUP)
            logger.info("relay started", extra={"position": self.position})
            while not stop.is_set():
                self._heartbeat.beat()
                if await self._relay_next_batch(conn, client):
                    continue
                async for _ in conn.notifies(timeout=_IDLE_WAKE_SECONDS, stop_after=1):
                    pass

    async def _relay_next_batch(
        self, conn: psycopg.AsyncConnection[Any], client: redis.asyncio.Redis
    ) -> int:
        notifications = await asyncio.to_thread(
            self._recorder.select_notifications,
            start=self.position,
            limit=self._batch_size,
            inclusive_of_start=False,
        )
        if not notifications:
            return 0
        envelopes = self._envelopes(notifications)
        if envelopes:
            # The group must exist before its stream does; a Redis that
            # restarted without its data has neither.
            await ensure_group(client, NOTIFIER_GROUP)
            # One transaction: the batch enters the stream whole, in order.
            async with client.pipeline(transaction=True) as pipe:
                for envelope in envelopes:
                    await self._broker.publish(
                        encode(envelope), stream=STREAM, pipeline=pipe
                    )
                await pipe.execute()
        last = notifications[-1].id
        await conn.execute(
            sql.SQL("UPDATE {} SET position = %s WHERE projection = %s").format(
                sql.Identifier(TRACKING_TABLE)
            ),
            (last, RELAY),
        )
        self.position = last
        return len(notifications)

    def _envelopes(
        self, notifications: Sequence[Notification]
    ) -> list[TaskEventEnvelope]:
        envelopes = []
        for notification in notifications:
            envelope = envelope_of(
                self._mapper.to_domain_event(notification), notification.id
            )
            if envelope is not None:
                envelopes.append(envelope)
        return envelopes


async def _load_position(conn: psycopg.AsyncConnection[Any]) -> int:
    await conn.execute(
        sql.SQL(
            "INSERT INTO {} (projection, position) VALUES (%s, 0)"
            " ON CONFLICT (projection) DO NOTHING"
        ).format(sql.Identifier(TRACKING_TABLE)),
        (RELAY,),
    )
    cursor = await conn.execute(
        sql.SQL("SELECT position FROM {} WHERE projection = %s").format(
            sql.Identifier(TRACKING_TABLE)
        ),
        (RELAY,),
    )
    row = await cursor.fetchone()
    return 0 if row is None else int(row[0])
