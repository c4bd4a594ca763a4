"""Commands on tasks, recorded in the event store with their title reservations."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError

from application.errors import (
    TaskNotFound,
    TitleTaken,
    VersionMismatch,
    WriteConflict,
)
from application.views import FieldChange, HistoryEntry
from domain.tasks import Status, Task, TitleReservation

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
A = TypeVar("A", Task, TitleReservation)

# A save that loses a race for a reservation or a task version runs again on
# fresh state. Usually the second attempt settles it, as a conflict or a
# success; many writers on one task need more, spread out by a random pause
# that grows with each attempt.
SAVE_ATTEMPTS = 20
_PAUSE_SECONDS = 0.002


@dataclass(frozen=True)
class Written(Generic[T_co]):
    """A command's result and the store position of its last event, if any."""

    result: T_co
    position: int | None


class TaskPool(Application[UUID]):
    """The write side: every change to a task is an event appended here."""

    name = "taskpool"

    def create_task(
        self,
        *,
        title: str,
        description: str | None,
        status: Status,
        actor: UUID,
        correlation_id: str | None = None,
    ) -> Written[Task]:
        def attempt() -> Written[Task]:
            task = Task.create(
                title=title,
                description=description,
                status=status,
                actor=actor,
                correlation_id=correlation_id,
            )
            reservation = self._claim_title(task.title, task.id)
            return Written(task, self._save(task, reservation))

        return _retrying(attempt)

    def update_task(
        self,
        task_id: UUID,
        *,
        actor: UUID,
        title: str | None = None,
        description: str | None = None,
        clear_description: bool = False,
        status: Status | None = None,
        expected_versions: Collection[int] | None = None,
        correlation_id: str | None = None,
    ) -> Written[Task]:
        """Change a task; with `expected_versions`, only if it is at one of them."""

        def attempt() -> Written[Task]:
            task = self._live_task(task_id, expected_versions)
            old_title, old_key = task.title, task.title_key
            if not task.update(
                actor=actor,
                title=title,
                description=description,
                clear_description=clear_description,
                status=status,
                correlation_id=correlation_id,
            ):
                return Written(task, None)
            if task.title_key == old_key:
                return Written(task, self._save(task))
            released = self._reservation(old_title)
            released.release()
            claimed = self._claim_title(task.title, task.id)
            return Written(task, self._save(task, released, claimed))

        return _retrying(attempt)

    def delete_task(
        self,
        task_id: UUID,
        *,
        actor: UUID,
        expected_versions: Collection[int] | None = None,
        correlation_id: str | None = None,
    ) -> Written[None]:
        def attempt() -> Written[None]:
            task = self._live_task(task_id, expected_versions)
            task.delete(actor=actor, correlation_id=correlation_id)
            reservation = self._reservation(task.title)
            reservation.release()
            return Written(None, self._save(task, reservation))

        return _retrying(attempt)

    def task_at(
        self,
        task_id: UUID,
        *,
        version: int | None = None,
        as_of: datetime | None = None,
    ) -> Task:
        """The task as it was at a version, or at an instant, rebuilt from events."""
        task: Task | None = None
        for event in self._task_events(task_id):
            if version is not None and event.originator_version > version:
                break
            if as_of is not None and event.timestamp > as_of:
                break
            task = event.mutate(task)
        if task is None or task.is_deleted:
            raise TaskNotFound(task_id)
        if version is not None and task.version != version:
            raise TaskNotFound(task_id)
        return task

    def history(self, task_id: UUID) -> list[HistoryEntry]:
        """Every event of the task, oldest first, with old and new values."""
        entries = []
        before: dict[str, str | None] = dict.fromkeys(_AUDITED)
        task: Task | None = None
        for event in self._task_events(task_id):
            task = event.mutate(task)
            after = {field: _audited_value(task, field) for field in _AUDITED}
            if task is not None and task.is_deleted:
                after = dict.fromkeys(_AUDITED)
            entries.append(
                HistoryEntry(
                    version=event.originator_version,
                    type=type(event).__name__,
                    occurred_at=event.timestamp,
                    actor=event.actor,
                    correlation_id=event.correlation_id,
                    changes={
                        field: FieldChange(old=before[field], new=after[field])
                        for field in _AUDITED
                        if before[field] != after[field]
                    },
                )
            )
            before = after
        return entries

    def _task_events(self, task_id: UUID) -> list[Task.Event]:
        events = [
            event for event in self.events.get(task_id) if isinstance(event, Task.Event)
        ]
        if not events:
            raise TaskNotFound(task_id)
        return events

    def _live_task(
        self, task_id: UUID, expected_versions: Collection[int] | None = None
    ) -> Task:
        # Checked on the state the save will be based on: if another write
        # lands first, the save fails, runs again, and this check refuses it.
        task = self._load(task_id, Task)
        if task is None or task.is_deleted:
            raise TaskNotFound(task_id)
        if expected_versions is not None and task.version not in expected_versions:
            raise VersionMismatch(task_id, task.version)
        return task

    def _reservation(self, title: str) -> TitleReservation:
        reservation = self._load(TitleReservation.id_for(title), TitleReservation)
        if reservation is None:
            raise LookupError(f"no reservation for the title {title!r}")
        return reservation

    def _claim_title(self, title: str, task_id: UUID) -> TitleReservation:
        reservation = self._load(TitleReservation.id_for(title), TitleReservation)
        if reservation is None:
            return TitleReservation.reserve(title, task_id)
        if reservation.is_held_by_other_than(task_id):
            raise TitleTaken(title)
        reservation.reclaim(task_id)
        return reservation

    def _load(self, aggregate_id: UUID, kind: type[A]) -> A | None:
        """The aggregate with this id if it exists and is of this kind."""
        try:
            aggregate: object = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return aggregate if isinstance(aggregate, kind) else None

    def _save(self, *aggregates: Task | TitleReservation) -> int | None:
        recordings = self.save(*aggregates)
        return recordings[-1].notification.id if recordings else None


_AUDITED = ("title", "description", "status")


def _audited_value(task: Task | None, field: str) -> str | None:
    value = getattr(task, field, None)
    return None if value is None else str(value)


def _retrying(attempt: Callable[[], T]) -> T:
    for attempts in range(1, SAVE_ATTEMPTS + 1):
        try:
            return attempt()
        except IntegrityError:
            time.sleep(random.uniform(0, _PAUSE_SECONDS * attempts))  # noqa: S311
    raise WriteConflict
