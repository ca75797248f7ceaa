"""PostgREST's error bodies: ``{code, message, details, hint}`` and the HTTP status for each.

>>> e = PostgrestError("PGRST116", "Cannot coerce the result to a single JSON object",
...                    "The result contains 0 rows", None, status=406)
>>> e.body
{'code': 'PGRST116', 'message': 'Cannot coerce the result to a single JSON object', 'details': 'The result contains 0 rows', 'hint': None}
"""

from __future__ import annotations

from typing import Any

from pgprobe._errors import PgprobeError


class PostgrestError(PgprobeError):
    """An error exactly as PostgREST reports it (``.body`` is the JSON error object)."""

    def __init__(self, code: str, message: str, details: Any = None, hint: Any = None, *,
                 status: int = 400, headers: dict[str, str] | None = None) -> None:
        self.code = code
        self.pgrst_message = message
        self.details = details
        self.hint_value = hint
        self.status = status
        self.headers = dict(headers or {})
        super().__init__(f"{code}: {message}")

    @property
    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.pgrst_message, "details": self.details,
                "hint": self.hint_value}


def sqlstate_status(code: str, message: str = "", authed: bool = False) -> int:
    """HTTP status PostgREST maps a PostgreSQL SQLSTATE to (``mapSQLtoHTTP``)."""
    exact = {"23503": 409, "23505": 409, "25006": 405, "53400": 500, "57P01": 503,
             "P0001": 400, "42P01": 404, "42P17": 500}
    if code.startswith("08"):
        return 503
    if code.startswith("09"):
        return 500
    if code.startswith(("0L", "0P")):
        return 403
    if code in exact:
        return exact[code]
    if code == "21000":
        return 400 if message.endswith("requires a WHERE clause") else 500
    if code == "22023":
        return 401 if message.startswith("role") and message.endswith("does not exist") else 400
    if code == "42883":
        return 406 if message.startswith("function xmlagg(") else 404
    if code == "42501":
        return 403 if authed else 401
    if code.startswith("PT"):
        try:
            return int(code[2:])
        except ValueError:
            return 500
    prefixes = {"25": 500, "28": 403, "2D": 500, "38": 500, "39": 500, "3B": 500, "40": 500,
                "53": 503, "54": 500, "55": 500, "57": 500, "58": 500, "F0": 500, "HV": 500,
                "P0": 500, "XX": 500}
    return prefixes.get(code[:2], 400)
