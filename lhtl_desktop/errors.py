"""Typed errors that carry a message for the officer, in Vietnamese.

Domain code raises these; the CLI prints `.message` on stderr and exits 2 (or 3 for imports), the window
shows it in a dialog or beside the field. Anything else escaping is a bug and goes to the crash report.
"""

from __future__ import annotations


class LhtlError(Exception):
    """Base: `message` is shown to the user as is."""

    exit_code = 2

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationError(LhtlError):
    """Input that breaks a rule (value, period, code, name). Nothing was written."""


class NotFoundError(LhtlError):
    """A unit, institution, key or file that does not exist."""


class RefusedError(LhtlError):
    """An action that is not allowed here (second init, out of scope, no authority, ...)."""


class DatabaseError(LhtlError):
    """The database cannot be used as it is (newer than the app, corrupt, wrong place)."""


class DatabaseTooNewError(DatabaseError):
    """The file was written by a newer version of the program; it is left untouched."""


class NotInitialisedError(DatabaseError):
    """No installation has been set up in this database yet."""


class BundleError(LhtlError):
    """A sync bundle that cannot be read, verified or accepted."""


class DatabaseCorruptError(DatabaseError):
    """The file fails SQLite's integrity check (or is not a database): the window offers a backup to restore."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


class DiskFullError(DatabaseError):
    """The disk filled up during a write; the transaction was rolled back and nothing was saved."""


class UnsafeLocationError(DatabaseError):
    """The database is on removable media or a network share; it must be copied to the local disk."""


class DatabaseBusyError(DatabaseError):
    """Another program (a second window, the command line, a backup tool) holds the database; retried first."""


class DatabaseIOError(DatabaseError):
    """The operating system could not read or write the file (a failing disk, a pulled drive)."""


class DatabaseReadOnlyError(DatabaseError):
    """The file or its folder may not be written (permissions, a read-only medium)."""


class DatabaseCantOpenError(DatabaseError):
    """The file cannot be opened at all (its folder is gone, a name the system refuses)."""
