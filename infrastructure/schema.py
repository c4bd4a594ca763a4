"""The schema, created in one step before any worker starts.

Workers start with the event store's CREATE_TABLE off: many processes running
DDL at once race each other. `migrate` holds an advisory lock so that two
migrations started together run one after the other.
"""

import uuid
from typing import LiteralString

import psycopg
from psycopg import sql

from application.accounts import Accounts
from application.tasks import TaskPool
from infrastructure.database import Database
from infrastructure.passwords import Argon2Hasher
from infrastructure.settings import Settings

_MIGRATION_LOCK = 7_340_001

READ_TABLE = "tasks"
TRACKING_TABLE = "projection_positions"
# The projector announces each committed position on this channel; writers
# waiting to read their own write listen for it.
PROGRESS_CHANNEL = "taskpool_projection"


def read_table_statements(table: str) -> list[sql.Composed]:
    name = sql.Identifier(table)
    return [
        sql.SQL(
            "CREATE TABLE IF NOT EXISTS {} ("
            " id uuid PRIMARY KEY,"
            " title text NOT NULL,"
            " description text,"
            " status text NOT NULL,"
            " created_at timestamptz NOT NULL,"
            " updated_at timestamptz NOT NULL,"
            " created_by uuid NOT NULL,"
            " version integer NOT NULL)"
        ).format(name),
        sql.SQL(
            "CREATE INDEX IF NOT EXISTS {} ON {} (created_at DESC, id DESC)"
        ).format(sql.Identifier(f"{table}_newest_first"), name),
        sql.SQL(
            "CREATE INDEX IF NOT EXISTS {} ON {} (status, created_at DESC, id DESC)"
        ).format(sql.Identifier(f"{table}_by_status_newest_first"), name),
    ]


def tracking_table_statement() -> sql.Composed:
    return sql.SQL(
        "CREATE TABLE IF NOT EXISTS {} ("
        " projection text PRIMARY KEY,"
        " position bigint NOT NULL)"
    ).format(sql.Identifier(TRACKING_TABLE))


META_STATEMENT: LiteralString = (
    "CREATE TABLE IF NOT EXISTS taskpool_meta ("
    " key text PRIMARY KEY,"
    " value text NOT NULL)"
)

NOTIFICATION_STATEMENTS: list[LiteralString] = [
    "CREATE TABLE IF NOT EXISTS notifications_sent ("
    " event_id uuid PRIMARY KEY,"
    " task_id uuid NOT NULL,"
    " claimed_at timestamptz NOT NULL DEFAULT now())",
]


def store_id(database: Database) -> str:
    """A random id of this event store, made once: it keeps apart the cache
    entries of different stores that happen to share one Redis."""
    with psycopg.connect(database.conninfo, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO taskpool_meta (key, value) VALUES ('store_id', %s)"
            " ON CONFLICT (key) DO NOTHING",
            (uuid.uuid4().hex,),
        )
        row = conn.execute(
            "SELECT value FROM taskpool_meta WHERE key = 'store_id'"
        ).fetchone()
    if row is None:
        raise LookupError("the store id could not be read; run taskpool migrate")
    return str(row[0])


def migrate(database: Database, settings: Settings) -> None:
    with psycopg.connect(database.conninfo, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (_MIGRATION_LOCK,))
        try:
            env = database.eventsourcing_env(settings, create_table=True)
            # Constructing the applications creates their event tables.
            TaskPool(env=env).close()
            Accounts(Argon2Hasher(), env=env).close()
            with conn.transaction():
                for statement in read_table_statements(READ_TABLE):
                    conn.execute(statement)
                conn.execute(tracking_table_statement())
                conn.execute(META_STATEMENT)
                for notification_statement in NOTIFICATION_STATEMENTS:
                    conn.execute(notification_statement)
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (_MIGRATION_LOCK,))
