from uuid import UUID


class ApplicationError(Exception):
    """A command or query could not be carried out as asked."""


class TaskNotFound(ApplicationError):
    def __init__(self, task_id: UUID) -> None:
        super().__init__(f"no task with id {task_id}")
        self.task_id = task_id


class TitleTaken(ApplicationError):
    def __init__(self, title: str) -> None:
        super().__init__(f'a task titled "{title}" already exists')
        self.title = title


class UsernameTaken(ApplicationError):
    def __init__(self, username: str) -> None:
        super().__init__(f'the username "{username}" is taken')
        self.username = username


class InvalidCredentials(ApplicationError):
    """The username or the password is wrong; which one is not told."""

    def __init__(self) -> None:
        super().__init__("wrong username or password")


class VersionMismatch(ApplicationError):
    """The task is no longer at the version the client last saw."""

    def __init__(self, task_id: UUID, version: int) -> None:
        super().__init__(
            f"task {task_id} is now at version {version}; fetch it again and "
            "reapply your change"
        )
        self.version = version


class ServiceUnavailable(ApplicationError):
    """A store the service depends on cannot be reached; retrying later may work.

    Adapters raise this, chained to the driver's error, so that callers never
    see a driver's exception types.
    """

    def __init__(self, what: str) -> None:
        super().__init__(f"the {what} is unavailable; try again shortly")


class WriteConflict(ApplicationError):
    """Other writes kept winning the race for the same task; try again."""

    def __init__(self) -> None:
        super().__init__(
            "the task changed concurrently too many times; retry the request"
        )
