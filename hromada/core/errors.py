"""The one family of errors a service raises when it refuses to act.

Views turn them into form errors and messages, the API into JSON; a person never sees a trace.
"""

from typing import Any


class ApplicationError(Exception):
    """A refusal with a message for people and a stable code for API clients."""

    code = "invalid"
    status = 400

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.field = field
        self.extra = extra or {}


class ValidationFailed(ApplicationError):
    code = "validation_failed"
    status = 422


class PermissionDenied(ApplicationError):
    code = "permission_denied"
    status = 403


class NotFound(ApplicationError):
    code = "not_found"
    status = 404


class Conflict(ApplicationError):
    """The object is not in a state that allows the action (a transition from the wrong state)."""

    code = "conflict"
    status = 409


class TooManyRequests(ApplicationError):
    """A rate limit: the same person or address acted too often in a short time."""

    code = "too_many_requests"
    status = 429
