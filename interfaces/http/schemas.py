"""Request and response bodies, as clients send and receive them."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar.openapi.spec import Example
from litestar.params import Body
from msgspec import UNSET, Meta, UnsetType

from domain.tasks import DESCRIPTION_MAX_LENGTH, TITLE_MAX_LENGTH, Status
from domain.users import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, USERNAME_MAX_LENGTH

# Bounds of the list query's paging parameters.
MAX_SKIP = 1_000_000_000
MAX_LIMIT = 100

Title = Annotated[
    str,
    Meta(
        min_length=1,
        description=(
            f"1 to {TITLE_MAX_LENGTH} characters once trimmed. Unique among live "
            "tasks, ignoring letter case, surrounding or repeated whitespace, "
            "invisible characters and Unicode normalisation form."
        ),
    ),
]
Description = Annotated[
    str,
    Meta(
        max_length=DESCRIPTION_MAX_LENGTH,
        description="Free text; line breaks allowed. `null` means none.",
    ),
]
TaskStatus = Annotated[
    Status, Meta(description="PENDING, IN_PROGRESS or COMPLETED, in capitals.")
]
Username = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=USERNAME_MAX_LENGTH,
        description="Letters, digits and . @ + - _; unique, ignoring case.",
    ),
]
NewPassword = Annotated[
    str,
    Meta(
        min_length=PASSWORD_MIN_LENGTH,
        max_length=PASSWORD_MAX_LENGTH,
        description=f"At least {PASSWORD_MIN_LENGTH} characters.",
    ),
]
Password = Annotated[str, Meta(min_length=1, max_length=PASSWORD_MAX_LENGTH)]


class NewTask(msgspec.Struct, forbid_unknown_fields=True):
    title: Title
    description: Description | None = None
    status: TaskStatus = Status.PENDING


class TaskChanges(msgspec.Struct, forbid_unknown_fields=True):
    """Fields left out stay as they are; `description: null` clears it."""

    title: Title | UnsetType = UNSET
    description: Description | UnsetType | None = UNSET
    status: TaskStatus | UnsetType = UNSET


class NewUser(msgspec.Struct, forbid_unknown_fields=True):
    username: Username
    password: NewPassword


class Credentials(msgspec.Struct, forbid_unknown_fields=True):
    username: Username
    password: Password


class AccessToken(msgspec.Struct, frozen=True):
    access_token: str
    expires_in: int
    token_type: str = "bearer"  # noqa: S105 (a token type, not a secret)


def _body(**examples: dict[str, Any]) -> Any:
    """A JSON body whose examples Swagger UI offers under "Try it out"."""
    return Body(
        examples=[
            Example(summary=summary.replace("_", " "), value=value)
            for summary, value in examples.items()
        ]
    )


NEW_TASK_BODY = _body(
    a_pending_task={
        "title": "Write the release notes",
        "description": "Cover every change since 0.9.",
    },
    a_task_already_started={"title": "Review the roadmap", "status": "IN_PROGRESS"},
)
TASK_CHANGES_BODY = _body(
    start_it={"status": "IN_PROGRESS"},
    rename_it={"title": "Write the 1.0 release notes"},
    clear_the_description={"description": None},
)
NEW_USER_BODY = _body(a_user={"username": "ada", "password": "correct horse"})
