"""The async face of the use cases, as the HTTP interface calls them.

Commands run on the synchronous event store through `Offload`; each then waits
until the read model has applied its events, so the client that wrote sees its
write in every read that follows.
"""

import logging
from collections.abc import Collection
from datetime import datetime
from uuid import UUID

from application.accounts import Accounts
from application.errors import TaskNotFound
from application.ports import Offload, ProjectionProgress, TaskReadModel
from application.tasks import TaskPool, Written
from application.views import (
    HistoryPage,
    TaskPage,
    TaskQuery,
    TaskView,
    UserView,
    view_of_task,
)
from domain.tasks import Status

logger = logging.getLogger(__name__)


class TaskService:
    def __init__(
        self,
        pool: TaskPool,
        read_model: TaskReadModel,
        progress: ProjectionProgress,
        offload: Offload,
    ) -> None:
        self._pool = pool
        self._read_model = read_model
        self._progress = progress
        self._offload = offload

    async def create(
        self,
        *,
        actor: UUID,
        title: str,
        description: str | None,
        status: Status,
        correlation_id: str | None = None,
    ) -> TaskView:
        written = await self._offload(
            lambda: self._pool.create_task(
                title=title,
                description=description,
                status=status,
                actor=actor,
                correlation_id=correlation_id,
            )
        )
        await self._wait_for(written)
        return view_of_task(written.result)

    async def update(
        self,
        task_id: UUID,
        *,
        actor: UUID,
        title: str | None,
        description: str | None,
        clear_description: bool,
        status: Status | None,
        expected_versions: Collection[int] | None = None,
        correlation_id: str | None = None,
    ) -> TaskView:
        written = await self._offload(
            lambda: self._pool.update_task(
                task_id,
                actor=actor,
                title=title,
                description=description,
                clear_description=clear_description,
                status=status,
                expected_versions=expected_versions,
                correlation_id=correlation_id,
            )
        )
        await self._wait_for(written)
        return view_of_task(written.result)

    async def delete(
        self,
        task_id: UUID,
        *,
        actor: UUID,
        expected_versions: Collection[int] | None = None,
        correlation_id: str | None = None,
    ) -> None:
        written = await self._offload(
            lambda: self._pool.delete_task(
                task_id,
                actor=actor,
                expected_versions=expected_versions,
                correlation_id=correlation_id,
            )
        )
        await self._wait_for(written)

    async def get(self, task_id: UUID) -> TaskView:
        task = await self._read_model.get(task_id)
        if task is None:
            raise TaskNotFound(task_id)
        return task

    async def get_as_of(
        self,
        task_id: UUID,
        *,
        version: int | None = None,
        as_of: datetime | None = None,
    ) -> TaskView:
        task = await self._offload(
            lambda: self._pool.task_at(task_id, version=version, as_of=as_of)
        )
        return view_of_task(task)

    async def history(self, task_id: UUID, *, skip: int, limit: int) -> HistoryPage:
        entries = await self._offload(lambda: self._pool.history(task_id))
        return HistoryPage(entries=entries[skip : skip + limit], total=len(entries))

    async def find(self, query: TaskQuery) -> TaskPage:
        return await self._read_model.find(query)

    async def _wait_for(self, written: Written[object]) -> None:
        if written.position is None:
            return
        if not await self._progress.wait_until(written.position):
            logger.warning(
                "read model is behind; answering before it shows the write",
                extra={"position": written.position},
            )


class AccountService:
    def __init__(self, accounts: Accounts, offload: Offload) -> None:
        self._accounts = accounts
        self._offload = offload

    async def register(self, *, username: str, password: str) -> UserView:
        user = await self._offload(
            lambda: self._accounts.register(username=username, password=password)
        )
        return UserView(id=user.id, username=user.username, created_at=user.created_on)

    async def authenticate(self, *, username: str, password: str) -> UserView:
        user = await self._offload(
            lambda: self._accounts.authenticate(username=username, password=password)
        )
        return UserView(id=user.id, username=user.username, created_at=user.created_on)
