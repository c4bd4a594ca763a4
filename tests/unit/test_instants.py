from datetime import UTC, datetime, timedelta, timezone

import pytest

from domain.errors import InvalidValue
from interfaces.http.instants import parse_instant


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-31T09:30:00Z", datetime(2026, 1, 31, 9, 30, tzinfo=UTC)),
        (
            "2026-01-31T10:30:00+01:00",
            datetime(2026, 1, 31, 10, 30, tzinfo=timezone(timedelta(hours=1))),
        ),
        ("2026-01-31T10:30:00 01:00", datetime(2026, 1, 31, 9, 30, tzinfo=UTC)),
        ("1769851800", datetime(2026, 1, 31, 9, 30, tzinfo=UTC)),
        ("1769851800.5", datetime(2026, 1, 31, 9, 30, 0, 500000, tzinfo=UTC)),
    ],
)
def test_an_instant_is_read_from_iso_8601_with_offset_or_epoch_seconds(
    text: str, expected: datetime
) -> None:
    assert parse_instant("created_at", text) == expected


@pytest.mark.parametrize(
    "text", ["2026-01-31T09:30:00", "yesterday", "", "2026-13-01T00:00:00Z", "1e400"]
)
def test_an_instant_without_a_timezone_or_unreadable_is_invalid(text: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        parse_instant("created_at", text)

    assert raised.value.field == "created_at"


def test_epoch_seconds_beyond_the_calendar_are_invalid() -> None:
    with pytest.raises(InvalidValue, match="outside"):
        parse_instant("created_at", "99999999999999999")
