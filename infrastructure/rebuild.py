"""Rebuilding the read table from the first event, beside the live one.

The new table fills while the service keeps answering from the old one; its
progress is tracked like any projection's, so a stopped rebuild resumes. The
switch is one transaction: it holds the live projector's position, applies
the last few events to the new table, swaps the tables and hands the live
projector the new table's position. Only the read table is touched: no event
is published again and no notification is sent again.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

import psycopg
from psycopg import sql

from application.tasks import TaskPool
from infrastructure.projector import Projector
from infrastructure.schema import READ_TABLE, TRACKING_TABLE, read_table_statements

REBUILD = "rebuild"
REBUILD_TABLE = f"{READ_TABLE}_rebuild"

Progress = Callable[[int, int], None]


def rebuild(
    conninfo: str,
    pool: TaskPool,
    *,
    batch_size: int = 2000,
    progress: Progress | None = None,
) -> int:
    """Build the read table anew and switch to it; return the events applied."""
    with psycopg.connect(conninfo, autocommit=True) as conn:
        for statement in read_table_statements(REBUILD_TABLE):
            conn.execute(statement)
    projector = Projector(
        conninfo, pool, name=REBUILD, table=REBUILD_TABLE, batch_size=batch_size
    )
    applied = 0
    with psycopg.connect(conninfo) as conn:
        projector.position = projector.load_position(conn)
        while batch := projector.apply_next_batch(conn):
            applied += batch
            if progress is not None:
                progress(projector.position, pool.recorder.max_notification_id() or 0)
        applied += _switch(conn, projector)
    return applied


def _switch(conn: psycopg.Connection[Any], projector: Projector) -> int:
    with conn.transaction():
        # The live projector waits on this lock until the switch commits.
        conn.execute(
            sql.SQL("SELECT position FROM {} WHERE projection = %s FOR UPDATE").format(
                sql.Identifier(TRACKING_TABLE)
            ),
            (READ_TABLE,),
        )
        applied = 0
        while batch := projector.apply_next_batch(conn):
            applied += batch
        live, new = sql.Identifier(READ_TABLE), sql.Identifier(REBUILD_TABLE)
        conn.execute(sql.SQL("DROP TABLE {}").format(live))
        conn.execute(sql.SQL("ALTER TABLE {} RENAME TO {}").format(new, live))
        for old_name, new_name in _renamed_indexes():
            conn.execute(
                sql.SQL("ALTER INDEX {} RENAME TO {}").format(
                    sql.Identifier(old_name), sql.Identifier(new_name)
                )
            )
        conn.execute(
            sql.SQL("UPDATE {} SET position = %s WHERE projection = %s").format(
                sql.Identifier(TRACKING_TABLE)
            ),
            (projector.position, READ_TABLE),
        )
        conn.execute(
            sql.SQL("DELETE FROM {} WHERE projection = %s").format(
                sql.Identifier(TRACKING_TABLE)
            ),
            (REBUILD,),
        )
    return applied


def _renamed_indexes() -> list[tuple[str, str]]:
    suffixes = ("pkey", "newest_first", "by_status_newest_first")
    return [(f"{REBUILD_TABLE}_{s}", f"{READ_TABLE}_{s}") for s in suffixes]


class ProgressBar:
    """Events done, events per second and time left, on one updating line."""

    def __init__(self, out: TextIO = sys.stderr, width: int = 30) -> None:
        self._out = out
        self._width = width
        self._started = time.monotonic()
        self._first: int | None = None
        self._last_shown = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if self._first is None:
            self._first = done
        interval = 0.2 if self._out.isatty() else 2.0
        if now - self._last_shown < interval and done < total:
            return
        self._last_shown = now
        rate = (done - self._first) / max(now - self._started, 1e-6)
        left = (total - done) / rate if rate > 0 else 0.0
        filled = int(self._width * done / total) if total else self._width
        bar = "#" * filled + "." * (self._width - filled)
        line = (
            f"[{bar}] {done:,}/{total:,} events  {rate:,.0f} events/s  "
            f"{left:,.0f}s left"
        )
        end = "\r" if self._out.isatty() and done < total else "\n"
        self._out.write(line + end)
        self._out.flush()
