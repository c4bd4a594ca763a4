"""Reading instants from query strings: ISO 8601 with an offset, or epoch seconds."""

import re
from datetime import UTC, datetime

from domain.errors import InvalidValue

_EPOCH = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_RULE = (
    "must be an ISO 8601 timestamp with a timezone offset "
    "(such as 2026-01-31T09:30:00Z) or Unix epoch seconds"
)


def parse_instant(field: str, text: str) -> datetime:
    text = text.strip()
    if _EPOCH.fullmatch(text):
        try:
            return datetime.fromtimestamp(float(text), tz=UTC)
        except (OverflowError, OSError, ValueError):
            raise InvalidValue(field, "is outside the years 1 to 9999") from None
    # An unescaped '+' in a query string arrives as a space.
    if "T" in text and " " in text:
        text = text.replace(" ", "+")
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidValue(field, _RULE) from None
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise InvalidValue(field, _RULE)
    return instant
