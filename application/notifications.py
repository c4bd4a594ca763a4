"""Telling people about new tasks, at most once per event."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

import msgspec


class Notification(msgspec.Struct, frozen=True):
    event_id: UUID
    task_id: UUID
    title: str
    created_by: UUID
    created_at: datetime


class Mailer(Protocol):
    """Delivers notifications; a real mail service implements this."""

    async def send(self, notification: Notification) -> None: ...


class NotificationLedger(Protocol):
    async def claim(self, notification: Notification) -> bool:
        """Record that this event's notification is being sent.

        Returns False if it was claimed before: the event was delivered again.
        """
        ...

    async def release(self, notification: Notification) -> None:
        """Forget a claim whose send failed, so that a retry may send it."""
        ...


class Notifier:
    """Sends one notification per created task, even when events repeat.

    The claim is committed before the mail goes out, so a crash between the two
    loses that one notification rather than ever sending it twice. A send that
    fails releases its claim, so that the retry can send it.
    """

    def __init__(self, mailer: Mailer, ledger: NotificationLedger) -> None:
        self._mailer = mailer
        self._ledger = ledger

    async def task_created(self, notification: Notification) -> bool:
        if not await self._ledger.claim(notification):
            return False
        try:
            await self._mailer.send(notification)
        except BaseException:
            await self._ledger.release(notification)
            raise
        return True
