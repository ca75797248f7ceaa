"""pgprobe's error tree: every error is one line a user can act on.

::

    PgprobeError
     ├── ConnectError        cannot reach / log in / open the database (DSN shown without password)
     ├── ProbeQueryError     a query failed on the server (lock timeout, permission, ...)
     ├── ServerError         a throwaway server could not start or stop
     ├── CatalogError        the catalog could not be read
     ├── NotFoundError       a named object is missing (with close-match suggestions)
     ├── InputError          bad user input (YAML, TS, SQL, request): says where, and a hint
     └── DependencyError     a needed program or package is missing: says how to install it

>>> str(InputError("expected a mapping", where="exp.yml:3:1", hint="indent the table"))
'exp.yml:3:1: expected a mapping (hint: indent the table)'
"""

from __future__ import annotations

from collections.abc import Sequence


class PgprobeError(Exception):
    """Base of all pgprobe errors: ``str(err)`` is one line, with ``where`` and ``hint``."""

    def __init__(self, message: str, *, where: str | None = None, hint: str | None = None) -> None:
        self.message = message
        self.where = where
        self.hint = hint
        super().__init__(self.__str__())

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.hint:
            text += f" (hint: {self.hint})"
        return " ".join(text.split("\n"))


class ConnectError(PgprobeError):
    pass


class ProbeQueryError(PgprobeError):
    def __init__(self, message: str, *, sqlstate: str | None = None, **kw: str | None) -> None:
        self.sqlstate = sqlstate
        super().__init__(message, **kw)


class ServerError(PgprobeError):
    pass


class CatalogError(PgprobeError):
    pass


class NotFoundError(PgprobeError, LookupError):
    def __init__(self, message: str, *, suggestions: Sequence[str] = (), **kw: str | None) -> None:
        self.suggestions = list(suggestions)
        super().__init__(message, **kw)


class InputError(PgprobeError, ValueError):
    pass


class DependencyError(PgprobeError):
    pass
