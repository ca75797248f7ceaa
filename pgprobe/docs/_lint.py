"""``docs lint``: the tables, columns (and optionally functions, types) without a comment, as
tbls' ``requireTableComment`` / ``requireColumnComment``. Database comments are the prose of
the docs, so a missing one is a gap in them.

>>> from pgprobe.catalog._model import Column, Relation, Snapshot
>>> snap = Snapshot(relations=(Relation("public", "t", "table", comment="Things.",
...     columns=(Column("id", 1, "int", "int4"), Column("created_at", 2, "date", "date"))),))
>>> [f.name for f in lint_comments(snap, exclude=["*.created_at"])]
['public.t.id']
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .._errors import InputError
from ..catalog._model import Snapshot
from ._context import Context
from ._inline import sql_name

REQUIREMENTS = ("tables", "columns", "functions", "types")
DEFAULT_REQUIRE = ("tables", "columns")


@dataclass(frozen=True)
class MissingComment:
    kind: str
    """``table``, ``view``, ``column``, ``function``, ``enum``."""
    name: str
    sql: str = ""
    """The object as SQL names it (identifiers quoted where needed)."""

    @property
    def fix(self) -> str:
        keyword = {"table": "TABLE", "view": "VIEW", "column": "COLUMN", "function": "FUNCTION",
                   "enum": "TYPE"}[self.kind]
        return f"COMMENT ON {keyword} {self.sql or self.name} IS '...';"


@dataclass(frozen=True)
class LintConfig:
    """What ``docs lint`` requires, from a YAML file (the ``lint`` key of ``.pgprobe-docs.yml``)::

        lint:
          require: [tables, columns]      # also: functions, types
          exclude: ["*.created_at", "public.*_log"]

    >>> LintConfig.from_text("lint: {require: [tables], exclude: ['*.id']}")
    LintConfig(require=('tables',), exclude=('*.id',))
    """

    require: tuple[str, ...] = DEFAULT_REQUIRE
    exclude: tuple[str, ...] = ()

    @classmethod
    def from_text(cls, text: str, where: str = "lint config") -> LintConfig:
        import yaml

        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            raise InputError(f"{where}: not valid YAML ({exc})") from None
        section = data.get("lint", data) if isinstance(data, dict) else None
        if not isinstance(section, dict):
            raise InputError(f"{where}: expected a mapping with require and exclude",
                             hint="lint: {require: [tables, columns], exclude: ['*.created_at']}")
        require = section.get("require", list(DEFAULT_REQUIRE))
        exclude = section.get("exclude", [])
        if not all(isinstance(v, list) and all(isinstance(x, str) for x in v)
                   for v in (require, exclude)):
            raise InputError(f"{where}: require and exclude must be lists of strings")
        return cls(tuple(require), tuple(exclude))

    @classmethod
    def load(cls, path: str) -> LintConfig:
        try:
            text = open(path, encoding="utf-8").read()  # noqa: SIM115 - read at once
        except OSError as exc:
            raise InputError(f"cannot read lint config {path}: {exc.strerror}") from None
        return cls.from_text(text, path)


def _excluded(name: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, p) for p in patterns)


def lint_comments(snapshot: Snapshot, *, schemas: Sequence[str] | None = None,
                  require: Iterable[str] = DEFAULT_REQUIRE,
                  exclude: Sequence[str] = ()) -> list[MissingComment]:
    """Objects without a comment, sorted; ``exclude`` takes globs on ``schema.table`` or
    ``schema.table.column`` (``"public.*_log"``, ``"*.created_at"``)."""
    wanted = set(require)
    unknown = wanted - set(REQUIREMENTS)
    if unknown:
        raise InputError(f"unknown lint requirement {', '.join(sorted(unknown))}",
                         hint=f"choose from {', '.join(REQUIREMENTS)}")
    ctx = Context.build(snapshot, schemas, diagrams=False)
    found: list[MissingComment] = []
    for rel in ctx.relations:
        if _excluded(rel.qualified_name, exclude):
            continue
        if "tables" in wanted and not rel.comment:
            found.append(MissingComment("view" if rel.is_view else "table", rel.qualified_name,
                                        sql_name(rel.schema, rel.name)))
        if "columns" in wanted:
            found += [MissingComment("column", f"{rel.qualified_name}.{c.name}",
                                     sql_name(rel.schema, rel.name, c.name))
                      for c in rel.columns
                      if not c.comment and not _excluded(f"{rel.qualified_name}.{c.name}", exclude)]
    if "functions" in wanted:
        found += [MissingComment("function", f.signature) for _, f in ctx.functions
                  if not f.comment and not _excluded(f.qualified_name, exclude)]
    if "types" in wanted:
        found += [MissingComment("enum", e.qualified_name, sql_name(e.schema, e.name))
                  for e in snapshot.enums
                  if e.schema in ctx.schemas and not e.comment and not e.extension
                  and not _excluded(e.qualified_name, exclude)]
    return found
