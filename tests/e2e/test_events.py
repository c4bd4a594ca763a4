"""Published events and notifications under faults, with real processes."""

from __future__ import annotations

import random
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import httpx
import psycopg
import pytest
import redis

from domain.tasks import Status
from infrastructure.database import Database
from infrastructure.embedded_redis import EmbeddedRedis, start_embedded_redis
from infrastructure.messages import STREAM, TaskEventEnvelope, decode, envelope_of
from infrastructure.notifications import read_sent
from interfaces.composition import System
from tests.conftest import TEST_SECRET
from tests.e2e.conftest import (
    TASKPOOL,
    free_port,
    log_in,
    service_env,
    start,
    wait_until_serving,
)
from tests.integration.helpers import eventually

pytestmark = pytest.mark.e2e

ACTOR = UUID(int=21)


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[EmbeddedRedis]:
    server = start_embedded_redis(tmp_path / "broker")
    yield server
    server.stop()


@pytest.fixture
def env(
    clean_database: Database, broker: EmbeddedRedis, tmp_path: Path
) -> dict[str, str]:
    return service_env(
        DATABASE_URL=clean_database.conninfo,
        REDIS_URL=broker.url,
        JWT_SECRET=TEST_SECRET,
        TASKPOOL_DATA_DIR=str(tmp_path / "data"),
        NOTIFICATIONS_FILE=str(tmp_path / "sent.jsonl"),
        NOTIFIER_RECLAIM_SECONDS="0.3",
        RELAY_BATCH_SIZE="5",
    )


def published(url: str) -> list[TaskEventEnvelope]:
    client = redis.Redis.from_url(url)
    try:
        return [decode(fields[b"__data__"]) for _, fields in client.xrange(STREAM)]
    finally:
        client.close()


def stored_envelopes(system: System) -> list[TaskEventEnvelope]:
    envelopes = []
    for notification in system.pool.recorder.select_notifications(start=1, limit=10**6):
        envelope = envelope_of(
            system.pool.mapper.to_domain_event(notification), notification.id
        )
        if envelope is not None:
            envelopes.append(envelope)
    return envelopes


def first_occurrences(envelopes: list[TaskEventEnvelope]) -> list[UUID]:
    seen: dict[UUID, None] = {}
    for envelope in envelopes:
        seen.setdefault(envelope.event_id, None)
    return list(seen)


def claimed_events(database: Database) -> list[UUID]:
    with psycopg.connect(database.conninfo) as conn:
        return [
            row[0] for row in conn.execute("SELECT event_id FROM notifications_sent")
        ]


def test_a_broker_outage_loses_no_event_and_no_notification(
    env: dict[str, str],
    broker: EmbeddedRedis,
    system: System,
    tmp_path: Path,
) -> None:
    port = free_port()
    served = start(
        [TASKPOOL, "serve", "--port", str(port)], env, tmp_path / "serve.log", port
    )
    wait_until_serving(served)
    try:
        auth = log_in(served.url, "outage")
        before = [
            httpx.post(
                f"{served.url}/tasks/", json={"title": f"Before {n}"}, headers=auth
            )
            for n in range(3)
        ]
        broker.stop()
        during = [
            httpx.post(
                f"{served.url}/tasks/",
                json={"title": f"During {n}"},
                headers=auth,
                timeout=30,
            )
            for n in range(5)
        ]
        broker.start()
        expected = stored_envelopes(system)
        eventually(
            lambda: (
                first_occurrences(published(broker.url))
                == [e.event_id for e in expected]
            )
        )
        eventually(lambda: len(read_sent(Path(env["NOTIFICATIONS_FILE"]))) == 8)
        time.sleep(1)
    finally:
        served.stop()

    assert [r.status_code for r in before + during] == [201] * 8
    sent = read_sent(Path(env["NOTIFICATIONS_FILE"]))
    assert sorted(n.title for n in sent) == sorted(
        [f"Before {n}" for n in range(3)] + [f"During {n}" for n in range(5)]
    )


def test_relay_and_notifier_killed_at_random_lose_and_repeat_nothing(
    env: dict[str, str],
    broker: EmbeddedRedis,
    system: System,
    clean_database: Database,
    tmp_path: Path,
) -> None:
    chance = random.Random(20261204)  # noqa: S311 (a reproducible schedule)
    logs = tmp_path / "logs"
    logs.mkdir()
    relay = start([TASKPOOL, "relay"], env, logs / "relay.log")
    notifier = start([TASKPOOL, "notify"], env, logs / "notify.log")
    created = 0
    try:
        for n in range(40):
            written = system.pool.create_task(
                title=f"Task {n}", description=None, status=Status.PENDING, actor=ACTOR
            )
            system.pool.update_task(
                written.result.id, actor=ACTOR, status=Status.COMPLETED
            )
            created += 1
            time.sleep(chance.uniform(0, 0.05))
            if chance.random() < 0.15:
                relay.stop(signal.SIGKILL)
                relay = start([TASKPOOL, "relay"], env, logs / "relay.log")
            if chance.random() < 0.15:
                notifier.stop(signal.SIGKILL)
                notifier = start([TASKPOOL, "notify"], env, logs / "notify.log")
        expected = stored_envelopes(system)
        eventually(
            lambda: (
                first_occurrences(published(broker.url))
                == [e.event_id for e in expected]
            )
        )
        eventually(lambda: len(claimed_events(clean_database)) == created)
        time.sleep(1)
    finally:
        relay.stop()
        notifier.stop()

    sent = read_sent(Path(env["NOTIFICATIONS_FILE"]))
    sent_ids = [n.event_id for n in sent]
    assert len(sent_ids) == len(set(sent_ids)), "a notification was sent twice"
    created_ids = {e.event_id for e in expected if e.type == "TaskCreated"}
    assert set(claimed_events(clean_database)) == created_ids
    assert set(sent_ids) <= created_ids
