"""The diff does not import the types package nor the top-level facade (no cycles)."""

from __future__ import annotations

import ast
from pathlib import Path

import pgprobe.diff

DIFF = Path(pgprobe.diff.__file__).resolve().parent


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            dots = "." * node.level
            out += [dots + a.name for a in node.names] if not node.module else \
                [dots + node.module]
        elif isinstance(node, ast.Import):
            out += [a.name for a in node.names]
    return out


def test_diff_never_imports_types_or_the_facade() -> None:
    offenders = []
    for path in DIFF.rglob("*.py"):
        depth = len(path.relative_to(DIFF).parts)  # 1 for diff/x.py, 2 for diff/sql/x.py
        up = "." * (depth + 1)  # the pgprobe package, relatively
        for name in _imports(path):
            if name in ("pgprobe", "pgprobe.types") or name.startswith("pgprobe.types.") \
                    or name == f"{up}types" or name.startswith(f"{up}types."):
                offenders.append(f"{path.relative_to(DIFF)}: {name}")
    assert not offenders, offenders


def test_types_files_are_compared_through_the_registry(tmp_path: Path, demo_snapshot: object
                                                       ) -> None:
    from pgprobe.diff import diff
    from pgprobe.diff._adapters import _REGISTRY

    types_file = tmp_path / "database.types.ts"
    types_file.write_text("export type Database = { public: { Tables: { tickets: { Row: "
                          "{ id: number; name: string }; Relationships: [] } } } }")
    report = diff(str(types_file), demo_snapshot, schemas=["public"])
    assert "types" in _REGISTRY
    assert any("name" in p for p in report.paths())
