"""Queries on the read table, asynchronous end to end."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from psycopg import sql
from psycopg_pool import AsyncConnectionPool

from application.views import TaskPage, TaskQuery, TaskView
from domain.tasks import Status
from infrastructure.schema import READ_TABLE

_COLUMNS = sql.SQL(
    "id, title, description, status, created_at, updated_at, created_by, version"
)


class PostgresTaskReadModel:
    def __init__(self, pool: AsyncConnectionPool[Any], table: str = READ_TABLE) -> None:
        self._pool = pool
        self._table = sql.Identifier(table)
        self._get = sql.SQL("SELECT {} FROM {} WHERE id = %s").format(
            _COLUMNS, self._table
        )

    async def get(self, task_id: UUID) -> TaskView | None:
        async with self._pool.connection() as conn:
            cursor = await conn.execute(self._get, (task_id,))
            row = await cursor.fetchone()
        return None if row is None else _view(row)

    async def find(self, query: TaskQuery) -> TaskPage:
        conditions: list[sql.Composable] = []
        params: list[object] = []
        if query.status is not None:
            conditions.append(sql.SQL("status = %s"))
            params.append(query.status.value)
        if query.created_before is not None:
            conditions.append(sql.SQL("created_at < %s"))
            params.append(query.created_before)
        where = (
            sql.SQL(" WHERE ") + sql.SQL(" AND ").join(conditions)
            if conditions
            else sql.SQL("")
        )
        page = sql.SQL(
            "SELECT {} FROM {}{} ORDER BY created_at DESC, id DESC OFFSET %s LIMIT %s"
        ).format(_COLUMNS, self._table, where)
        count = sql.SQL("SELECT count(*) FROM {}{}").format(self._table, where)
        async with self._pool.connection() as conn:
            # One snapshot for both, so the count matches the page.
            async with conn.transaction():
                await conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                rows = await (
                    await conn.execute(page, [*params, query.skip, query.limit])
                ).fetchall()
                total_row = await (await conn.execute(count, params)).fetchone()
        total = int(total_row[0]) if total_row else 0
        return TaskPage(tasks=[_view(row) for row in rows], total=total)


def _view(row: Any) -> TaskView:
    return TaskView(
        id=row[0],
        title=row[1],
        description=row[2],
        status=Status(row[3]),
        created_at=row[4],
        updated_at=row[5],
        created_by=row[6],
        version=row[7],
    )
