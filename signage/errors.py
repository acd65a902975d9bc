"""Domain errors: a plain message for people, a stable code for scripts, an HTTP status."""

from __future__ import annotations

from typing import Any


class SignageError(Exception):
    """An error the user can act on; translated once at each edge (API, UI, CLI)."""

    code = "error"
    status = 400

    def __init__(
        self,
        message: str,
        code: str | None = None,
        status: int | None = None,
        details: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        """The one JSON error shape of the API."""
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}

    def headers(self) -> dict[str, str]:
        """HTTP headers the answer carries besides the body (none by default)."""
        return {}


class SettingsError(SignageError):
    """A setting has a wrong value; the process must not start."""

    code = "bad_setting"
    status = 500


class NotFound(SignageError):
    code = "not_found"
    status = 404


class Unauthorized(SignageError):
    code = "unauthorized"
    status = 401


class Forbidden(SignageError):
    code = "forbidden"
    status = 403


class Conflict(SignageError):
    code = "conflict"
    status = 409


class Invalid(SignageError):
    """The request or file content is wrong; `details` lists each problem."""

    code = "invalid"
    status = 422


class TooManyAttempts(SignageError):
    """Too many failed attempts: wait `retry_after` seconds (sent as Retry-After)."""

    code = "too_many_logins"
    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, details={"retry_after": retry_after})
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}
