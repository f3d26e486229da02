"""The one error hierarchy. Services raise these; hornet.exceptions renders them.

Each error carries its HTTP status and a stable machine-readable ``code`` so clients can
branch on it; services themselves never mention HTTP.
"""

from typing import Any


class DomainError(Exception):
    """Base of every error a client may see. ``details`` names fields where relevant."""

    status_code = 400
    code = "error"
    default_message = "The request could not be processed."

    def __init__(self, message: str | None = None, *, details: Any = None, code: str | None = None):
        self.message = message or self.default_message
        self.details = details
        if code:
            self.code = code
        super().__init__(self.message)


class InvalidInput(DomainError):
    """Input that is well-formed JSON but not acceptable; ``details`` maps field -> messages."""

    status_code = 400
    code = "invalid_input"
    default_message = "Invalid input."

    @classmethod
    def for_field(cls, field: str, message: str, code: str | None = None) -> "InvalidInput":
        return cls(f"{field}: {message}", details={field: [message]}, code=code)


class Unauthenticated(DomainError):
    """No usable identity on a request that needs one."""

    status_code = 401
    code = "not_authenticated"
    default_message = "Authentication credentials were not provided."


class Forbidden(DomainError):
    """The caller is known but may not do this."""

    status_code = 403
    code = "forbidden"
    default_message = "You may not do this."


class NotFound(DomainError):
    """The named object does not exist."""

    status_code = 404
    code = "not_found"
    default_message = "Not found."


class Conflict(DomainError):
    """The request conflicts with the current state (for example a concurrent duplicate)."""

    status_code = 409
    code = "conflict"
    default_message = "Conflict with the current state."


class Unprocessable(DomainError):
    """Understood but refused, for example an idempotency key reused with another body."""

    status_code = 422
    code = "unprocessable"
    default_message = "The request cannot be processed."


class ServiceUnavailable(DomainError):
    """A database or a service we depend on does not answer. Safe to retry later."""

    status_code = 503
    code = "service_unavailable"
    default_message = "A backing service is unavailable; try again shortly."


class DatabaseUnavailable(ServiceUnavailable):
    """The service's own database does not answer (down, unreachable or timing out)."""

    code = "database_unavailable"
    default_message = "The database is unavailable; try again shortly."
