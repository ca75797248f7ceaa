"""What a request produces: its statements and PostgREST's answer (the pipeline's output).

>>> r = Result(200, [], body_text="[]")
>>> r
<Result 200 2 bytes>
>>> Result(0, executed=False, write=WriteExplanation("insert", "public.t", "anon"))
<Result not executed: insert on public.t>
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ._sql import Parts, to_composed, to_text


@dataclass
class Statement:
    """One SQL statement: ``composed`` (psycopg.sql, ``$n`` placeholders) and ``params``."""

    parts: Parts

    @property
    def composed(self) -> Any:
        return to_composed(self.parts)[0]

    @property
    def params(self) -> list[Any]:
        return to_composed(self.parts)[1]

    @property
    def text(self) -> str:
        """Readable text with the parameters inlined as literals (for display only)."""
        return to_text(self.parts)

    def __str__(self) -> str:
        return self.text


@dataclass
class WriteExplanation:
    """A write that was explained instead of executed: what it would touch and as whom.

    ``policies``/``grants`` are the row level security policies and privileges of the target
    that apply to ``role`` (and to PUBLIC); ``triggers`` are the enabled triggers that the
    statement would fire.
    """

    kind: str
    target: str
    role: str
    rls_enabled: bool = False
    policies: list[str] = field(default_factory=list)
    grants: list[str] = field(default_factory=list)
    triggers: list[str] = field(default_factory=list)
    reason: str = ""

    def lines(self) -> list[str]:
        """The explanation as short lines for a terminal or a notebook."""
        out = [f"not executed: {self.kind} on {self.target} as role {self.role}"
               + (f" ({self.reason})" if self.reason else "")]
        rls = "on" if self.rls_enabled else "off"
        out.append(f"row level security: {rls}; policies: "
                   + ("; ".join(self.policies) if self.policies else "none"))
        out.append("grants: " + (", ".join(self.grants) if self.grants else
                                 f"none for {self.role} (PostgREST answers 401/403)"))
        out.append("triggers that would fire: " + (", ".join(self.triggers) or "none"))
        return out


@dataclass
class Result:
    """What PostgREST would answer, plus the SQL it would run.

    ``executed`` is False when nothing ran (:func:`explain`, or a write that was explained
    instead: see ``write``). ``schema_cache`` says where the snapshot the request was planned
    with came from: ``"given"`` (passed in), ``"fresh"`` (read now) or ``"cached"`` (reused
    because the catalog fingerprint had not changed). ``notes`` are pgprobe's own remarks (a
    write that ran, a lock timeout), never part of PostgREST's answer.
    """

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    sql: Statement | None = None
    plain_sql: str | None = None
    error: dict[str, Any] | None = None
    body_text: str = ""
    statements: list[Statement] = field(default_factory=list)
    """Every statement of the transaction (tx settings, pre-request, main)."""
    plan: Any = field(default=None, repr=False)
    executed: bool = True
    write: WriteExplanation | None = None
    schema_cache: str = "given"
    notes: list[str] = field(default_factory=list)
    role: str | None = None
    """The database role the request ran (or would run) as."""
    claims: dict[str, Any] = field(default_factory=dict, repr=False)
    """The JWT claims it ran with (``request.jwt.claims``, without ``role``)."""
    empty: list[Any] = field(default_factory=list)
    """Why the answer has no rows, or empty embeds, or a 42501: one
    :class:`pgprobe.postgrest.EmptyReason` per relation that grants or row security hid
    (filled by :func:`pgprobe.postgrest.request` for reads; ``[]`` when nothing was hidden)."""

    def __repr__(self) -> str:
        if self.write is not None and not self.executed:
            return f"<Result not executed: {self.write.kind} on {self.write.target}>"
        what = self.error["code"] if self.error else f"{len(self.body_text)} bytes"
        return f"<Result {self.status} {what}>"
