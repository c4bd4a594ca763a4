"""Audits from the command line: export every event, and check the read table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

import msgspec
import psycopg
from psycopg import sql

from application.tasks import TaskPool
from application.views import TaskView, view_of_task
from domain.tasks import Task
from infrastructure.read_model import COLUMNS, view_of_row
from infrastructure.schema import READ_TABLE

_EVENT_FIELDS_LEFT_OUT = {"originator_id", "originator_version", "timestamp"}
_BATCH = 1000


def export_events(pool: TaskPool) -> Iterator[dict[str, Any]]:
    """Every stored event of the pool, in store order, as plain values."""
    position = 0
    while notifications := pool.recorder.select_notifications(
        start=position, limit=_BATCH, inclusive_of_start=False
    ):
        for notification in notifications:
            event = pool.mapper.to_domain_event(notification)
            fields = vars(event)
            data = {
                key: value
                for key, value in fields.items()
                if key not in _EVENT_FIELDS_LEFT_OUT
            }
            yield msgspec.to_builtins(
                {
                    "position": notification.id,
                    "type": type(event).__name__,
                    "topic": notification.topic,
                    "aggregate_id": event.originator_id,
                    "aggregate_version": event.originator_version,
                    "occurred_at": fields["timestamp"],
                    "data": data,
                }
            )
            position = notification.id


def verify_read_table(pool: TaskPool, conninfo: str) -> list[str]:
    """Replay every task and describe each one whose read row disagrees."""
    replayed: dict[UUID, TaskView | None] = {}
    for record in export_events(pool):
        if record["type"] == "TaskCreated":
            replayed[UUID(record["aggregate_id"])] = None
    for task_id in replayed:
        task: object = pool.repository.get(task_id)
        if isinstance(task, Task) and not task.is_deleted:
            replayed[task_id] = view_of_task(task)
    with psycopg.connect(conninfo) as conn:
        rows = conn.execute(
            sql.SQL("SELECT {} FROM {}").format(
                sql.SQL(COLUMNS), sql.Identifier(READ_TABLE)
            )
        ).fetchall()
    stored = {row[0]: view_of_row(row) for row in rows}
    problems = []
    for task_id in sorted(set(replayed) | set(stored), key=str):
        expected, found = replayed.get(task_id), stored.get(task_id)
        if expected != found:
            problems.append(
                f"task {task_id}: events say {_describe(expected)}, "
                f"read table has {_describe(found)}"
            )
    return problems


def _describe(view: TaskView | None) -> str:
    if view is None:
        return "no live task"
    return msgspec.json.encode(view).decode()
