"""Saved snapshots: deterministic JSON and a faithful round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgprobe import InputError, Snapshot
from pgprobe.catalog import snapshot


def test_round_trip_equal(demo_snapshot: Snapshot, tmp_path: Path) -> None:
    path = tmp_path / "snap.json"
    demo_snapshot.save(str(path))
    loaded = Snapshot.load(str(path))
    assert loaded == demo_snapshot
    assert loaded.table("public.tickets").column("title") == \
        demo_snapshot.table("public.tickets").column("title")


def test_same_database_same_bytes(demo_dsn: str, tmp_path: Path) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    snapshot(demo_dsn).save(str(a))
    snapshot(demo_dsn).save(str(b))
    assert a.read_bytes() == b.read_bytes()
    data = json.loads(a.read_text())
    assert data["format"] == "pgprobe.snapshot" and data["version"] == 1


@pytest.mark.parametrize("content, message", [
    ("{not json", "invalid JSON"),
    ('{"format": "something else"}', "not a pgprobe snapshot file"),
    ("[1, 2]", "not a pgprobe snapshot file"),
])
def test_bad_files_are_one_line_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(InputError, match=message) as err:
        Snapshot.load(str(path))
    assert "\n" not in str(err.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no snapshot file"):
        Snapshot.load(str(tmp_path / "nope.json"))
