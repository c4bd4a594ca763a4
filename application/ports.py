"""What the use cases need from the world, declared here, implemented elsewhere."""

from collections.abc import Callable
from typing import Protocol, TypeVar
from uuid import UUID

from application.views import TaskPage, TaskQuery, TaskView

T = TypeVar("T")


class TaskReadModel(Protocol):
    """The projected tasks, queried without blocking the event loop."""

    async def get(self, task_id: UUID) -> TaskView | None: ...

    async def find(self, query: TaskQuery) -> TaskPage: ...


class ProjectionProgress(Protocol):
    async def wait_until(self, position: int) -> bool:
        """Wait until the read model has applied the event at `position`.

        Returns False if it has not done so within the configured time.
        """
        ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...

    def verify_nothing(self, password: str) -> None:
        """Spend the time a verification would, for a user who does not exist."""
        ...


class Offload(Protocol):
    """Runs blocking work (the event store, password hashing) off the event loop."""

    async def __call__(self, function: Callable[[], T]) -> T: ...
