"""PGRST200 / PGRST201: the errors PostgREST returns when an embed cannot be resolved.

Bodies are built exactly as PostgREST builds them (``code``, ``message``, ``details``,
``hint``), including the fuzzy "Perhaps you meant" hint of PGRST200.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._errors import PgprobeError
from ._model import AnyRelationship, Relationship


class EmbedError(PgprobeError):
    """An embed PostgREST would reject, carrying its exact JSON error body and status.

    >>> err = EmbedError("PGRST200", "Could not find a relationship between 'a' and 'b' in the schema cache",
    ...                  details="Searched ...", hint=None, status=400)
    >>> err.to_json()["code"], err.status
    ('PGRST200', 400)
    """

    def __init__(self, code: str, message: str, *, details: Any = None, hint: str | None = None,
                 status: int = 400, origin: str = "", target: str = "",
                 embed_hint: str | None = None, schema: str = "",
                 candidates: Sequence[AnyRelationship] = ()) -> None:
        self.code = code
        self.details = details
        self.status = status
        self.origin = origin
        self.target = target
        self.embed_hint = embed_hint
        self.schema = schema
        self.candidates = list(candidates)
        super().__init__(message, hint=hint)

    def __str__(self) -> str:
        text = f"{self.code}: {self.message}"
        if isinstance(self.details, str):
            text += f". {self.details}"
        if self.hint:
            text += f" (hint: {self.hint})"
        return " ".join(text.split("\n"))

    def to_json(self) -> dict[str, Any]:
        """The response body PostgREST sends (``client-error-verbosity=verbose``)."""
        return {"code": self.code, "details": self.details, "hint": self.hint,
                "message": self.message}

    @property
    def headers(self) -> dict[str, str]:
        return {"Proxy-Status": f"PostgREST; error={self.code}"}


def no_relationship(origin: str, target: str, hint: str | None, schema: str,
                    fuzzy_hint: str | None) -> EmbedError:
    """PGRST200, HTTP 400."""
    using = f"' using the hint '{hint}" if hint is not None else ""
    return EmbedError(
        "PGRST200",
        f"Could not find a relationship between '{origin}' and '{target}' in the schema cache",
        details=(f"Searched for a foreign key relationship between '{origin}' and '{target}"
                 f"{using}' in the schema '{schema}', but no matches were found."),
        hint=fuzzy_hint, status=400, origin=origin, target=target, embed_hint=hint,
        schema=schema,
    )


def ambiguous(origin: str, target: str, rels: Sequence[AnyRelationship], schema: str = "",
              hint: str | None = None) -> EmbedError:
    """PGRST201, HTTP 300: every candidate in ``details``, every ``table!hint`` in ``hint``."""
    options = ", ".join(f"'{r.embed_hint}'" if isinstance(r, Relationship) else "" for r in rels)
    return EmbedError(
        "PGRST201",
        f"Could not embed because more than one relationship was found for '{origin}' and '{target}'",
        details=[r.details() for r in rels],
        hint=(f"Try changing '{target}' to one of the following: {options}. "
              "Find the desired relationship in the 'details' key."),
        status=300, origin=origin, target=target, embed_hint=hint, schema=schema,
        candidates=rels,
    )
