"""What every emitter reads and writes while one migration is generated."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ...catalog._model import Snapshot
from ._model import Hazard, Refusal, Statement
from ._objects import Obj
from ._options import MigrationOptions


@dataclass
class Context:
    source: Snapshot
    target: Snapshot
    lobjs: dict[str, Obj]
    robjs: dict[str, Obj]
    options: MigrationOptions
    statements: list[Statement] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    created: set[str] = field(default_factory=set)
    """Keys (target side) created by this migration, recreated ones included."""
    dropped: set[str] = field(default_factory=set)
    """Keys (source side) dropped by this migration, recreated ones included."""
    recreated: set[str] = field(default_factory=set)
    renamed: dict[str, str] = field(default_factory=dict)
    """Source key -> target key of objects renamed in place."""
    sequences: set[str] = field(default_factory=set)

    def emit(self, sql: str, obj: Obj | str, action: str, *, kind: str | None = None,
             lock: str | None = None, hazards: Iterable[Hazard] = (), phase: int = 2,
             provides: Iterable[str] = (), requires: Iterable[str] = (),
             transactional: bool = True) -> Statement:
        name = obj.name if isinstance(obj, Obj) else obj
        okind = kind or (obj.kind if isinstance(obj, Obj) else "")
        hazards = list(hazards)
        if lock == "ACCESS EXCLUSIVE" and isinstance(obj, Obj) and action != "drop":
            table = obj.parent or (obj.key if obj.kind == "rel" else "")
            if self.existing_table(table) and table not in self.created:
                hazards.append(Hazard("access_exclusive", "reads and writes of the table wait "
                                      "until the transaction commits"))
        st = Statement(sql, name, okind, action, lock, hazards, transactional,
                       tuple(provides), tuple(requires), phase)
        self.statements.append(st)
        return st

    def refuse(self, obj: str, reason: str) -> None:
        self.refused.append(Refusal(obj, reason))

    def needs(self, obj: Obj) -> tuple[str, ...]:
        """Tokens a create/alter of ``obj`` waits for: its dependencies made by this migration."""
        deps = [d for d in obj.deps if d != obj.key]
        return (*deps, *(f"cols:{d[4:]}" for d in deps if d.startswith("rel:")))

    def existing_table(self, rel_key: str) -> bool:
        """The relation exists before the migration (so building on it costs locks and time)."""
        return rel_key in self.lobjs and rel_key not in self.dropped
