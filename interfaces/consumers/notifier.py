"""The notification consumer: reads the task event stream in a consumer group.

Each new task gets one notification. A message whose handling fails stays
pending; after `reclaim_seconds` idle it is claimed again (by this consumer or
any other in the group, so a consumer that died is taken over), and after
`max_attempts` deliveries it moves to the dead-letter stream with the reason,
so it no longer holds up the group.
"""

from __future__ import annotations

import asyncio
import logging
import threading

from faststream.redis import RedisBroker, RedisStreamMessage, StreamSub

from application.notifications import Notification, Notifier
from infrastructure.heartbeat import Heartbeat
from infrastructure.messages import (
    DEAD_LETTERS,
    NOTIFIER_GROUP,
    STREAM,
    decode,
    event_type,
)
from infrastructure.relay import ensure_group

logger = logging.getLogger(__name__)


class NotificationConsumer:
    def __init__(
        self,
        broker: RedisBroker,
        notifier: Notifier,
        *,
        consumer_name: str,
        max_attempts: int,
        reclaim_seconds: float,
        heartbeat: Heartbeat | None = None,
    ) -> None:
        self._broker = broker
        self._notifier = notifier
        self._max_attempts = max_attempts
        self._heartbeat = heartbeat or Heartbeat(None)
        reclaim_ms = int(reclaim_seconds * 1000)
        new = StreamSub(STREAM, group=NOTIFIER_GROUP, consumer=consumer_name)
        stale = StreamSub(
            STREAM,
            group=NOTIFIER_GROUP,
            consumer=consumer_name,
            min_idle_time=reclaim_ms,
        )
        self._subscribers = [
            broker.subscriber(stream=new),
            broker.subscriber(stream=stale),
        ]
        for subscriber in self._subscribers:
            subscriber(self.handle)

    async def run(self, stop: threading.Event) -> None:
        await self._start()
        try:
            while not stop.is_set():
                if all(subscriber.running for subscriber in self._subscribers):
                    self._heartbeat.beat()
                else:
                    await self._restart()
                await asyncio.sleep(0.2)
        finally:
            await self._broker.stop()
            logger.info("notifier stopped")

    async def _start(self) -> None:
        client = await self._broker.connect()
        await ensure_group(client, NOTIFIER_GROUP)
        await self._broker.start()
        logger.info("notifier started")

    async def _restart(self) -> None:
        # FastStream stops a subscriber for good when its group is gone, as
        # after a Redis restart that lost its data: make the group again.
        logger.error("notifier subscribers stopped; restarting them")
        await self._broker.stop()
        try:
            await self._start()
        except Exception:
            logger.warning("notifier could not restart; retrying", exc_info=True)
            await asyncio.sleep(1)

    async def handle(self, message: RedisStreamMessage) -> None:
        try:
            if event_type(message.body) != "TaskCreated":
                # Other events, and types added later, need no notification.
                return
            envelope = decode(message.body)
            if envelope.type == "TaskCreated":
                await self._notifier.task_created(
                    Notification(
                        event_id=envelope.event_id,
                        task_id=envelope.task_id,
                        title=str(envelope.data["title"]),
                        created_by=envelope.actor,
                        created_at=envelope.occurred_at,
                    )
                )
        except Exception as error:
            attempts = await message.get_delivery_count()
            if attempts < self._max_attempts:
                logger.warning(
                    "notification failed; it will be retried",
                    exc_info=error,
                    extra={"attempts": attempts},
                )
                raise
            await self._dead_letter(message, error, attempts)

    async def _dead_letter(
        self, message: RedisStreamMessage, error: Exception, attempts: int
    ) -> None:
        entry_id = message.raw_message["message_ids"][0]
        client = await self._broker.connect()
        await client.xadd(
            DEAD_LETTERS,
            {
                "message_id": entry_id,
                "body": message.body,
                "reason": f"{type(error).__name__}: {error}",
                "attempts": attempts,
                "group": NOTIFIER_GROUP,
            },
        )
        logger.error(
            "message moved to the dead-letter stream",
            exc_info=error,
            extra={"message_id": str(entry_id), "attempts": attempts},
        )
