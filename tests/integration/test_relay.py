"""The relay against real PostgreSQL and Redis: every event, in order, once."""

import asyncio
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from uuid import UUID

import msgspec
import pytest
import redis

from domain.tasks import Status
from infrastructure.messages import NOTIFIER_GROUP, STREAM, decode
from infrastructure.relay import Relay, broker_for
from interfaces.composition import System
from tests.integration.helpers import eventually

pytestmark = pytest.mark.integration

ACTOR = UUID(int=5)
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "follow_events.py"


@contextmanager
def running_relay(system: System, redis_url: str) -> Iterator[Relay]:
    relay = Relay(system.database.conninfo, system.pool, broker_for(redis_url))
    stop = threading.Event()
    thread = threading.Thread(target=lambda: asyncio.run(relay.run(stop)))
    thread.start()
    try:
        yield relay
    finally:
        stop.set()
        thread.join(timeout=30)


def published(redis_url: str) -> list[dict[str, object]]:
    client = redis.Redis.from_url(redis_url)
    try:
        entries = client.xrange(STREAM)
    finally:
        client.close()
    return [
        msgspec.structs.asdict(decode(fields[b"__data__"])) for _, fields in entries
    ]


def wait_for(relay: Relay, position: int) -> None:
    eventually(lambda: relay.position >= position)


def test_every_task_event_is_published_in_store_order_as_an_envelope(
    system: System, clean_redis: str
) -> None:
    pool = system.pool
    task = pool.create_task(
        title="Ship", description=None, status=Status.PENDING, actor=ACTOR
    ).result
    pool.update_task(task.id, actor=ACTOR, status=Status.COMPLETED)
    last = pool.delete_task(task.id, actor=ACTOR).position or 0

    with running_relay(system, clean_redis) as relay:
        wait_for(relay, last)

    events = published(clean_redis)
    assert [e["type"] for e in events] == ["TaskCreated", "TaskUpdated", "TaskDeleted"]
    assert [e["task_version"] for e in events] == [1, 2, 3]
    assert [e["position"] for e in events] == sorted(e["position"] for e in events)
    assert events[0]["data"] == {
        "title": "Ship",
        "description": None,
        "status": "PENDING",
    }
    assert events[1]["data"] == {"status": "COMPLETED"}
    assert {e["actor"] for e in events} == {ACTOR}
    assert len({e["event_id"] for e in events}) == 3


def test_the_consumer_group_exists_from_the_stream_start(
    system: System, clean_redis: str
) -> None:
    with running_relay(system, clean_redis):
        threading.Event().wait(0.5)

    client = redis.Redis.from_url(clean_redis)
    groups = client.xinfo_groups(STREAM)
    client.close()
    assert [g["name"] for g in groups] == [NOTIFIER_GROUP.encode()]
    assert groups[0]["last-delivered-id"] == b"0-0"


def test_a_restarted_relay_publishes_only_what_is_new(
    system: System, clean_redis: str
) -> None:
    first = system.pool.create_task(
        title="One", description=None, status=Status.PENDING, actor=ACTOR
    )
    with running_relay(system, clean_redis) as relay:
        wait_for(relay, first.position or 0)
    second = system.pool.create_task(
        title="Two", description=None, status=Status.PENDING, actor=ACTOR
    )

    with running_relay(system, clean_redis) as relay:
        wait_for(relay, second.position or 0)

    events = published(clean_redis)
    titles = [event["data"]["title"] for event in events]  # type: ignore[index]
    assert titles == ["One", "Two"]


def test_the_example_consumer_follows_the_stream(
    system: System, clean_redis: str
) -> None:
    pool = system.pool
    task = pool.create_task(
        title="Follow me", description=None, status=Status.PENDING, actor=ACTOR
    ).result
    last = pool.delete_task(task.id, actor=ACTOR).position or 0
    with running_relay(system, clean_redis) as relay:
        wait_for(relay, last)

    followed = subprocess.run(
        [sys.executable, str(EXAMPLE), clean_redis, "--count", "2"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    lines = followed.stdout.splitlines()
    assert [line.split()[1] for line in lines] == ["TaskCreated", "TaskDeleted"]
    assert str(task.id) in lines[0]
