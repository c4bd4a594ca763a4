"""What queries return: plain, immutable shapes that encode straight to JSON."""

from datetime import datetime
from uuid import UUID

import msgspec

from domain.tasks import Status, Task


class TaskView(msgspec.Struct, frozen=True):
    id: UUID
    title: str
    description: str | None
    status: Status
    created_at: datetime
    updated_at: datetime
    created_by: UUID
    version: int


class TaskQuery(msgspec.Struct, frozen=True):
    """Tasks created strictly before `created_before`, newest first."""

    status: Status | None = None
    created_before: datetime | None = None
    skip: int = 0
    limit: int = 20


class TaskPage(msgspec.Struct, frozen=True):
    tasks: list[TaskView]
    total: int


class FieldChange(msgspec.Struct, frozen=True):
    old: str | None
    new: str | None


class HistoryEntry(msgspec.Struct, frozen=True):
    """One event of a task, for auditors: who changed what, when."""

    version: int
    type: str
    occurred_at: datetime
    actor: UUID
    changes: dict[str, FieldChange]
    correlation_id: str | None = None


class HistoryPage(msgspec.Struct, frozen=True):
    entries: list[HistoryEntry]
    total: int


class UserView(msgspec.Struct, frozen=True):
    id: UUID
    username: str
    created_at: datetime


def view_of_task(task: Task) -> TaskView:
    return TaskView(
        id=task.id,
        title=task.title,
        description=task.description,
        status=task.status,
        created_at=task.created_at,
        updated_at=task.updated_at,
        created_by=task.created_by,
        version=task.version,
    )
