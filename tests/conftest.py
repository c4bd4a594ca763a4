"""Fixtures shared by every tier: a real PostgreSQL, and the service wired to it.

The server is the one TEST_DATABASE_URL points at (an account allowed to
create databases), or else an embedded PostgreSQL started for the run. Each
run gets a database of its own, dropped at the end.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import argon2
import psycopg
import pytest
import redis
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from infrastructure.database import Database, start_embedded
from infrastructure.embedded_redis import start_embedded_redis
from infrastructure.schema import migrate
from infrastructure.settings import Settings
from interfaces.composition import System

TEST_SECRET = "a-test-signing-secret-that-is-long-enough"
# Cheap parameters keep tests fast; the hashing code is the production one.
FAST_HASHER = argon2.PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(scope="session")
def server_conninfo(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Connection string of an administrative database on the test server."""
    configured = os.environ.get("TEST_DATABASE_URL")
    if configured:
        return configured
    embedded = start_embedded(tmp_path_factory.mktemp("embedded-postgres"))
    return make_conninfo(embedded.conninfo, dbname="postgres")


@pytest.fixture(scope="session")
def database(server_conninfo: str) -> Iterator[Database]:
    name = f"taskpool_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    parts = conninfo_to_dict(server_conninfo)
    parts["dbname"] = name
    test_database = Database(make_conninfo(**parts))
    migrate(test_database, Settings(jwt_secret=TEST_SECRET))
    yield test_database
    with psycopg.connect(server_conninfo, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)
            )
        )


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Redis for the run: TEST_REDIS_URL's (its database is emptied before
    each test), or an embedded one."""
    configured = os.environ.get("TEST_REDIS_URL")
    if configured:
        yield configured
        return
    server = start_embedded_redis(tmp_path_factory.mktemp("embedded-redis"))
    yield server.url
    server.stop()


@pytest.fixture
def clean_redis(redis_url: str) -> str:
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    client.close()
    return redis_url


@pytest.fixture
def clean_database(database: Database) -> Database:
    with psycopg.connect(database.conninfo, autocommit=True) as conn:
        tables = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
        names = [row[0] for row in tables]
        conn.execute(
            sql.SQL("TRUNCATE {} RESTART IDENTITY").format(
                sql.SQL(", ").join(sql.Identifier(name) for name in names)
            )
        )
    return database


@pytest.fixture
def settings(clean_database: Database, tmp_path: Path) -> Settings:
    return Settings(
        database_url=clean_database.conninfo,
        data_dir=tmp_path,
        jwt_secret=TEST_SECRET,
        postgres_pool_size=3,
        postgres_max_overflow=7,
        read_pool_size=4,
    )


@pytest.fixture
def system(
    settings: Settings, clean_database: Database, clean_redis: str
) -> Iterator[System]:
    wired = System.connect(
        settings, database=clean_database, redis_url=clean_redis, hasher=FAST_HASHER
    )
    yield wired
    wired.close()


@pytest.fixture
def running_projector(system: System) -> Iterator[None]:
    stop = threading.Event()
    thread = threading.Thread(target=system.projector().run, args=(stop,))
    thread.start()
    yield
    stop.set()
    thread.join(timeout=10)
