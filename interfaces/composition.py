"""The composition root: the one place where real adapters are wired together."""

from __future__ import annotations

import os
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import cast

import argon2
from eventsourcing.postgres import PostgresApplicationRecorder
from litestar import Litestar
from psycopg_pool import AsyncConnectionPool

from application.accounts import Accounts
from application.notifications import Notifier
from application.service import AccountService, TaskService
from application.tasks import TaskPool
from infrastructure.cache import (
    CachedTaskReadModel,
    GenerationPublisher,
    async_client,
    sync_client,
)
from infrastructure.database import Database, locate_database
from infrastructure.embedded_redis import start_embedded_redis
from infrastructure.heartbeat import Heartbeat
from infrastructure.notifications import PostgresNotificationLedger, RecordingMailer
from infrastructure.offload import ThreadOffload
from infrastructure.passwords import Argon2Hasher
from infrastructure.progress import ProjectionWatcher
from infrastructure.projector import Projector
from infrastructure.read_model import PostgresTaskReadModel
from infrastructure.readiness import ReadinessProbe
from infrastructure.relay import Relay, broker_for
from infrastructure.schema import store_id
from infrastructure.secrets import signing_secret
from infrastructure.settings import Settings
from interfaces.consumers.notifier import NotificationConsumer
from interfaces.http.app import create_app
from interfaces.http.security import TokenService


@dataclass
class System:
    settings: Settings
    database: Database
    pool: TaskPool
    accounts: Accounts
    redis_url: str

    @classmethod
    def connect(
        cls,
        settings: Settings,
        *,
        database: Database | None = None,
        redis_url: str | None = None,
        with_redis: bool = True,
        hasher: argon2.PasswordHasher | None = None,
    ) -> System:
        """Wire the applications to a database whose schema already exists.

        `with_redis=False` is for commands that only read the event store: no
        Redis is located or started, and the parts that need one cannot run.
        """
        database = database or locate_database(settings)
        env = database.eventsourcing_env(settings, create_table=False)
        return cls(
            settings=settings,
            database=database,
            pool=TaskPool(env=env),
            accounts=Accounts(Argon2Hasher(hasher), env=env),
            redis_url=(
                redis_url
                or settings.redis_url
                or (start_embedded_redis(settings.data_dir).url if with_redis else "")
            ),
        )

    def projector(self) -> Projector:
        return Projector(
            self.database.conninfo,
            self.pool,
            batch_size=self.settings.projection_batch_size,
            heartbeat=Heartbeat(self.settings.heartbeat_file),
            generation=GenerationPublisher(
                sync_client(self.redis_url, self.settings.redis_timeout_seconds),
                store=store_id(self.database),
            ),
        )

    def relay(self) -> Relay:
        return Relay(
            self.database.conninfo,
            self.pool,
            broker_for(self.redis_url),
            batch_size=self.settings.relay_batch_size,
            heartbeat=Heartbeat(self.settings.heartbeat_file),
        )

    async def run_notifier(self, stop: threading.Event, consumer_name: str) -> None:
        """Consume the event stream until `stop`; call within its own event loop."""
        pool: AsyncConnectionPool = AsyncConnectionPool(
            self.database.conninfo,
            min_size=1,
            max_size=4,
            kwargs={"autocommit": True},
            timeout=self.settings.database_timeout_seconds,
            open=False,
        )
        await pool.open()
        try:
            notifier = Notifier(
                RecordingMailer(self.settings.sent_notifications),
                PostgresNotificationLedger(pool),
            )
            consumer = NotificationConsumer(
                broker_for(self.redis_url),
                notifier,
                consumer_name=consumer_name,
                max_attempts=self.settings.notifier_max_attempts,
                reclaim_seconds=self.settings.notifier_reclaim_seconds,
                heartbeat=Heartbeat(self.settings.heartbeat_file),
            )
            await consumer.run(stop)
        finally:
            await pool.close()

    def http_app(self) -> Litestar:
        settings = self.settings
        read_pool: AsyncConnectionPool = AsyncConnectionPool(
            self.database.conninfo,
            min_size=1,
            max_size=settings.read_pool_size,
            kwargs={"autocommit": True},
            timeout=settings.database_timeout_seconds,
            open=False,
        )
        watcher = ProjectionWatcher(
            self.database.conninfo, wait_seconds=settings.projection_wait_seconds
        )
        redis_client = async_client(self.redis_url, settings.redis_timeout_seconds)
        read_model = CachedTaskReadModel(
            PostgresTaskReadModel(read_pool),
            redis_client,
            watcher,
            store=store_id(self.database),
            ttl_seconds=settings.cache_ttl_seconds,
            timeout_seconds=settings.redis_timeout_seconds,
        )
        tasks = TaskService(
            self.pool,
            read_model,
            read_model,
            ThreadOffload(settings.command_threads),
        )
        # Hashing is CPU-bound: more threads than cores only queue in the OS.
        accounts = AccountService(self.accounts, ThreadOffload(os.cpu_count() or 1))
        tokens = TokenService(
            secret=signing_secret(settings.jwt_secret, settings.data_dir),
            algorithm=settings.jwt_algorithm,
            ttl_seconds=settings.access_token_ttl_seconds,
        )

        @asynccontextmanager
        async def connections(_: Litestar) -> AsyncIterator[None]:
            await read_pool.open(wait=True)
            await watcher.start()
            try:
                yield
            finally:
                await watcher.stop()
                await read_pool.close()
                await redis_client.aclose()

        probe = ReadinessProbe(
            read_pool,
            redis_client,
            events_table=cast(
                PostgresApplicationRecorder, self.pool.recorder
            ).events_table_name,
            timeout_seconds=settings.database_timeout_seconds,
        )
        return create_app(tasks, accounts, tokens, probe, lifespan=[connections])

    def close(self) -> None:
        self.pool.close()
        self.accounts.close()
