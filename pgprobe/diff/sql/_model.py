"""What a generated migration is: ordered statements, each with its object, lock and hazards.

>>> s = Statement("ALTER TABLE t ADD COLUMN a int", "public.t.a", "column", "add",
...               lock="ACCESS EXCLUSIVE")
>>> m = Migration([s], "prod", "declared")
>>> print(m)  # doctest: +NORMALIZE_WHITESPACE
-- pgprobe migration: prod -> declared
-- 1 statement
SET check_function_bodies = off;
<BLANKLINE>
-- lock: ACCESS EXCLUSIVE
ALTER TABLE t ADD COLUMN a int;
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

HazardKind = Literal["table_rewrite", "access_exclusive", "long_validation", "data_loss",
                     "breaks_dependents", "postgrest_embed", "may_fail"]
HAZARD_KINDS: tuple[str, ...] = ("data_loss", "breaks_dependents", "postgrest_embed",
                                 "table_rewrite", "may_fail", "long_validation",
                                 "access_exclusive")


@dataclass(frozen=True)
class Hazard:
    """Something a statement does besides what it says: locks, rewrites, loses data."""

    kind: HazardKind
    message: str

    def __str__(self) -> str:
        return f"{self.kind.replace('_', ' ')}: {self.message}"


@dataclass
class Statement:
    """One SQL statement of a migration.

    ``object`` names what it acts on (``public.tickets.title``), ``kind`` the object kind,
    ``action`` what it does (``create``, ``drop``, ``alter``, ``grant``, ...). ``lock`` is the
    strongest table lock it takes (``None`` when it takes none worth naming).
    ``transactional`` is False for statements that cannot run in a transaction block
    (``CREATE INDEX CONCURRENTLY``).
    """

    sql: str
    object: str
    kind: str
    action: str
    lock: str | None = None
    hazards: list[Hazard] = field(default_factory=list)
    transactional: bool = True
    provides: tuple[str, ...] = ()
    """Dependency tokens this statement makes true (``rel:public.t``, ``gone:func:...``)."""
    requires: tuple[str, ...] = ()
    """Tokens that must be made true first (when some statement of the migration provides them)."""
    phase: int = 1
    """0 drop, 1 create / alter, 2 validate: earlier phases run first."""

    def text(self) -> str:
        """The statement with its hazards and lock as comments above it."""
        lines = [f"-- {h.kind.replace('_', ' ').upper()}: {h.message}" for h in self.hazards]
        if self.lock:
            lines.append(f"-- lock: {self.lock}")
        return "\n".join([*lines, self.sql.rstrip().rstrip(";") + ";"])


@dataclass(frozen=True)
class Refusal:
    """A change the migration does not make, and why (``--allow-data-loss`` to make it)."""

    object: str
    reason: str
    hint: str = "rerun with --allow-data-loss (allow_data_loss=True) to make it anyway"


class Migration:
    """The SQL that turns ``source`` into ``target``: ``str(m)`` is the script.

    ``statements`` in run order; ``refused`` lists changes not made (data loss without
    ``allow_data_loss``); ``unsupported`` differences the generator cannot express from what
    the snapshots hold. ``prove()`` applies it in a scratch database and diffs the result.
    """

    def __init__(self, statements: Iterable[Statement], source_label: str = "source",
                 target_label: str = "target", *, refused: Iterable[Refusal] = (),
                 unsupported: Iterable[str] = (), source: Any = None, target: Any = None,
                 options: Any = None) -> None:
        self.statements: list[Statement] = list(statements)
        self.source_label = source_label
        self.target_label = target_label
        self.refused: list[Refusal] = list(refused)
        self.unsupported: list[str] = list(unsupported)
        self.source = source
        """The source Snapshot (what ``prove`` restores)."""
        self.target = target
        """The target Snapshot (what ``prove`` compares the result with)."""
        self.options = options

    def __iter__(self) -> Iterator[Statement]:
        return iter(self.statements)

    def __len__(self) -> int:
        return len(self.statements)

    def __bool__(self) -> bool:
        return bool(self.statements)

    @property
    def empty(self) -> bool:
        """True when nothing needs to change (and nothing was refused or left out)."""
        return not self.statements and not self.refused and not self.unsupported

    @property
    def exit_code(self) -> int:
        return 0 if self.empty else 1

    @property
    def hazards(self) -> list[tuple[Statement, Hazard]]:
        """Every hazard with its statement, the worst kinds first."""
        pairs = [(s, h) for s in self.statements for h in s.hazards]
        return sorted(pairs, key=lambda p: HAZARD_KINDS.index(p[1].kind))

    @property
    def transactional(self) -> bool:
        """True when the whole script can run in one transaction."""
        return all(s.transactional for s in self.statements)

    def batches(self) -> list[tuple[bool, list[Statement]]]:
        """Consecutive runs of statements: (transactional, statements)."""
        out: list[tuple[bool, list[Statement]]] = []
        for s in self.statements:
            if out and out[-1][0] == s.transactional:
                out[-1][1].append(s)
            else:
                out.append((s.transactional, [s]))
        return out

    def sql(self) -> str:
        """The script: transactional runs wrapped in BEGIN/COMMIT when it has to be split."""
        head = [f"-- pgprobe migration: {self.source_label} -> {self.target_label}",
                f"-- {len(self.statements)} statement{'s' if len(self.statements) != 1 else ''}"]
        head += [f"-- REFUSED {r.object}: {r.reason} ({r.hint})" for r in self.refused]
        head += [f"-- NOT GENERATED: {u}" for u in self.unsupported]
        body: list[str] = ["SET check_function_bodies = off;"]
        split = not self.transactional
        for transactional, group in self.batches():
            if split and transactional:
                body.append("BEGIN;")
            body += [s.text() for s in group]
            if split and transactional:
                body.append("COMMIT;")
        return "\n".join(head) + "\n" + "\n\n".join(body) + "\n"

    def __str__(self) -> str:
        return self.sql()

    def __repr__(self) -> str:
        return (f"<Migration {self.source_label} -> {self.target_label}: "
                f"{len(self.statements)} statements, {len(self.hazards)} hazards, "
                f"{len(self.refused)} refused>")

    def prove(self, **kwargs: Any) -> Any:
        """Apply in a scratch database and diff against the target (see :func:`prove`)."""
        from ._prove import prove

        return prove(self, **kwargs)

    def save(self, path: Any) -> None:
        from pathlib import Path

        Path(path).write_text(self.sql())

    def _repr_html_(self) -> str:
        from ._html import migration_html

        return migration_html(self)

    def to_frame(self) -> Any:
        import pandas as pd

        return pd.DataFrame([{"object": s.object, "kind": s.kind, "action": s.action,
                              "lock": s.lock or "", "hazards": "; ".join(map(str, s.hazards)),
                              "sql": s.sql} for s in self.statements])


def esc(text: str) -> str:
    return html.escape(text, quote=True)
