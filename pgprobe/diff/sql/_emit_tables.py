"""Emitters for relations (tables, partitions, views, materialized views) and columns."""

from __future__ import annotations

from ...catalog._model import Column, Relation
from ._casts import conversion
from ._context import Context
from ._model import Hazard
from ._objects import Obj, nextval_sequences
from ._quote import ident, literal, qualified
from ._security import relation_attributes

_VOLATILE_DEFAULTS = ("random()", "gen_random_uuid()", "uuid_generate", "clock_timestamp()",
                      "nextval(")


def column_sql(c: Column) -> str:
    parts = [ident(c.name), c.type]
    if c.generated:
        parts.append(f"GENERATED ALWAYS AS ({c.generated}) STORED")
    elif c.default is not None:
        parts.append(f"DEFAULT {c.default}")
    if not c.nullable:
        parts.append("NOT NULL")
    if c.identity:
        parts.append(f"GENERATED {'ALWAYS' if c.identity == 'always' else 'BY DEFAULT'} "
                     "AS IDENTITY")
    return " ".join(parts)


def _sequences(rel: Relation, cols: list[Column], ctx: Context) -> list[str]:
    """``CREATE SEQUENCE IF NOT EXISTS`` for the sequences serial-style defaults name (the
    snapshot does not model sequences; the default is what shows they exist)."""
    tokens = []
    for c in cols:
        for seq in nextval_sequences(c.default):
            token = f"seq:{seq}"
            if token not in ctx.sequences:
                ctx.sequences.add(token)
                ctx.emit(f"CREATE SEQUENCE IF NOT EXISTS {qualified(seq)}", seq, "create",
                         kind="sequence", provides=[token],
                         requires=[f"schema:{seq.split('.', 1)[0]}"])
            tokens.append(token)
    return tokens


class Relations:
    @staticmethod
    def create(obj: Obj, ctx: Context) -> None:
        rel: Relation = obj.item
        q = qualified(obj.name)
        needs = ctx.needs(obj)
        if rel.kind in ("view", "materialized_view"):
            what = "VIEW" if rel.kind == "view" else "MATERIALIZED VIEW"
            body = (rel.view_definition or "").strip().rstrip(";")
            ctx.emit(f"CREATE {what} {q} AS\n{body}", obj, "create", provides=[obj.key],
                     requires=needs)
        elif rel.kind == "table" and rel.partition_of:
            ctx.emit(f"CREATE TABLE {q} PARTITION OF {qualified(rel.partition_of)}\n"
                     f"  {rel.partition_bound}", obj, "create", provides=[obj.key],
                     requires=needs)
        elif rel.kind == "table":
            seqs = _sequences(rel, list(rel.columns), ctx)
            cols = ",\n  ".join(column_sql(c) for c in rel.columns)
            ctx.emit(f"CREATE TABLE {q} (\n  {cols}\n)", obj, "create", provides=[obj.key],
                     requires=[*needs, *seqs])
            _own_sequences(rel, list(rel.columns), ctx)
        else:
            ctx.unsupported.append(f"{rel.kind.replace('_', ' ')} {obj.name}: the snapshot "
                                   "does not hold what creating it needs (partition key, server)")
            return
        relation_attributes(None, obj, ctx)

    @staticmethod
    def drop(obj: Obj, ctx: Context) -> None:
        rel: Relation = obj.item
        what = {"view": "VIEW", "materialized_view": "MATERIALIZED VIEW",
                "foreign_table": "FOREIGN TABLE"}.get(rel.kind, "TABLE")
        hazards = []
        if obj.key in ctx.recreated:
            hazards.append(Hazard("breaks_dependents", "dropped and created again (its "
                                  "definition or what it reads changes); grants restored"))
        if what == "TABLE":
            if obj.key not in ctx.recreated and not ctx.options.allow_data_loss:
                ctx.refuse(obj.name, "dropping the table deletes its rows")
                return
            hazards.append(Hazard("data_loss", "every row of the table is deleted"))
        ctx.emit(f"DROP {what} {qualified(obj.name)}", obj, "drop", phase=0,
                 lock="ACCESS EXCLUSIVE", hazards=hazards)

    @staticmethod
    def alter(old: Obj, new: Obj, ctx: Context) -> bool:
        a, b = old.item, new.item
        if a.kind != b.kind or (b.is_view and _norm(a.view_definition) !=
                                _norm(b.view_definition)):
            return False
        if (a.partition_of, a.partition_bound) != (b.partition_of, b.partition_bound):
            q = qualified(new.name)
            if a.partition_of:
                ctx.emit(f"ALTER TABLE {qualified(a.partition_of)} DETACH PARTITION {q}", new,
                         "detach", phase=1, lock="ACCESS EXCLUSIVE")
            if b.partition_of:
                ctx.emit(f"ALTER TABLE {qualified(b.partition_of)} ATTACH PARTITION {q} "
                         f"{b.partition_bound}", new, "attach", lock="SHARE UPDATE EXCLUSIVE",
                         requires=ctx.needs(new), phase=3, hazards=[Hazard(
                             "long_validation", "every row is checked against the bound")])
        relation_attributes(old, new, ctx)
        return True


