"""Catalog snapshots: set-based catalog queries -> one immutable, saveable Snapshot model."""

from ._model import (
    Cast,
    Column,
    CompositeAttribute,
    CompositeType,
    Constraint,
    Domain,
    EnumType,
    Extension,
    Function,
    FunctionArg,
    Grant,
    Index,
    Migration,
    Policy,
    Publication,
    Relation,
    Role,
    Schema,
    Snapshot,
    Trigger,
    ViewColumnSource,
    split_name,
    suggest,
)
from ._reader import SUPABASE_INTERNAL_SCHEMAS, SYSTEM_SCHEMAS, snapshot

__all__ = [
    "Cast", "Column", "CompositeAttribute", "CompositeType", "Constraint", "Domain", "EnumType",
    "Extension", "Function", "FunctionArg", "Grant", "Index", "Migration", "Policy",
    "Publication", "Relation", "Role", "Schema", "Snapshot", "Trigger", "ViewColumnSource",
    "SUPABASE_INTERNAL_SCHEMAS", "SYSTEM_SCHEMAS", "snapshot", "split_name", "suggest",
]
