"""Cached list pages in Redis, never older than the read model.

Every page is stored under a generation: the projector's position when the
page was read from PostgreSQL. The projector sets the current generation in
Redis after each commit, before it announces the commit, so a reader that
knows of a write also finds a generation at least that new, and misses the
pages cached before it. Nothing is ever deleted or scanned; old generations
simply expire.

Redis is an accelerator, not a dependency: each call is bounded by a timeout,
and after a failure the cache is bypassed for a while. A page cached before an
outage cannot hide a change made during it, since that change moved the
generation on (in Redis, or at least in the API's own record of the projector's
position, which the generation is never allowed to lag).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable
from typing import TypeVar
from uuid import UUID

import msgspec
import redis
import redis.asyncio

from application.views import TaskPage, TaskQuery, TaskView
from infrastructure.progress import ProjectionWatcher
from infrastructure.read_model import PostgresTaskReadModel

logger = logging.getLogger(__name__)

T = TypeVar("T")


def _generation_key(store: str) -> str:
    return f"taskpool:{store}:tasks:generation"


def _page_prefix(store: str) -> str:
    return f"taskpool:{store}:tasks:page:"


# After a failed Redis call, go straight to PostgreSQL for this long.
_BYPASS_SECONDS = 1.0

# One round trip: the generation (never below what the caller already knows)
# and the page cached under it.
_LOOKUP = """
local generation = tonumber(redis.call('GET', KEYS[1]) or '0')
local known = tonumber(ARGV[1])
if known > generation then generation = known end
return {generation, redis.call('GET', ARGV[2] .. generation .. ARGV[3])}
"""

# Generations only move forward, even if two projectors race.
_ADVANCE = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1]) end
return 1
"""

_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(TaskPage)


class _Breaker:
    """Skips calls for a while after one fails."""

    def __init__(self) -> None:
        self._open_until = 0.0

    @property
    def closed(self) -> bool:
        return time.monotonic() >= self._open_until

    def trip(self, error: BaseException) -> None:
        if self.closed:
            logger.warning("Redis unavailable; bypassing it", exc_info=error)
        self._open_until = time.monotonic() + _BYPASS_SECONDS


class CachedTaskReadModel:
    def __init__(
        self,
        read_model: PostgresTaskReadModel,
        client: redis.asyncio.Redis,
        watcher: ProjectionWatcher,
        *,
        store: str,
        ttl_seconds: int,
        timeout_seconds: float,
    ) -> None:
        self._generation_key = _generation_key(store)
        self._page_prefix = _page_prefix(store)
        self._read_model = read_model
        self._client = client
        self._watcher = watcher
        self._ttl = ttl_seconds
        self._timeout = timeout_seconds
        self._breaker = _Breaker()
        self._lookup = client.register_script(_LOOKUP)
        self._advance = client.register_script(_ADVANCE)

    async def get(self, task_id: UUID) -> TaskView | None:
        return await self._read_model.get(task_id)

    async def find(self, query: TaskQuery) -> TaskPage:
        if not self._breaker.closed:
            return await self._read_model.find(query)
        # The position is read before PostgreSQL is: the page then reflects
        # at least that generation, so storing it under that one is safe.
        known = self._watcher.position
        found = await self._call(
            self._lookup(
                keys=[self._generation_key],
                args=[known, self._page_prefix, _suffix(query)],
            )
        )
        if found is None:
            return await self._read_model.find(query)
        generation, cached = found
        if cached is not None:
            try:
                return _decoder.decode(cached)
            except msgspec.DecodeError:
                # Written by another version of the service, say: a miss.
                logger.warning(
                    "undecodable cached page", extra={"key_generation": generation}
                )
        page = await self._read_model.find(query)
        key = f"{self._page_prefix}{generation}{_suffix(query)}"
        await self._call(self._client.set(key, _encoder.encode(page), ex=self._ttl))
        return page

    async def wait_until(self, position: int) -> bool:
        """Wait for the read model to reach `position`, then file pages past it.

        The writer moves the generation itself, so a reader in another API
        process, which may not have heard of the write yet, still misses every
        page cached before it, even if the projector died before setting the
        generation.
        """
        reached = await self._watcher.wait_until(position)
        if reached and self._breaker.closed:
            await self._call(
                self._advance(keys=[self._generation_key], args=[position])
            )
        return reached

    async def _call(self, call: Awaitable[T]) -> T | None:
        try:
            return await asyncio.wait_for(call, self._timeout)
        except (redis.RedisError, OSError, TimeoutError) as error:
            self._breaker.trip(error)
            return None


class GenerationPublisher:
    """Sets the cache generation from the projector, after each commit."""

    def __init__(self, client: redis.Redis, *, store: str) -> None:
        self._client = client
        self._generation_key = _generation_key(store)
        self._advance = client.register_script(_ADVANCE)
        self._breaker = _Breaker()
        self._pending: int | None = None

    def publish(self, position: int) -> None:
        self._pending = max(position, self._pending or 0)
        self.retry()

    def retry(self) -> None:
        """Set a generation that could not be set before, if Redis is back."""
        if self._pending is None or not self._breaker.closed:
            return
        try:
            self._advance(keys=[self._generation_key], args=[self._pending])
        except (redis.RedisError, OSError) as error:
            self._breaker.trip(error)
        else:
            self._pending = None


def _suffix(query: TaskQuery) -> str:
    status = query.status.value if query.status else "*"
    before = query.created_before.isoformat() if query.created_before else "*"
    return f":{status}:{before}:{query.skip}:{query.limit}"


def async_client(url: str, timeout_seconds: float) -> redis.asyncio.Redis:
    pool = redis.asyncio.BlockingConnectionPool.from_url(
        url,
        socket_timeout=timeout_seconds,
        socket_connect_timeout=timeout_seconds,
        timeout=timeout_seconds,
        max_connections=64,
    )
    return redis.asyncio.Redis(connection_pool=pool)


def sync_client(url: str, timeout_seconds: float) -> redis.Redis:
    return redis.Redis.from_url(
        url, socket_timeout=timeout_seconds, socket_connect_timeout=timeout_seconds
    )
