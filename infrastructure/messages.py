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
    )


def encode(envelope: TaskEventEnvelope) -> bytes:
    return msgspec.json.encode(envelope)


def decode(body: bytes) -> TaskEventEnvelope:
    return msgspec.json.decode(body, type=TaskEventEnvelope)


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


def envelope_schema() -> dict[str, Any]:
    (schema,), components = msgspec.json.schema_components([TaskEventEnvelope])
    return {**schema, "$defs": components} if components else schema
