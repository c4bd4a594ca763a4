"""Commands on tasks, recorded in the event store with their title reservations."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError

from application.errors import TaskNotFound, TitleTaken, WriteConflict
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
    ) -> Written[Task]:
        def attempt() -> Written[Task]:
            task = Task.create(
                title=title, description=description, status=status, actor=actor
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
    ) -> Written[Task]:
        def attempt() -> Written[Task]:
            task = self._live_task(task_id)
            old_title, old_key = task.title, task.title_key
            if not task.update(
                actor=actor,
                title=title,
                description=description,
                clear_description=clear_description,
                status=status,
            ):
                return Written(task, None)
            if task.title_key == old_key:
                return Written(task, self._save(task))
            released = self._reservation(old_title)
            released.release()
            claimed = self._claim_title(task.title, task.id)
            return Written(task, self._save(task, released, claimed))

        return _retrying(attempt)

    def delete_task(self, task_id: UUID, *, actor: UUID) -> Written[None]:
        def attempt() -> Written[None]:
            task = self._live_task(task_id)
            task.delete(actor=actor)
            reservation = self._reservation(task.title)
            reservation.release()
            return Written(None, self._save(task, reservation))

        return _retrying(attempt)

    def _live_task(self, task_id: UUID) -> Task:
        task = self._load(task_id, Task)
        if task is None or task.is_deleted:
            raise TaskNotFound(task_id)
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


def _retrying(attempt: Callable[[], T]) -> T:
    for attempts in range(1, SAVE_ATTEMPTS + 1):
        try:
            return attempt()
        except IntegrityError:
            time.sleep(random.uniform(0, _PAUSE_SECONDS * attempts))  # noqa: S311
    raise WriteConflict