def _norm(text: str | None) -> str:
    from .._normalize import normalize_sql

    return normalize_sql(text) or ""


def _own_sequences(rel: Relation, cols: list[Column], ctx: Context) -> None:
    for c in cols:
        for seq in nextval_sequences(c.default):
            ctx.emit(f"ALTER SEQUENCE {qualified(seq)} OWNED BY "
                     f"{qualified(rel.qualified_name)}.{ident(c.name)}", seq, "owned by",
                     kind="sequence", requires=[f"rel:{rel.qualified_name}"])


class Columns:
    @staticmethod
    def create(obj: Obj, ctx: Context) -> None:
        c: Column = obj.item
        rel_key = obj.parent or ""
        table = qualified(rel_key[4:])
        seqs = _sequences(ctx.target.table(rel_key[4:]), [c], ctx)
        hazards = []
        existing = ctx.existing_table(rel_key)
        if existing and (c.generated or c.identity or any(
                v in (c.default or "") for v in _VOLATILE_DEFAULTS)):
            hazards.append(Hazard("table_rewrite", "every row gets a value computed now"))
        if existing and not c.nullable and c.default is None and not c.identity \
                and not c.generated:
            hazards.append(Hazard("may_fail", "NOT NULL without a default fails if the table "
                                  "has rows: backfill first"))
        ctx.emit(f"ALTER TABLE {table} ADD COLUMN {column_sql(c)}", obj, "add",
                 lock="ACCESS EXCLUSIVE", hazards=hazards, provides=[obj.key, f"cols:{rel_key[4:]}"],
                 requires=[*ctx.needs(obj), *seqs])
        if c.comment:
            ctx.emit(f"COMMENT ON COLUMN {table}.{ident(c.name)} IS {literal(c.comment)}", obj,
                     "comment", requires=[obj.key])

    @staticmethod
    def drop(obj: Obj, ctx: Context) -> None:
        c: Column = obj.item
        if obj.key not in ctx.recreated and not ctx.options.allow_data_loss and not c.generated:
            ctx.refuse(obj.name, "dropping the column deletes its values")
            return
        hazards = [] if c.generated else [Hazard("data_loss", "the column's values are deleted")]
        ctx.emit(f"ALTER TABLE {qualified((obj.parent or '')[4:])} DROP COLUMN "
                 f"{ident(c.name)}", obj, "drop", phase=0, lock="ACCESS EXCLUSIVE",
                 hazards=hazards)

    @staticmethod
    def alter(old: Obj, new: Obj, ctx: Context) -> bool:
        a, b = old.item, new.item
        if a.generated != b.generated and b.generated:
            return False  # a new or changed generation expression: drop and add again
        table = qualified((new.parent or "")[4:])
        col = f"ALTER TABLE {table} ALTER COLUMN {ident(b.name)}"
        retype = a.type != b.type
        if retype and _no_cast(a, b):
            if ctx.options.allow_data_loss:
                return False
            ctx.refuse(new.name, f"no cast from {a.type} to {b.type}: the column would be "
                       "dropped and added again, losing its values")
            retype = False
        if a.generated and not b.generated:
            ctx.emit(f"{col} DROP EXPRESSION", new, "alter", lock="ACCESS EXCLUSIVE", phase=1)
        if a.identity and not b.identity:
            ctx.emit(f"{col} DROP IDENTITY", new, "alter", lock="ACCESS EXCLUSIVE", phase=1)
        if a.default is not None and (a.default != b.default or retype):
            ctx.emit(f"{col} DROP DEFAULT", new, "alter", lock="ACCESS EXCLUSIVE", phase=1)
        if retype:
            _retype(old, new, col, ctx)
        seqs = _sequences(ctx.target.table((new.parent or "")[4:]), [b], ctx)
        if b.default is not None and (a.default != b.default or retype):
            ctx.emit(f"{col} SET DEFAULT {b.default}", new, "alter", lock="ACCESS EXCLUSIVE",
                     requires=[*ctx.needs(new), *seqs, f"retype:{new.key}"])
        if a.nullable != b.nullable:
            hazards = [] if b.nullable else [
                Hazard("may_fail", "fails if the column holds NULL"),
                Hazard("long_validation", "scans the whole table under ACCESS EXCLUSIVE")]
            ctx.emit(f"{col} {'DROP' if b.nullable else 'SET'} NOT NULL", new, "alter",
                     lock="ACCESS EXCLUSIVE", hazards=hazards, requires=[f"retype:{new.key}"],
                     provides=[f"notnull:{new.key}"])
        if b.identity and a.identity != b.identity:
            how = "ALWAYS" if b.identity == "always" else "BY DEFAULT"
            sql = f"{col} SET GENERATED {how}" if a.identity else \
                f"{col} ADD GENERATED {how} AS IDENTITY"
            ctx.emit(sql, new, "alter", lock="ACCESS EXCLUSIVE",
                     requires=[f"notnull:{new.key}", f"retype:{new.key}"])
        if a.comment != b.comment:
            ctx.emit(f"COMMENT ON COLUMN {table}.{ident(b.name)} IS "
                     f"{'NULL' if b.comment is None else literal(b.comment)}", new, "comment")
        return True


