"""Domain errors: a phrase for people, a stable code for scripts, an HTTP status.

The phrase is an English template marked `N_` and its named parameters, as configuration
issues have: the API and the command line print it in English, the staff pages fill the
catalogue's translation of the same template with the same parameters.
"""

from __future__ import annotations

from typing import Any

from signage.phrases import Phrase


class SignageError(Exception):
    """An error the user can act on; worded once at each edge (API, UI, CLI)."""

    code = "error"
    status = 400

    def __init__(
        self,
        template: str,
        code: str | None = None,
        status: int | None = None,
        details: Any = None,
        **params: Any,
    ) -> None:
        self.phrase = Phrase(template, params)
        self.message = self.phrase.render()
        super().__init__(self.message)
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

    def __init__(self, template: str, retry_after: int, **params: Any) -> None:
        super().__init__(template, details={"retry_after": retry_after}, **params)
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}
