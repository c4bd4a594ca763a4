"""The projector: it applies stored task events to the read table.

Each batch of events and the position after it are written in one
transaction, so a crash or restart never loses, skips or double-applies an
event. The event store commits in notification order (its inserts hold a table
lock), so reading "everything after my position" never passes over an event
that commits later.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any, cast

import psycopg
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Notification
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg import sql

from application.tasks import TaskPool
from domain.tasks import Task
from infrastructure.cache import GenerationPublisher
from infrastructure.heartbeat import Heartbeat
from infrastructure.schema import PROGRESS_CHANNEL, READ_TABLE, TRACKING_TABLE

logger = logging.getLogger(__name__)

_UPDATABLE_COLUMNS = ("title", "description", "status")
_RETRY_SECONDS = (0.1, 0.5, 1.0, 2.0, 5.0)
# How often an idle projector wakes to check whether it was asked to stop.
_IDLE_WAKE_SECONDS = 0.2


class Projector:
    def __init__(
        self,
        conninfo: str,
        pool: TaskPool,
        *,
        name: str = READ_TABLE,
        table: str = READ_TABLE,
        batch_size: int = 500,
        heartbeat: Heartbeat | None = None,
        generation: GenerationPublisher | None = None,
    ) -> None:
        self._conninfo = conninfo
        self._recorder = cast(PostgresApplicationRecorder, pool.recorder)
        self._mapper = pool.mapper
        self._name = name
        self._table = sql.Identifier(table)
        self._batch_size = batch_size
        self._heartbeat = heartbeat or Heartbeat(None)
        self._generation = generation
        self.position = 0

    def run(self, stop: threading.Event) -> None:
        """Catch up from the stored position, then follow new events until `stop`."""
        failures = 0
        while not stop.is_set():
            try:
                self._follow(stop)
            except Exception:
                # Database outages and bugs alike: log, wait, try the same
                # batch again. Skipping an event would corrupt the read table.
                delay = _RETRY_SECONDS[min(failures, len(_RETRY_SECONDS) - 1)]
                failures += 1
                logger.exception(
                    "projector failed; retrying",
                    extra={"position": self.position, "retry_in": delay},
                )
                stop.wait(delay)
            else:
                failures = 0
        logger.info("projector stopped", extra={"position": self.position})

    def catch_up(self) -> int:
        """Apply every stored event not yet applied; return how many were."""
        with psycopg.connect(self._conninfo) as conn:
            self.position = self.load_position(conn)
            total = 0
            while applied := self.apply_next_batch(conn):
                total += applied
            return total

    def _follow(self, stop: threading.Event) -> None:
        with (
            psycopg.connect(self._conninfo, autocommit=True) as listener,
            psycopg.connect(self._conninfo) as conn,
        ):
            # Listen before reading, so that an event committed between the
            # read and the wait still wakes us.
            listener.execute(
                sql.SQL("LISTEN {}").format(sql.Identifier(self._recorder.channel_name))
            )
            self.position = self.load_position(conn)
            if self._generation is not None:
                # A projector that died before setting the generation left it
                # behind the table.
                self._generation.publish(self.position)
            logger.info("projector started", extra={"position": self.position})
            while not stop.is_set():
                self._heartbeat.beat()
                if self._generation is not None:
                    self._generation.retry()
                if self.apply_next_batch(conn):
                    continue
                for _ in listener.notifies(timeout=_IDLE_WAKE_SECONDS, stop_after=1):
                    pass

    def apply_next_batch(self, conn: psycopg.Connection[Any]) -> int:
        notifications = self._recorder.select_notifications(
            start=self.position, limit=self._batch_size, inclusive_of_start=False
        )
        if not notifications:
            return 0
        with conn.transaction(), conn.cursor() as cursor:
            stored = self._lock_position(cursor)
            if stored != self.position:
                # Another projector moved on; continue from where it got to.
                self.position = stored
                return 1
            self._apply(cursor, notifications)
            last = notifications[-1].id
            cursor.execute(
                sql.SQL("UPDATE {} SET position = %s WHERE projection = %s").format(
                    sql.Identifier(TRACKING_TABLE)
                ),
                (last, self._name),
            )
        self.position = last
        # The cache generation moves before the commit is announced, so that
        # whoever learns of the commit also misses every page cached before it.
        if self._generation is not None:
            self._generation.publish(last)
        self._announce(conn, last)
        return len(notifications)

    def _announce(self, conn: psycopg.Connection[Any], position: int) -> None:
        with conn.transaction():
            conn.execute(
                sql.SQL("SELECT pg_notify({}, %s)").format(
                    sql.Literal(PROGRESS_CHANNEL)
                ),
                (f"{self._name}:{position}",),
            )

    def _apply(
        self, cursor: psycopg.Cursor[Any], notifications: Sequence[Notification]
    ) -> None:
        for notification in notifications:
            event = self._mapper.to_domain_event(notification)
            self._apply_event(cursor, event)

    def _apply_event(
        self, cursor: psycopg.Cursor[Any], event: DomainEventProtocol[Any]
    ) -> None:
        if isinstance(event, Task.TaskCreated):
            cursor.execute(
                sql.SQL(
                    "INSERT INTO {} (id, title, description, status, created_at,"
                    " updated_at, created_by, version)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
                ).format(self._table),
                (
                    event.originator_id,
                    event.title,
                    event.description,
                    event.status,
                    event.timestamp,
                    event.timestamp,
                    event.actor,
                    event.originator_version,
                ),
            )
        elif isinstance(event, Task.TaskUpdated):
            changed = [
                column for column in _UPDATABLE_COLUMNS if column in event.changes
            ]
            assignments = sql.SQL(", ").join(
                sql.SQL("{} = %s").format(sql.Identifier(column))
                for column in [*changed, "updated_at", "version"]
            )
            cursor.execute(
                sql.SQL("UPDATE {} SET {} WHERE id = %s").format(
                    self._table, assignments
                ),
                (
                    *(event.changes[column] for column in changed),
                    event.timestamp,
                    event.originator_version,
                    event.originator_id,
                ),
            )
        elif isinstance(event, Task.TaskDeleted):
            cursor.execute(
                sql.SQL("DELETE FROM {} WHERE id = %s").format(self._table),
                (event.originator_id,),
            )

    def load_position(self, conn: psycopg.Connection[Any]) -> int:
        with conn.transaction(), conn.cursor() as cursor:
            cursor.execute(
                sql.SQL(
                    "INSERT INTO {} (projection, position) VALUES (%s, 0)"
                    " ON CONFLICT (projection) DO NOTHING"
                ).format(sql.Identifier(TRACKING_TABLE)),
                (self._name,),
            )
            return self._lock_position(cursor)

    def _lock_position(self, cursor: psycopg.Cursor[Any]) -> int:
        cursor.execute(
            sql.SQL("SELECT position FROM {} WHERE projection = %s FOR UPDATE").format(
                sql.Identifier(TRACKING_TABLE)
            ),
            (self._name,),
        )
        row = cursor.fetchone()
        if row is None:
            raise LookupError(f"no tracking row for projection {self._name!r}")
        return int(row[0])
