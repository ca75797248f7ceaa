"""Entity-relationship diagrams of a Snapshot, drawn with Graphviz.

Four views answer "how do these tables relate?": the whole schema, a focus on one
table and its neighbours, every FK join path between two tables, and a diff
between two snapshots.

>>> from pgprobe.catalog._model import Relation, Snapshot
>>> g = erd(Snapshot(relations=(Relation("public", "users", "table"),)))
>>> g.source.startswith("digraph erd {")
True
"""

from ._dot import ColumnsMode, rls_status
from ._erd import DEFAULT_MAX_DETAILED, DEFAULT_MAX_NODES, Erd, ErdWarning, erd
from ._links import FkEdge, Junction, Links
from ._paths import FkPath, PathStep, paths_between

__all__ = [
    "DEFAULT_MAX_DETAILED",
    "DEFAULT_MAX_NODES",
    "ColumnsMode",
    "Erd",
    "ErdWarning",
    "FkEdge",
    "FkPath",
    "Junction",
    "Links",
    "PathStep",
    "erd",
    "paths_between",
    "rls_status",
]
