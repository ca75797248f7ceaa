"""App field maps ({TICKET: {path, fields}}) vs the database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import pgprobe
from pgprobe._errors import InputError
from pgprobe.types import check_field_map, load_field_map

TS_MAP = """\
// app/config/fields.ts: the postmortem's field map
export const DB = {
  TICKET: {
    path: 'tickets',
    fields: { id: 'id', name: 'name', status: 'status', owner: "created_by" },
  },
  ACTIVITY: { path: 'ticket_activity', fields: { id: 'id' } },
  USER: { path: "public.users", fields: { mail: 'email' } },
} as const;
"""


def test_ts_field_map_name_instead_of_title(demo_dsn: str, tmp_path: Path) -> None:
    path = tmp_path / "fields.ts"
    path.write_text(TS_MAP)
    report = check_field_map(path, pgprobe.snapshot(demo_dsn))
    got = {(c.path, c.old, c.hint) for c in report}
    assert got == {
        ("TICKET.fields.name", "name", "did you mean title?"),
        ("ACTIVITY.path", "ticket_activity", "did you mean ticket_activities?"),
    }, report.to_text()
    name = next(c for c in report if c.path == "TICKET.fields.name")
    assert f"{path}:5:31" in (name.note or "")
    assert report.exit_code == 1


@pytest.mark.parametrize("suffix", [".json", ".yml"])
def test_json_and_yaml_maps(demo_dsn: str, tmp_path: Path, suffix: str) -> None:
    data = {"TICKET": {"path": "tickets", "fields": {"id": "id", "name": "name"}},
            "LABEL": {"path": "labels", "fields": {"colour": "color"}}}
    path = tmp_path / f"fields{suffix}"
    if suffix == ".json":
        path.write_text(json.dumps(data))
    else:
        import yaml

        path.write_text(yaml.safe_dump(data))
    report = check_field_map(path, pgprobe.snapshot(demo_dsn))
    assert [(c.path, c.hint) for c in report] == [("TICKET.fields.name", "did you mean title?")]


def test_correct_map_is_same(demo_dsn: str, tmp_path: Path) -> None:
    path = tmp_path / "ok.js"
    path.write_text("module.exports = { T: { path: 'tickets', fields: { t: 'title', s: 'status' } } }\n")
    assert check_field_map(path, pgprobe.snapshot(demo_dsn)).same


def test_no_map_in_file(tmp_path: Path) -> None:
    path = tmp_path / "x.ts"
    path.write_text("export const x = 1\n")
    with pytest.raises(InputError, match="no field map found"):
        load_field_map(path)


def test_malformed_ts_map(tmp_path: Path) -> None:
    path = tmp_path / "x.ts"
    path.write_text("export const M = { T: { path: 'tickets', fields: { id: 'id' } }\n")
    with pytest.raises(InputError, match=r"x\.ts:\d+:\d+: not valid TypeScript"):
        load_field_map(path)


def test_cli_fields_check(demo_dsn: str, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from pgprobe.cli import main

    path = tmp_path / "fields.ts"
    path.write_text(TS_MAP)
    assert main(["fields", "check", str(path), "--dsn", demo_dsn]) == 1
    out = capsys.readouterr().out
    assert "TICKET.fields.name" in out and "did you mean title?" in out


def test_tsx_component_file(demo_dsn: str, tmp_path: Path) -> None:
    path = tmp_path / "TicketList.tsx"
    path.write_text(
        "const MAP = { TICKET: { path: 'tickets', fields: { heading: 'name' } } }\n"
        "export function TicketList() { return <ul>{MAP.TICKET.path}</ul> }\n")
    report = check_field_map(path, pgprobe.snapshot(demo_dsn))
    assert [(c.path, c.hint) for c in report] == [("TICKET.fields.heading", "did you mean title?")]
