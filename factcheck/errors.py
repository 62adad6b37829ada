"""Domain errors. Services raise them; the CLI prints their message on one line and exits 1,
the UI shows it with st.error. Messages are written for the user: they name the problem."""

from __future__ import annotations


class FactcheckError(Exception):
    """Base of every error a user can cause and should read about."""


class InputError(FactcheckError):
    """Bad input: empty, too large, binary, undecodable, malformed, out of range."""


class NotFoundError(FactcheckError):
    """An id or name that does not exist."""


class DuplicateError(FactcheckError):
    """Something that already exists (the same article text, a source name taken)."""

    def __init__(self, message: str, existing_id: int | None = None) -> None:
        super().__init__(message)
        self.existing_id = existing_id


class PermissionDenied(FactcheckError):
    """The reviewer's role does not allow this action."""


class AuthError(FactcheckError):
    """Sign-in failed (wrong password, disabled account, too many attempts)."""


class DatabaseUnavailable(FactcheckError):
    """The database cannot be reached or opened (wrong URL, server down, bad credentials)."""


class StorageError(FactcheckError):
    """The database refused a write (a value one engine cannot hold, a full disk); the
    transaction was rolled back, so nothing changed."""


class ConflictError(FactcheckError):
    """Someone else changed the data first; nothing was overwritten."""


class StaleAssessmentError(ConflictError):
    """A save started from a version of the assessment that is no longer the stored one
    (another tab, the CLI or a merge changed it). `theirs` is the stored assessment as an
    `AssessmentInput`, `version` its version, so a page can show both side by side."""

    def __init__(self, message: str, theirs: object, version: int) -> None:
        super().__init__(message)
        self.theirs = theirs
        self.version = version


class UncoveredTextError(InputError):
    """A boundary change would leave article text in no claim; `excerpt` quotes it. Only an
    explicit drop may do that (e.g. a trim that keeps the rest as dropped claims)."""

    def __init__(self, message: str, excerpt: str) -> None:
        super().__init__(message)
        self.excerpt = excerpt


class EmptyFormError(InputError):
    """An all-empty form would overwrite an assessment that has values: only an explicit
    "clear this assessment" may do that."""


def describe_validation_error(error: Exception) -> str:
    """One line out of a pydantic ValidationError: the first problem, with the field it is in."""
    errors = getattr(error, "errors", None)
    if not callable(errors):
        return str(error)
    first = errors()[0]
    message = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "__root__")
    if where and where not in message:
        return f"{where}: {message}"
    return message
