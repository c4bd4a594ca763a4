"""People who use the pool, identified by a username unique under comparison."""

from __future__ import annotations

import re
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidValue
from domain.text import check_pattern, clean_line, comparison_key

USERNAME_MAX_LENGTH = 64
PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 1024

_USERNAME_NAMESPACE = uuid5(NAMESPACE_URL, "taskpool:user")
_USERNAME_PATTERN = re.compile(r"[\w.@+-]+")


def clean_username(username: str) -> str:
    cleaned = clean_line("username", username, max_length=USERNAME_MAX_LENGTH)
    check_pattern(
        "username",
        cleaned,
        _USERNAME_PATTERN,
        "may contain only letters, digits and the characters . @ + - _",
    )
    return cleaned


def check_password(password: str) -> None:
    if len(password) < PASSWORD_MIN_LENGTH:
        raise InvalidValue(
            "password", f"must be at least {PASSWORD_MIN_LENGTH} characters"
        )
    if len(password) > PASSWORD_MAX_LENGTH:
        raise InvalidValue(
            "password", f"must be at most {PASSWORD_MAX_LENGTH} characters"
        )
    if "\x00" in password:
        raise InvalidValue("password", "must not contain the NUL character")


def user_id_for(username: str) -> UUID:
    """A user's id follows from the username's comparison key.

    Registering a taken name therefore writes an aggregate that already
    exists, which the event store refuses, so no race admits two users with
    one name.
    """
    return uuid5(_USERNAME_NAMESPACE, comparison_key(username))


class User(Aggregate):
    TOPIC = "taskpool.User"

    class Event(Aggregate.Event):
        pass

    class UserRegistered(Event, Aggregate.Created):
        TOPIC = "taskpool.UserRegistered"
        username: str
        password_hash: str

    Created = UserRegistered

    @staticmethod
    def create_id(*, username: str, password_hash: str) -> UUID:
        return user_id_for(username)

    @event(UserRegistered)
    def __init__(self, *, username: str, password_hash: str) -> None:
        self.username = username
        self.password_hash = password_hash

    @classmethod
    def register(cls, *, username: str, password_hash: str) -> User:
        return cls(username=clean_username(username), password_hash=password_hash)
