"""Registering users and checking their passwords."""

from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError

from application.errors import InvalidCredentials, UsernameTaken
from application.ports import PasswordHasher
from domain.users import User, check_password, clean_username, user_id_for


class Accounts(Application[UUID]):
    name = "accounts"

    def __init__(
        self, hasher: PasswordHasher, env: dict[str, str] | None = None
    ) -> None:
        super().__init__(env)
        self._hasher = hasher

    def register(self, *, username: str, password: str) -> User:
        # Cheap checks first: a taken or malformed name costs no hashing.
        username = clean_username(username)
        check_password(password)
        if self._find(username) is not None:
            raise UsernameTaken(username)
        user = User.register(
            username=username, password_hash=self._hasher.hash(password)
        )
        try:
            self.save(user)
        except IntegrityError:
            raise UsernameTaken(username) from None
        return user

    def authenticate(self, *, username: str, password: str) -> User:
        user = self._find(username)
        if user is None:
            self._hasher.verify_nothing(password)
            raise InvalidCredentials
        if not self._hasher.verify(user.password_hash, password):
            raise InvalidCredentials
        return user

    def _find(self, username: str) -> User | None:
        try:
            user: object = self.repository.get(user_id_for(username))
        except AggregateNotFoundError:
            return None
        return user if isinstance(user, User) else None
