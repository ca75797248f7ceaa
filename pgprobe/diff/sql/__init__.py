"""Migration SQL from a diff: ``report.to_sql()`` -> :class:`Migration`, proven in a scratch
database with ``migration.prove()``.

>>> from pgprobe.catalog._model import Relation, Snapshot
>>> from pgprobe.diff import diff
>>> a = Snapshot(relations=(Relation("public", "t", "table"),))
>>> b = Snapshot(relations=(Relation("public", "t", "table", rls_enabled=True),))
>>> print(diff(a, b).to_sql().statements[0].sql)
ALTER TABLE "public"."t" ENABLE ROW LEVEL SECURITY
"""

from ._generate import generate
from ._model import HAZARD_KINDS, Hazard, Migration, Refusal, Statement
from ._options import MigrationOptions
from ._prove import Proof, prove

__all__ = ["HAZARD_KINDS", "Hazard", "Migration", "MigrationOptions", "Proof", "Refusal",
           "Statement", "generate", "prove"]
