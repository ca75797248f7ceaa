"""The registry of lint rules (one small visitor class each, grouped in ``_rules_*.py``).

>>> [cls.id for cls in RULE_CLASSES][:3]
['use-before-create', 'non-idempotent', 'duplicate-create']
"""

from __future__ import annotations

from ._context import Context, Rule, created_object, iter_nodes
from ._rules_ops import (
    BadFilename,
    CheckSubquery,
    DuplicateVersion,
    IndexNotConcurrent,
    NotInTransaction,
    NotNullWithoutDefault,
    TableRewrite,
    VersionOrder,
)
from ._rules_ordering import (
    DropTypeWithoutCascade,
    DuplicateCreate,
    EnumValueSameTransaction,
    NonIdempotent,
    UseBeforeCreate,
)
from ._rules_safety import (
    ErrorSwallowed,
    GuardByNameOnly,
    GuardNameMismatch,
    RlsMissing,
    RlsWithoutPolicy,
    ViewBypassesRls,
)

RULE_CLASSES: tuple[type[Rule], ...] = (
    UseBeforeCreate, NonIdempotent, DuplicateCreate, DropTypeWithoutCascade,
    EnumValueSameTransaction, ErrorSwallowed,
    GuardByNameOnly, RlsMissing, RlsWithoutPolicy, ViewBypassesRls, NotNullWithoutDefault,
    IndexNotConcurrent, TableRewrite, NotInTransaction, DuplicateVersion, VersionOrder,
    BadFilename, CheckSubquery, GuardNameMismatch,
)

__all__ = ["RULE_CLASSES", "Context", "Rule", "created_object", "iter_nodes"]
