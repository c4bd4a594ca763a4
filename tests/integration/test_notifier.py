"""The notifier against real PostgreSQL and Redis: one notification per task."""

import asyncio
import dataclasses
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from uuid import UUID

import pytest
import redis

from domain.tasks import Status
from infrastructure.messages import DEAD_LETTERS, NOTIFIER_GROUP, STREAM
from infrastructure.notifications import read_sent
from interfaces.composition import System
from tests.integration.helpers import eventually
from tests.integration.test_relay import running_relay, wait_for

pytestmark = pytest.mark.integration

ACTOR = UUID(int=9)


@pytest.fixture
def quick(system: System) -> System:
    """Failed messages come back quickly, and give up after three tries."""
    system.settings = dataclasses.replace(
        system.settings, notifier_reclaim_seconds=0.2, notifier_max_attempts=3
    )
    return system


@contextmanager
def running_notifier(system: System, name: str = "test-consumer") -> Iterator[None]:
    stop = threading.Event()
    thread = threading.Thread(
        target=lambda: asyncio.run(system.run_notifier(stop, name))
    )
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=30)


def create_tasks(system: System, titles: list[str]) -> int:
    position = 0
    for title in titles:
        written = system.pool.create_task(
            title=title, description=None, status=Status.PENDING, actor=ACTOR
        )
        system.pool.update_task(written.result.id, actor=ACTOR, status=Status.COMPLETED)
        position = written.position or 0
    return position


def sent_titles(system: System) -> list[str]:
    return [n.title for n in read_sent(system.settings.sent_notifications)]


def test_each_created_task_gets_one_notification(
    quick: System, clean_redis: str
) -> None:
    titles = [f"Task {n}" for n in range(5)]

    with running_relay(quick, clean_redis), running_notifier(quick):
        create_tasks(quick, titles)
        eventually(lambda: len(sent_titles(quick)) == 5)
        time.sleep(0.5)

    assert sorted(sent_titles(quick)) == titles


def test_a_consumer_that_starts_late_still_receives_everything(
    quick: System, clean_redis: str
) -> None:
    last = create_tasks(quick, ["Early", "Also early"])
    with running_relay(quick, clean_redis) as relay:
        wait_for(relay, last)

    with running_notifier(quick):
        eventually(lambda: len(sent_titles(quick)) == 2)

    assert sorted(sent_titles(quick)) == ["Also early", "Early"]


def test_an_event_delivered_twice_is_notified_once(
    quick: System, clean_redis: str
) -> None:
    last = create_tasks(quick, ["Once"])
    with running_relay(quick, clean_redis) as relay:
        wait_for(relay, last)
    client = redis.Redis.from_url(clean_redis)
    (_, fields), *_ = client.xrange(STREAM, count=1)
    client.xadd(STREAM, fields)
    client.close()

    with running_notifier(quick):
        eventually(lambda: _all_acknowledged(clean_redis))

    assert sent_titles(quick) == ["Once"]


def test_messages_of_a_dead_consumer_are_taken_over(
    quick: System, clean_redis: str
) -> None:
    last = create_tasks(quick, ["Orphan 1", "Orphan 2"])
    with running_relay(quick, clean_redis) as relay:
        wait_for(relay, last)
    client = redis.Redis.from_url(clean_redis)
    # A consumer reads everything and dies before acknowledging any of it.
    client.xreadgroup(NOTIFIER_GROUP, "doomed", {STREAM: ">"})
    client.close()

    with running_notifier(quick, "survivor"):
        eventually(lambda: len(sent_titles(quick)) == 2)

    assert sorted(sent_titles(quick)) == ["Orphan 1", "Orphan 2"]


def test_a_poison_message_ends_in_the_dead_letter_stream(
    quick: System, clean_redis: str
) -> None:
    client = redis.Redis.from_url(clean_redis)
    client.xgroup_create(STREAM, NOTIFIER_GROUP, id="0", mkstream=True)
    client.xadd(STREAM, {"__data__": b"this is not an envelope"})

    with running_relay(quick, clean_redis), running_notifier(quick):
        eventually(lambda: client.xlen(DEAD_LETTERS) == 1)
        create_tasks(quick, ["After the poison"])
        eventually(lambda: sent_titles(quick) == ["After the poison"])

    (_, dead), *_ = client.xrange(DEAD_LETTERS)
    client.close()
    assert dead[b"body"] == b"this is not an envelope"
    assert b"DecodeError" in dead[b"reason"] or b"ValidationError" in dead[b"reason"]
    assert int(dead[b"attempts"]) == 3


def _all_acknowledged(redis_url: str) -> bool:
    """The group has read to the stream's end and acknowledged everything."""
    client = redis.Redis.from_url(redis_url)
    try:
        (group,) = client.xinfo_groups(STREAM)
        last = client.xinfo_stream(STREAM)["last-generated-id"]
        return group["last-delivered-id"] == last and group["pending"] == 0
    finally:
        client.close()


def test_the_notifier_recovers_when_the_broker_loses_its_data(
    quick: System, clean_redis: str
) -> None:
    client = redis.Redis.from_url(clean_redis)
    with running_relay(quick, clean_redis), running_notifier(quick):
        create_tasks(quick, ["Before the loss"])
        eventually(lambda: sent_titles(quick) == ["Before the loss"])
        # As when Redis restarts without its data: stream and group are gone.
        client.delete(STREAM)
        create_tasks(quick, ["After the loss"])
        eventually(
            lambda: sorted(sent_titles(quick)) == ["After the loss", "Before the loss"]
        )
    client.close()


def test_a_failed_send_is_retried_and_then_dead_lettered(
    quick: System, clean_redis: str, tmp_path: Path
) -> None:
    unwritable = tmp_path / "a-directory"
    unwritable.mkdir()
    quick.settings = dataclasses.replace(quick.settings, notifications_file=unwritable)
    client = redis.Redis.from_url(clean_redis)

    with running_relay(quick, clean_redis), running_notifier(quick):
        create_tasks(quick, ["Undeliverable"])
        eventually(
            lambda: client.exists(DEAD_LETTERS) and client.xlen(DEAD_LETTERS) == 1
        )

    (_, dead), *_ = client.xrange(DEAD_LETTERS)
    client.close()
    assert b"IsADirectoryError" in dead[b"reason"]


def test_an_event_of_a_type_it_does_not_know_is_skipped(
    quick: System, clean_redis: str
) -> None:
    client = redis.Redis.from_url(clean_redis)
    client.xgroup_create(STREAM, NOTIFIER_GROUP, id="0", mkstream=True)
    client.xadd(
        STREAM, {"__data__": b'{"type": "TaskArchived", "envelope_version": 2}'}
    )

    with running_notifier(quick):
        eventually(lambda: _all_acknowledged(clean_redis))

    assert not client.exists(DEAD_LETTERS)
    client.close()