def _user_type(a: Column, b: Column) -> bool:
    return b.type_kind in ("enum", "domain", "composite") or a.type_kind in (
        "enum", "domain", "composite")


def _no_cast(a: Column, b: Column) -> bool:
    return conversion(a.type, b.type, enum=_user_type(a, b))[0] == "none"


def _retype(old: Obj, new: Obj, col: str, ctx: Context) -> None:
    a, b = old.item, new.item
    user_type = _user_type(a, b)
    how, rewrite = conversion(a.type, b.type, enum=user_type)
    via = "::text" if user_type and how == "parse" and not b.type.endswith("[]") else ""
    if via == "" and user_type and b.type.endswith("[]"):
        via = "::text[]"
    hazards = [Hazard("table_rewrite", f"{a.type} -> {b.type} rewrites the table and its "
                      "indexes")] if rewrite else []
    if how == "parse":
        hazards.append(Hazard("may_fail", f"fails if a value does not convert to {b.type}"))
    ctx.emit(f"{col} TYPE {b.type} USING {ident(b.name)}{via}::{b.type}", new, "retype",
             lock="ACCESS EXCLUSIVE", hazards=hazards,
             provides=[f"retype:{new.key}", f"cols:{(new.parent or '')[4:]}"],
             requires=ctx.needs(new))
