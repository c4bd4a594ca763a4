"""Queries on the read table, asynchronous end to end."""

from __future__ import annotations

from typing import Any, LiteralString
from uuid import UUID

from psycopg import sql
from psycopg_pool import AsyncConnectionPool

from application.views import TaskPage, TaskQuery, TaskView
from domain.tasks import Status
from infrastructure.outages import translated_outages
from infrastructure.schema import READ_TABLE

COLUMNS: LiteralString = (
    "id, title, description, status, created_at, updated_at, created_by, version"
)
_COLUMNS = sql.SQL(COLUMNS)


class PostgresTaskReadModel:
    def __init__(self, pool: AsyncConnectionPool[Any], table: str = READ_TABLE) -> None:
        self._pool = pool
        self._table = sql.Identifier(table)
        self._get = sql.SQL("SELECT {} FROM {} WHERE id = %s").format(
            _COLUMNS, self._table
        )

    async def get(self, task_id: UUID) -> TaskView | None:
        with translated_outages("read model"):
            async with self._pool.connection() as conn:
                cursor = await conn.execute(self._get, (task_id,))
                row = await cursor.fetchone()
        return None if row is None else view_of_row(row)

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
        # One statement, so one round trip and one snapshot: the count always
        # matches the page. A page past the end still yields the count, in a
        # row whose task columns are all null.
        statement = sql.SQL(
            "SELECT page.*, matching.total"
            " FROM (SELECT count(*) AS total FROM {table}{where}) AS matching"
            " LEFT JOIN LATERAL (SELECT {columns} FROM {table}{where}"
            " ORDER BY created_at DESC, id DESC OFFSET %s LIMIT %s) AS page ON true"
        ).format(table=self._table, where=where, columns=_COLUMNS)
        with translated_outages("read model"):
            async with self._pool.connection() as conn:
                cursor = await conn.execute(
                    statement, [*params, *params, query.skip, query.limit]
                )
                rows = await cursor.fetchall()
        total = int(rows[0][-1]) if rows else 0
        tasks = [view_of_row(row) for row in rows if row[0] is not None]
        return TaskPage(tasks=tasks, total=total)


def view_of_row(row: Any) -> TaskView:
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
