"""Tasks and the reservations that keep their titles unique."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidValue, ReservationHeld, TaskAlreadyDeleted
from domain.text import clean_line, clean_text, comparison_key

TITLE_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 10_000

_TITLE_NAMESPACE = uuid5(NAMESPACE_URL, "taskpool:title-reservation")


class Status(StrEnum):
    PENDING = "PENDING"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"

    @classmethod
    def parse(cls, value: str) -> Status:
        try:
            return cls(value)
        except ValueError:
            allowed = ", ".join(status.value for status in cls)
            raise InvalidValue("status", f"must be one of {allowed}") from None


def clean_title(title: str) -> str:
    return clean_line("title", title, max_length=TITLE_MAX_LENGTH)


def clean_description(description: str | None) -> str | None:
    if description is None:
        return None
    return clean_text("description", description, max_length=DESCRIPTION_MAX_LENGTH)


class Task(Aggregate):
    """A unit of work in the team's pool.

    Events keep plain values (strings, UUIDs) so that stored events stay
    readable by any consumer; `status` is parsed back into `Status` on apply.
    """

    TOPIC = "taskpool.Task"

    class Event(Aggregate.Event):
        """Every task event records who caused it, and in which request.

        Version 2 added `correlation_id`; events stored by version 1 load with
        none.
        """

        actor: UUID
        correlation_id: str | None

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["correlation_id"] = None

    class TaskCreated(Event, Aggregate.Created):
        TOPIC = "taskpool.TaskCreated"
        title: str
        description: str | None
        status: str

    class TaskUpdated(Event):
        """Carries only the fields that changed, by name."""

        TOPIC = "taskpool.TaskUpdated"
        changes: dict[str, Any]

    class TaskDeleted(Event):
        TOPIC = "taskpool.TaskDeleted"

    # The library would otherwise define a `Created` class of its own, without
    # an explicit topic.
    Created = TaskCreated

    @event(TaskCreated)
    def __init__(
        self,
        *,
        title: str,
        description: str | None,
        status: str,
        actor: UUID,
        correlation_id: str | None,
    ) -> None:
        self.title = title
        self.description = description
        self.status = Status(status)
        self.created_by = actor
        self.is_deleted = False

    @classmethod
    def create(
        cls,
        *,
        title: str,
        description: str | None,
        status: Status,
        actor: UUID,
        correlation_id: str | None = None,
    ) -> Task:
        return cls(
            title=clean_title(title),
            description=clean_description(description),
            status=status.value,
            actor=actor,
            correlation_id=correlation_id,
        )

    @property
    def title_key(self) -> str:
        return comparison_key(self.title)

    def update(
        self,
        *,
        actor: UUID,
        title: str | None = None,
        description: str | None = None,
        clear_description: bool = False,
        status: Status | None = None,
        correlation_id: str | None = None,
    ) -> bool:
        """Record the given changes; return whether anything changed.

        Fields left as None are unchanged; `clear_description` removes the
        description.
        """
        self._check_not_deleted()
        changes: dict[str, Any] = {}
        if title is not None:
            new_title = clean_title(title)
            if new_title != self.title:
                changes["title"] = new_title
        if clear_description or description is not None:
            new_description = (
                None if clear_description else clean_description(description)
            )
            if new_description != self.description:
                changes["description"] = new_description
        if status is not None and status != self.status:
            changes["status"] = status.value
        if changes:
            self._record_update(
                changes=changes, actor=actor, correlation_id=correlation_id
            )
        return bool(changes)

    @event(TaskUpdated)
    def _record_update(
        self, *, changes: dict[str, Any], actor: UUID, correlation_id: str | None
    ) -> None:
        if "title" in changes:
            self.title = changes["title"]
        if "description" in changes:
            self.description = changes["description"]
        if "status" in changes:
            self.status = Status(changes["status"])

    def delete(self, *, actor: UUID, correlation_id: str | None = None) -> None:
        self._check_not_deleted()
        self._record_deletion(actor=actor, correlation_id=correlation_id)

    @event(TaskDeleted)
    def _record_deletion(self, *, actor: UUID, correlation_id: str | None) -> None:
        self.is_deleted = True

    @property
    def updated_at(self) -> datetime:
        return self.modified_on

    @property
    def created_at(self) -> datetime:
        return self.created_on

    def _check_not_deleted(self) -> None:
        if self.is_deleted:
            raise TaskAlreadyDeleted(str(self.id))


class TitleReservation(Aggregate):
    """Claims one title, under its comparison key, for one live task.

    Its id is derived from the key, so two tasks claiming the same title write
    the same aggregate at the same version, and the event store lets only one
    of them commit. A released reservation is claimed again, not recreated.
    """

    TOPIC = "taskpool.TitleReservation"

    class Event(Aggregate.Event):
        pass

    class TitleReserved(Event, Aggregate.Created):
        TOPIC = "taskpool.TitleReserved"
        key: str
        task_id: UUID

    class TitleReclaimed(Event):
        TOPIC = "taskpool.TitleReclaimed"
        task_id: UUID

    class TitleReleased(Event):
        TOPIC = "taskpool.TitleReleased"

    Created = TitleReserved

    @staticmethod
    def id_for(title: str) -> UUID:
        return uuid5(_TITLE_NAMESPACE, comparison_key(title))

    @staticmethod
    def create_id(*, key: str, task_id: UUID) -> UUID:
        return uuid5(_TITLE_NAMESPACE, key)

    @event(TitleReserved)
    def __init__(self, *, key: str, task_id: UUID) -> None:
        self.key = key
        self.task_id: UUID | None = task_id

    @classmethod
    def reserve(cls, title: str, task_id: UUID) -> TitleReservation:
        return cls(key=comparison_key(title), task_id=task_id)

    def is_held_by_other_than(self, task_id: UUID) -> bool:
        return self.task_id is not None and self.task_id != task_id

    def reclaim(self, task_id: UUID) -> None:
        if self.is_held_by_other_than(task_id):
            raise ReservationHeld(self.key)
        if self.task_id is None:
            self._record_reclaim(task_id=task_id)

    @event(TitleReclaimed)
    def _record_reclaim(self, *, task_id: UUID) -> None:
        self.task_id = task_id

    def release(self) -> None:
        if self.task_id is not None:
            self._record_release()

    @event(TitleReleased)
    def _record_release(self) -> None:
        self.task_id = None
