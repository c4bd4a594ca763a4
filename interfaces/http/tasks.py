"""The /tasks routes: thin translations between HTTP and the task use cases."""

from __future__ import annotations

import re
from typing import Annotated, Any
from uuid import UUID

from litestar import Request, Response, Router, delete, get, patch, post
from litestar.datastructures import ResponseHeader
from litestar.middleware.base import DefineMiddleware
from litestar.params import HeaderParameter, Parameter
from msgspec import UnsetType

from application.service import TaskService
from application.views import HistoryEntry, TaskQuery, TaskView
from domain.errors import InvalidValue
from domain.tasks import Status
from interfaces.http.etags import etag, expected_versions
from interfaces.http.instants import parse_instant
from interfaces.http.openapi import SECURED, TOO_LARGE, example_problem, problems
from interfaces.http.request_ids import current_request_id
from interfaces.http.schemas import (
    MAX_LIMIT,
    MAX_SKIP,
    NEW_TASK_BODY,
    TASK_CHANGES_BODY,
    NewTask,
    TaskChanges,
)
from interfaces.http.security import Actor, BearerAuthentication, TokenService

AuthRequest = Request[Actor, Any, Any]

_UUID = re.compile(r"[0-9a-fA-F]{8}(-?[0-9a-fA-F]{4}){3}-?[0-9a-fA-F]{12}")

_EXPIRED = example_problem(401, "the access token has expired; log in again")
_BAD_TITLE = example_problem(400, errors={"title": "must contain a visible character"})
_BAD_ID = example_problem(400, errors={"task_id": "must be a UUID"})
_NO_TASK = example_problem(404, "no task with id 0b7e6e1c-52f4-4a3a-9d0e-6f1f8f3c2a10")
_TITLE_TAKEN = example_problem(
    409, 'a task titled "Write the release notes" already exists'
)
_TOO_BUSY = example_problem(
    409, "the task changed concurrently too many times; retry the request"
)
_MOVED_ON = example_problem(
    412,
    "task 0b7e6e1c-52f4-4a3a-9d0e-6f1f8f3c2a10 is now at version 4; fetch it "
    "again and reapply your change",
)
_ETAG_HEADER = ResponseHeader(
    name="ETag",
    description="The task's version; send it back in If-Match to update safely.",
    documentation_only=True,
    required=True,
)
IfMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-Match",
        required=False,
        description=(
            "Only if the task is still at this ETag (from an earlier response); "
            "otherwise 412."
        ),
    ),
]
Skip = Annotated[
    int, Parameter(ge=0, le=MAX_SKIP, description="How many to skip, from the start.")
]
Limit = Annotated[int, Parameter(ge=1, le=MAX_LIMIT, description="Most to return.")]
_BAD_LIMIT = example_problem(
    400, errors={"limit": "must be a whole number from 1 to 100"}
)
TaskId = Annotated[
    str,
    Parameter(description="The task's id, a UUID.", schema_extra={"format": "uuid"}),
]


