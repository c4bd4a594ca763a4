"""Configuration, read once from the environment and passed in from there.

Every setting is listed, with its default, in `template.env`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

JWT_ALGORITHMS = ("HS256", "HS384", "HS512")

N = TypeVar("N", int, float)


class SettingsError(Exception):
    """A setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    # DATABASE_URL: a PostgreSQL URL. Unset, the service starts its own
    # PostgreSQL under TASKPOOL_DATA_DIR.
    database_url: str | None = None
    # REDIS_URL: the Redis that caches list pages. Unset, the service starts
    # its own under TASKPOOL_DATA_DIR.
    redis_url: str | None = None
    # REDIS_TIMEOUT_SECONDS: longest wait for any one Redis call; slower, and the
    # read goes to PostgreSQL instead.
    redis_timeout_seconds: float = 0.25
    # CACHE_TTL_SECONDS: how long a cached page lives at most.
    cache_ttl_seconds: int = 300
    # TASKPOOL_DATA_DIR: where the embedded PostgreSQL and Redis and the
    # generated JWT secret live.
    data_dir: Path = Path(".taskpool")
    # TASKPOOL_HOST, TASKPOOL_PORT: where the HTTP API listens.
    host: str = "127.0.0.1"
    port: int = 8000
    # JWT_SECRET: the key that signs access tokens, at least 32 bytes. Unset, a
    # random one is generated once and kept in TASKPOOL_DATA_DIR.
    jwt_secret: str | None = None
    # JWT_ALGORITHM: the only algorithm a token may be signed with.
    jwt_algorithm: str = "HS256"
    # ACCESS_TOKEN_TTL_SECONDS: how long an access token stays valid.
    access_token_ttl_seconds: int = 3600
    # POSTGRES_POOL_SIZE, POSTGRES_MAX_OVERFLOW: the event store's connections;
    # their sum is also the number of threads that run commands.
    postgres_pool_size: int = 5
    postgres_max_overflow: int = 10
    # READ_POOL_SIZE: connections the API uses for queries.
    read_pool_size: int = 10
    # DATABASE_TIMEOUT_SECONDS: longest wait for a database connection. The event
    # store retries a failed call up to ten times, so a write fails after about
    # ten times this when the database is down.
    database_timeout_seconds: int = 2
    # PROJECTION_BATCH_SIZE: most events the projector applies in one transaction.
    projection_batch_size: int = 500
    # PROJECTION_WAIT_SECONDS: how long a write waits for the read model to show
    # it before answering anyway.
    projection_wait_seconds: float = 5.0
    # RELAY_BATCH_SIZE: most events the relay publishes in one broker transaction.
    relay_batch_size: int = 500
    # NOTIFIER_MAX_ATTEMPTS: deliveries of a failing message before it moves to
    # the dead-letter stream.
    notifier_max_attempts: int = 5
    # NOTIFIER_RECLAIM_SECONDS: how long a message may sit unacknowledged (its
    # consumer died, or handling it failed) before another delivery.
    notifier_reclaim_seconds: float = 5.0
    # NOTIFICATIONS_FILE: where the recording mailer writes what it would send;
    # unset, notifications.jsonl in TASKPOOL_DATA_DIR.
    notifications_file: Path | None = None
    # HEARTBEAT_FILE: touched every second while a worker (projector, relay,
    # notifier) runs, for health checks that cannot ask it over the network.
    heartbeat_file: Path | None = None
    # LOG_LEVEL: DEBUG, INFO, WARNING or ERROR.
    log_level: str = "INFO"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        reader = _Reader(env)
        settings = cls(
            database_url=reader.text("DATABASE_URL"),
            redis_url=reader.text("REDIS_URL"),
            redis_timeout_seconds=reader.number(
                "REDIS_TIMEOUT_SECONDS", cls.redis_timeout_seconds, low=0.001
            ),
            cache_ttl_seconds=reader.integer(
                "CACHE_TTL_SECONDS", cls.cache_ttl_seconds, low=1
            ),
            data_dir=Path(reader.text("TASKPOOL_DATA_DIR") or cls.data_dir),
            host=reader.text("TASKPOOL_HOST") or cls.host,
            port=reader.integer("TASKPOOL_PORT", cls.port, low=1, high=65535),
            jwt_secret=reader.text("JWT_SECRET"),
            jwt_algorithm=reader.choice(
                "JWT_ALGORITHM", cls.jwt_algorithm, JWT_ALGORITHMS
            ),
            access_token_ttl_seconds=reader.integer(
                "ACCESS_TOKEN_TTL_SECONDS", cls.access_token_ttl_seconds, low=1
            ),
            postgres_pool_size=reader.integer(
                "POSTGRES_POOL_SIZE", cls.postgres_pool_size, low=1
            ),
            postgres_max_overflow=reader.integer(
                "POSTGRES_MAX_OVERFLOW", cls.postgres_max_overflow, low=0
            ),
            read_pool_size=reader.integer("READ_POOL_SIZE", cls.read_pool_size, low=1),
            database_timeout_seconds=reader.integer(
                "DATABASE_TIMEOUT_SECONDS", cls.database_timeout_seconds, low=1
            ),
            projection_batch_size=reader.integer(
                "PROJECTION_BATCH_SIZE", cls.projection_batch_size, low=1
            ),
            projection_wait_seconds=reader.number(
                "PROJECTION_WAIT_SECONDS", cls.projection_wait_seconds, low=0
            ),
            relay_batch_size=reader.integer(
                "RELAY_BATCH_SIZE", cls.relay_batch_size, low=1
            ),
            notifier_max_attempts=reader.integer(
                "NOTIFIER_MAX_ATTEMPTS", cls.notifier_max_attempts, low=1
            ),
            notifier_reclaim_seconds=reader.number(
                "NOTIFIER_RECLAIM_SECONDS", cls.notifier_reclaim_seconds, low=0.01
            ),
            notifications_file=_optional_path(reader.text("NOTIFICATIONS_FILE")),
            heartbeat_file=_optional_path(reader.text("HEARTBEAT_FILE")),
            log_level=reader.choice(
                "LOG_LEVEL", cls.log_level, ("DEBUG", "INFO", "WARNING", "ERROR")
            ),
        )
        if settings.jwt_secret is not None and len(settings.jwt_secret.encode()) < 32:
            raise SettingsError("JWT_SECRET must be at least 32 bytes long")
        return settings

    @property
    def sent_notifications(self) -> Path:
        return self.notifications_file or self.data_dir / "notifications.jsonl"

    @property
    def command_threads(self) -> int:
        return self.postgres_pool_size + self.postgres_max_overflow


def _optional_path(text: str | None) -> Path | None:
    return None if text is None else Path(text)


class _Reader:
    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = env

    def text(self, name: str) -> str | None:
        value = self._env.get(name, "").strip()
        return value or None

    def integer(
        self, name: str, default: int, *, low: int, high: int | None = None
    ) -> int:
        raw = self.text(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None
        return self._bounded(name, value, low, high)

    def number(self, name: str, default: float, *, low: float) -> float:
        raw = self.text(name)
        if raw is None:
            return default
        try:
            value = float(raw)
        except ValueError:
            raise SettingsError(f"{name} must be a number, not {raw!r}") from None
        return self._bounded(name, value, low, None)

    def choice(self, name: str, default: str, allowed: tuple[str, ...]) -> str:
        raw = self.text(name)
        if raw is None:
            return default
        if raw.upper() not in allowed:
            raise SettingsError(f"{name} must be one of {', '.join(allowed)}")
        return raw.upper()

    @staticmethod
    def _bounded(name: str, value: N, low: N, high: N | None) -> N:
        if value < low or (high is not None and value > high):
            bounds = f"at least {low}" if high is None else f"from {low} to {high}"
            raise SettingsError(f"{name} must be {bounds}, not {value}")
        return value
