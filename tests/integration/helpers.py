"""Small readers of the database, and waiting, for assertions."""

import time
from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from psycopg import sql

from infrastructure.database import Database
from infrastructure.schema import read_table_statements


def table_rows(database: Database, table: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(database.conninfo) as conn:
        return conn.execute(
            sql.SQL(
                "SELECT id, title, description, status, created_at, updated_at,"
                " created_by, version FROM {} ORDER BY id"
            ).format(sql.Identifier(table))
        ).fetchall()


def projected_position(database: Database, projection: str = "tasks") -> int:
    with psycopg.connect(database.conninfo) as conn:
        row = conn.execute(
            "SELECT position FROM projection_positions WHERE projection = %s",
            (projection,),
        ).fetchone()
    return 0 if row is None else int(row[0])


def create_read_table(database: Database, table: str) -> None:
    with psycopg.connect(database.conninfo) as conn:
        for statement in read_table_statements(table):
            conn.execute(statement)


def eventually(check: Callable[[], bool], seconds: float = 30) -> None:
    """Wait until `check()` holds; fail the test if it does not in time."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            pytest.fail("the condition did not hold in time")
        time.sleep(0.05)