def task_router(service: TaskService, tokens: TokenService) -> Router:
    @post(
        "/",
        status_code=201,
        summary="Create a task",
        response_description="The new task; its URL is in Location.",
        responses=problems(_BAD_TITLE, _EXPIRED, _TITLE_TAKEN, TOO_LARGE),
        response_headers=[
            ResponseHeader(
                name="Location",
                description="The new task's URL.",
                documentation_only=True,
                required=True,
            )
        ],
    )
    async def create_task(
        request: AuthRequest, data: Annotated[NewTask, NEW_TASK_BODY]
    ) -> Response[TaskView]:
        """Create a task; its title must not be taken by a live task."""
        task = await service.create(
            actor=request.user.user_id,
            title=data.title,
            description=data.description,
            status=data.status,
            correlation_id=current_request_id(),
        )
        return Response(
            task,
            status_code=201,
            headers={"Location": f"/tasks/{task.id}", "ETag": etag(task.version)},
        )

    @get(
        "/",
        summary="List tasks",
        response_description="A page of tasks, newest first.",
        responses=problems(_BAD_LIMIT, _EXPIRED),
        response_headers=[
            ResponseHeader(
                name="X-Total-Count",
                description="How many tasks match the filters.",
                documentation_only=True,
                required=True,
            )
        ],
    )
    async def list_tasks(
        status: Annotated[
            str | None,
            Parameter(
                description="Only tasks with this status.",
                # A plain enum, so that Swagger UI offers "no filter" first.
                schema_extra={
                    "type": "string",
                    "one_of": None,
                    "enum": [status.value for status in Status],
                },
            ),
        ] = None,
        created_at: Annotated[
            str | None,
            Parameter(
                description=(
                    "Only tasks created strictly before this instant: ISO 8601 "
                    "with an offset, or Unix epoch seconds."
                ),
                examples=[],
            ),
        ] = None,
        skip: Skip = 0,
        limit: Limit = 20,
    ) -> Response[list[TaskView]]:
        """Tasks newest first (ties by id), with the total count in X-Total-Count."""
        query = TaskQuery(
            status=None if status is None else Status.parse(status),
            created_before=(
                None if created_at is None else parse_instant("created_at", created_at)
            ),
            skip=skip,
            limit=limit,
        )
        page = await service.find(query)
        return Response(page.tasks, headers={"X-Total-Count": str(page.total)})

    @get(
        "/{task_id:str}",
        summary="Get a task",
        response_description="The task; its ETag is its version.",
        response_headers=[_ETAG_HEADER],
        responses=problems(_BAD_ID, _EXPIRED, _NO_TASK),
    )
    async def get_task(
        task_id: TaskId,
        version: Annotated[
            int | None,
            Parameter(ge=1, description="The task as it was at this version."),
        ] = None,
        as_of: Annotated[
            str | None,
            Parameter(
                description=(
                    "The task as it was at this instant: ISO 8601 with an offset, "
                    "or Unix epoch seconds."
                ),
            ),
        ] = None,
    ) -> Response[TaskView]:
        """One live task, or as it was at a version or an instant."""
        uuid = _task_uuid(task_id)
        if version is not None and as_of is not None:
            raise InvalidValue("as_of", "give either version or as_of, not both")
        if version is None and as_of is None:
            task = await service.get(uuid)
        else:
            instant = None if as_of is None else parse_instant("as_of", as_of)
            task = await service.get_as_of(uuid, version=version, as_of=instant)
        return Response(task, headers={"ETag": etag(task.version)})

    @get(
        "/{task_id:str}/history",
        summary="A task's history",
        response_description="Every event of the task, oldest first.",
        response_headers=[
            ResponseHeader(
                name="X-Total-Count",
                description="How many events the task has.",
                documentation_only=True,
                required=True,
            )
        ],
        responses=problems(_BAD_ID, _EXPIRED, _NO_TASK),
    )
    async def task_history(
        task_id: TaskId,
        skip: Skip = 0,
        limit: Limit = 20,
    ) -> Response[list[HistoryEntry]]:
        """Who changed what, when: also for deleted tasks."""
        page = await service.history(_task_uuid(task_id), skip=skip, limit=limit)
        return Response(page.entries, headers={"X-Total-Count": str(page.total)})

    @patch(
        "/{task_id:str}",
        summary="Update a task",
        response_description="The task as it is now.",
        response_headers=[_ETAG_HEADER],
        responses=problems(
            _BAD_TITLE, _EXPIRED, _NO_TASK, _TITLE_TAKEN, _MOVED_ON, TOO_LARGE
        ),
    )
    async def update_task(
        request: AuthRequest,
        task_id: TaskId,
        data: Annotated[TaskChanges, TASK_CHANGES_BODY],
        if_match: IfMatch = None,
    ) -> Response[TaskView]:
        """Change some fields; an update that changes nothing records nothing."""
        description = data.description
        task = await service.update(
            _task_uuid(task_id),
            actor=request.user.user_id,
            title=None if isinstance(data.title, UnsetType) else data.title,
            description=None if isinstance(description, UnsetType) else description,
            clear_description=description is None,
            status=None if isinstance(data.status, UnsetType) else data.status,
            expected_versions=expected_versions(if_match),
            correlation_id=current_request_id(),
        )
        return Response(task, headers={"ETag": etag(task.version)})

    @delete(
        "/{task_id:str}",
        status_code=204,
        summary="Delete a task",
        response_description="Deleted; the title is free again.",
        responses=problems(_BAD_ID, _EXPIRED, _NO_TASK, _TOO_BUSY, _MOVED_ON),
    )
    async def delete_task(
        request: AuthRequest, task_id: TaskId, if_match: IfMatch = None
    ) -> None:
        """Delete a task and free its title."""
        await service.delete(
            _task_uuid(task_id),
            actor=request.user.user_id,
            expected_versions=expected_versions(if_match),
            correlation_id=current_request_id(),
        )

    return Router(
        path="/tasks",
        route_handlers=[
            create_task,
            list_tasks,
            get_task,
            task_history,
            update_task,
            delete_task,
        ],
        middleware=[DefineMiddleware(BearerAuthentication, tokens=tokens)],
        security=SECURED,
        tags=["tasks"],
    )


def _task_uuid(task_id: str) -> UUID:
    # UUID() alone also reads braces, "urn:uuid:" and non-ASCII digits.
    if not _UUID.fullmatch(task_id):
        raise InvalidValue("task_id", "must be a UUID")
    return UUID(task_id)
