"""What the application refuses, beyond the domain's rules."""

from __future__ import annotations

from uuid import UUID


class ApplicationError(Exception):
    """Base class of the application's refusals."""


class JourneyNotFoundError(ApplicationError):
    """No such journey for this clinic (another clinic's journey is not found either)."""

    def __init__(self, journey_id: UUID | str) -> None:
        super().__init__(f"No journey {journey_id}.")
        self.journey_id = journey_id


class JourneyDamagedError(ApplicationError):
    """The journey's stored entries no longer fold or no longer decrypt: they were altered
    after recording. Its status cannot be trusted, so nothing is read from it or appended
    to it; ``audit verify`` names what broke."""

    def __init__(self, journey_id: UUID | str) -> None:
        super().__init__(
            f"Journey {journey_id}'s stored entries were altered and no longer read as a "
            "journey: nothing can be shown or recorded until it is restored. Verify it "
            "to see which entries."
        )
        self.journey_id = journey_id


class EntryNotFoundError(ApplicationError):
    def __init__(self, journey_id: UUID, version: int) -> None:
        super().__init__(f"Journey {journey_id} has no entry at version {version}.")


class VersionMismatchError(ApplicationError):
    """``If-Match`` named a version that is not the journey's current one."""

    def __init__(self, expected: int, current: int) -> None:
        super().__init__(
            f"If-Match names version {expected} but the journey is at version {current}: "
            "read the journey again and decide on its current state."
        )
        self.expected = expected
        self.current = current


class IdempotencyKeyReusedError(ApplicationError):
    """The same Idempotency-Key came with a different request."""

    def __init__(self, key: str, version: int) -> None:
        super().__init__(
            f"Idempotency-Key {key!r} was first used for a different entry (version {version}): "
            "use a new key for a new entry."
        )


class JourneyConflictError(ApplicationError):
    """Concurrent writers kept winning; the client may retry."""


class JourneyAlreadyOpenError(ApplicationError):
    """The patient's episode is already open with different details."""

    def __init__(self, journey_id: UUID, differs: str) -> None:
        super().__init__(
            f"Journey {journey_id} for this patient and episode is already open with a "
            f"different {differs}: a retry must repeat the first request; a new treatment "
            "episode needs a new episode number."
        )
