class DomainError(Exception):
    """A rule of the domain was broken."""


class InvalidValue(DomainError):
    """A value given for a field breaks that field's rules."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class TaskAlreadyDeleted(DomainError):
    """A deleted task accepts no further changes."""


class ReservationHeld(DomainError):
    """The value is already reserved by someone else."""
