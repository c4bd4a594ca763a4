"""The published form of task events: a versioned JSON envelope on a Redis stream.

Each stream entry holds one field, `__data__`, whose value is the envelope as
plain JSON (no FastStream framing), so a consumer in any language can read it.
docs/events.md and the AsyncAPI document describe it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec
from eventsourcing.domain import DomainEventProtocol
from faststream.redis.parser.message import MessageFormat

from domain.tasks import Task

STREAM = "taskpool.task-events"
DEAD_LETTERS = "taskpool.task-events.dead-letters"
NOTIFIER_GROUP = "notifier"
ENVELOPE_VERSION = 1

_EVENT_NAMESPACE = uuid5(NAMESPACE_URL, "taskpool:event")

EventType = Literal["TaskCreated", "TaskUpdated", "TaskDeleted"]


class TaskEventEnvelope(msgspec.Struct, frozen=True):
    """One task event, as downstream systems receive it."""

    envelope_version: int
    event_id: UUID
    type: EventType
    task_id: UUID
    task_version: int
    position: int
    occurred_at: datetime
    actor: UUID
    data: dict[str, Any]
    correlation_id: str | None = None


def event_id(task_id: UUID, task_version: int) -> UUID:
    """Stable across re-publishing: the same event always has the same id."""
    return uuid5(_EVENT_NAMESPACE, f"{task_id}:{task_version}")


def envelope_of(
    event: DomainEventProtocol[Any], position: int
) -> TaskEventEnvelope | None:
    """The envelope of a task event; None for events that are not published."""
    if isinstance(event, Task.TaskCreated):
        kind: EventType = "TaskCreated"
        data: dict[str, Any] = {
            "title": event.title,
            "description": event.description,
            "status": event.status,
        }
    elif isinstance(event, Task.TaskUpdated):
        kind, data = "TaskUpdated", dict(event.changes)
    elif isinstance(event, Task.TaskDeleted):
        kind, data = "TaskDeleted", {}
    else:
        return None
    return TaskEventEnvelope(
        envelope_version=ENVELOPE_VERSION,
        event_id=event_id(event.originator_id, event.originator_version),
        type=kind,
        task_id=event.originator_id,
        task_version=event.originator_version,
        position=position,
        occurred_at=event.timestamp,
        actor=event.actor,
        data=data,
        correlation_id=event.correlation_id,
    )


def encode(envelope: TaskEventEnvelope) -> bytes:
    return msgspec.json.encode(envelope)


def decode(body: bytes) -> TaskEventEnvelope:
    return msgspec.json.decode(body, type=TaskEventEnvelope)


class _Kind(msgspec.Struct):
    type: str


def event_type(body: bytes) -> str:
    """The envelope's type, read leniently: unknown types are not errors."""
    return msgspec.json.decode(body, type=_Kind).type


class PlainJson(MessageFormat):
    """FastStream message format that puts the body on the wire as it is."""

    __slots__ = ()

    @classmethod
    async def encode(
        cls,
        *,
        message: Any,
        reply_to: str | None,
        headers: dict[str, Any] | None,
        correlation_id: str,
        serializer: Any = None,
        codec: Any = None,
    ) -> bytes:
        built = await cls.build(
            message=message,
            reply_to=reply_to,
            headers=headers,
            correlation_id=correlation_id,
            serializer=serializer,
            codec=codec,
        )
        return built.data

    @classmethod
    def parse(cls, data: bytes) -> tuple[bytes, dict[str, Any]]:
        # Handed over undecoded: the consumer decodes it, so that a message
        # that does not decode fails where it can be retried and dead-lettered.
        return data, {"content-type": "application/octet-stream"}


def asyncapi_document() -> dict[str, Any]:
    """The AsyncAPI 3 description of the stream, for downstream teams."""
    (envelope,), schemas = msgspec.json.schema_components(
        [TaskEventEnvelope], ref_template="#/components/schemas/{name}"
    )
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "taskpool task events",
            "version": f"{ENVELOPE_VERSION}.0.0",
            "description": (
                "Every TaskCreated, TaskUpdated and TaskDeleted, in the order the "
                "event store committed them, delivered at least once: drop repeats "
                "by `event_id`. Each entry of the Redis stream has one field, "
                "`__data__`, whose value is the envelope as JSON. Read it with a "
                "consumer group (XREADGROUP) and acknowledge (XACK) what you have "
                "handled. `envelope_version` changes only when a field changes "
                "meaning or goes away; new fields may appear at any time."
            ),
        },
        "defaultContentType": "application/json",
        "channels": {
            "taskEvents": {
                "address": STREAM,
                "description": "A Redis stream of task events.",
                "messages": {"taskEvent": {"$ref": "#/components/messages/TaskEvent"}},
            }
        },
        "operations": {
            "receiveTaskEvents": {
                "action": "receive",
                "channel": {"$ref": "#/channels/taskEvents"},
                "messages": [{"$ref": "#/channels/taskEvents/messages/taskEvent"}],
            }
        },
        "components": {
            "messages": {
                "TaskEvent": {
                    "name": "TaskEvent",
                    "contentType": "application/json",
                    "payload": envelope,
                    "examples": [
                        {
                            "name": "TaskUpdated",
                            "payload": {
                                "envelope_version": ENVELOPE_VERSION,
                                "event_id": "6f1c2f0e-3b7e-5d0a-9a47-2f4b8c1d9e10",
                                "type": "TaskUpdated",
                                "task_id": "0b7e6e1c-52f4-4a3a-9d0e-6f1f8f3c2a10",
                                "task_version": 2,
                                "position": 42,
                                "occurred_at": "2026-01-31T09:30:00.000000Z",
                                "actor": "94e58ee7-b873-5a55-b58d-97fde0447081",
                                "data": {"status": "COMPLETED"},
                            },
                        }
                    ],
                }
            },
            "schemas": schemas,
        },
    }
