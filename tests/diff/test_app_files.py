"""diff() routes TypeScript types files and app field maps to pgprobe.types."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from pgprobe.catalog import Snapshot
from pgprobe.diff import diff
from pgprobe.diff._sources import classify

types = pytest.importorskip("pgprobe.types")


def test_stale_types_file_against_changed_database(tmp_path: Path, demo_snapshot: Snapshot,
                                                   scratch_demo_dsn: str) -> None:
    ts = tmp_path / "database.types.ts"
    ts.write_text(types.generate(demo_snapshot, ["public"]))
    assert classify(str(ts)) == "types"
    assert diff(str(ts), demo_snapshot).same
    with psycopg.connect(scratch_demo_dsn, autocommit=True) as conn:
        conn.execute("alter table public.tickets rename column title to name")
    report = diff(str(ts), scratch_demo_dsn)
    assert not report.same
    assert any("tickets" in c.path and "title" in c.path for c in report), report.to_text()
    assert report.right_label.startswith("postgresql://")
    # either order
    assert diff(scratch_demo_dsn, str(ts)).paths() == report.paths()


@pytest.mark.parametrize("name, text", [
    ("fields.ts", "export const F = { TICKET: { path: 'tickets', fields: "
                  "{ id: 'id', name: 'name' } } }\n"),
    ("fields.yml", "TICKET:\n  path: tickets\n  fields: {id: id, name: name}\n"),
    ("fields.json", '{"TICKET": {"path": "tickets", "fields": {"id": "id", "name": "name"}}}'),
])
def test_field_map_against_database(tmp_path: Path, demo_snapshot: Snapshot, name: str,
                                    text: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    assert classify(str(path)) == "fieldmap"
    report = diff(str(path), demo_snapshot)
    assert len(report) == 1, report.to_text()
    assert report[0].hint == "did you mean title?"
