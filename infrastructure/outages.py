"""Driver errors that mean "the database cannot be reached", translated once."""

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError

from application.errors import ServiceUnavailable

# The event store wraps psycopg's errors in its own; psycopg_pool's timeouts
# are psycopg OperationalErrors.
UNREACHABLE = (
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)


@contextmanager
def translated_outages(what: str) -> Iterator[None]:
    try:
        yield
    except UNREACHABLE as error:
        raise ServiceUnavailable(what) from error
