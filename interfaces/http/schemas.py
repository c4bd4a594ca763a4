"""Request and response bodies, as clients send and receive them."""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import UNSET, Meta, UnsetType

from domain.tasks import DESCRIPTION_MAX_LENGTH, TITLE_MAX_LENGTH, Status
from domain.users import PASSWORD_MAX_LENGTH, USERNAME_MAX_LENGTH

Title = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=TITLE_MAX_LENGTH,
        description=(
            "Unique among live tasks, ignoring letter case, surrounding or "
            "repeated whitespace and Unicode normalisation form."
        ),
        examples=["Write the release notes"],
    ),
]
Description = Annotated[str, Meta(max_length=DESCRIPTION_MAX_LENGTH)]
Username = Annotated[
    str, Meta(min_length=1, max_length=USERNAME_MAX_LENGTH, examples=["ada"])
]
Password = Annotated[
    str, Meta(min_length=1, max_length=PASSWORD_MAX_LENGTH, examples=["correct horse"])
]


class NewTask(msgspec.Struct, forbid_unknown_fields=True):
    title: Title
    description: Description | None = None
    status: Status = Status.PENDING


class TaskChanges(msgspec.Struct, forbid_unknown_fields=True):
    """Fields left out stay as they are; `description: null` clears it."""

    title: Title | UnsetType = UNSET
    description: Description | UnsetType | None = UNSET
    status: Status | UnsetType = UNSET


class Credentials(msgspec.Struct, forbid_unknown_fields=True):
    username: Username
    password: Password


class AccessToken(msgspec.Struct, frozen=True):
    access_token: str
    expires_in: int
    token_type: str = "bearer"  # noqa: S105 (a token type, not a secret)
