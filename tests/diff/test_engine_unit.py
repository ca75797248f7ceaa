"""The diff engine on hand-built Snapshots: one case per object kind and attribute."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from pgprobe.catalog._model import (
    Column,
    Constraint,
    Domain,
    EnumType,
    Function,
    FunctionArg,
    Grant,
    Index,
    Policy,
    Publication,
    Relation,
    Snapshot,
    Trigger,
)
from pgprobe.diff import Change, DiffReport, diff, diff_snapshots


def base() -> Snapshot:
    users = Relation(
        "public", "users", "table",
        columns=(Column("id", 1, "uuid", "uuid", nullable=False),
                 Column("email", 2, "text", "text")),
        constraints=(Constraint("users_pkey", "primary", ("id",), "PRIMARY KEY (id)"),),
    )
    tickets = Relation(
        "public", "tickets", "table",
        columns=(
            Column("id", 1, "uuid", "uuid", nullable=False, default="gen_random_uuid()"),
            Column("title", 2, "text", "text", nullable=False),
            Column("status", 3, "ticket_status", "ticket_status", type_schema="public",
                   type_kind="enum", default="'open'::ticket_status"),
            Column("created_by", 4, "uuid", "uuid"),
        ),
        constraints=(
            Constraint("tickets_pkey", "primary", ("id",), "PRIMARY KEY (id)"),
            Constraint("tickets_created_by_fkey", "foreign", ("created_by",),
                       "FOREIGN KEY (created_by) REFERENCES users(id)", "public", "users",
                       ("id",), on_delete="no action", on_update="no action"),
            Constraint("tickets_title_check", "check", (), "CHECK ((length(title) > 0))"),
        ),
        indexes=(Index("tickets_status_idx", ("status",),
                       "CREATE INDEX tickets_status_idx ON public.tickets USING btree (status)"),),
        triggers=(Trigger("touch", "before", ("update",), "row", "public.touch",
                          "CREATE TRIGGER touch BEFORE UPDATE ON public.tickets FOR EACH ROW "
                          "EXECUTE FUNCTION touch()"),),
        policies=(Policy("tickets_read", "select", True, ("authenticated",),
                         "(auth.uid() = created_by)"),),
        grants=(Grant("authenticated", "SELECT"), Grant("anon", "SELECT")),
        rls_enabled=True,
    )
    return Snapshot(
        relations=(users, tickets),
        enums=(EnumType("public", "ticket_status", ("open", "closed")),),
        domains=(Domain("public", "email", "text"),),
        functions=(Function("public", "touch", "", (), "trigger", language="plpgsql",
                            definition="begin new.updated_at = now(); return new; end"),
                   Function("public", "open_tickets", "p_user uuid",
                            (FunctionArg("p_user", "uuid"),), "tickets", returns_set=True,
                            grants=(Grant("authenticated", "EXECUTE"),))),
        publications=(Publication("supabase_realtime", tables=("public.tickets",)),),
    )


def edit_rel(snap: Snapshot, name: str, **changes: Any) -> Snapshot:
    rels = tuple(replace(r, **changes) if r.qualified_name == name else r for r in snap.relations)
    return replace(snap, relations=rels)


def tickets(snap: Snapshot) -> Relation:
    return snap.table("public.tickets")


def test_same_snapshot_is_same() -> None:
    r = diff_snapshots(base(), base())
    assert r.same and r.exit_code == 0 and not r and len(r) == 0


def _cols(snap: Snapshot, **by_name: dict[str, Any]) -> tuple[Column, ...]:
    return tuple(replace(c, **by_name[c.name]) if c.name in by_name else c
                 for c in tickets(snap).columns)


CASES = [
    # (description, mutate(snap) -> snap, expected (change, object_kind, path, old, new))
    ("column type", lambda s: edit_rel(s, "public.tickets", columns=_cols(
        s, title={"type": "character varying(20)"})),
     ("changed", "column", "public.tickets.columns.title.type", "text", "character varying(20)")),
    ("column nullability", lambda s: edit_rel(s, "public.tickets", columns=_cols(
        s, created_by={"nullable": False})),
     ("changed", "column", "public.tickets.columns.created_by.nullable", True, False)),
    ("column default", lambda s: edit_rel(s, "public.tickets", columns=_cols(
        s, status={"default": "'closed'::ticket_status"})),
     ("changed", "column", "public.tickets.columns.status.default",
      "'open'::ticket_status", "'closed'::ticket_status")),
    ("column identity", lambda s: edit_rel(s, "public.tickets", columns=_cols(
        s, id={"identity": "always"})),
     ("changed", "column", "public.tickets.columns.id.identity", None, "always")),
    ("column generated", lambda s: edit_rel(s, "public.tickets", columns=_cols(
        s, title={"generated": "upper(email)"})),
     ("changed", "column", "public.tickets.columns.title.generated", None, "upper(email)")),
    ("column renamed", lambda s: edit_rel(s, "public.tickets", columns=_cols(
        s, title={"name": "name"})),
     ("changed", "column", "public.tickets.columns.title", "title", "name")),
    ("column dropped", lambda s: edit_rel(s, "public.tickets", columns=tickets(s).columns[:3]),
     ("removed", "column", "public.tickets.columns.created_by", "uuid", None)),
    ("rls disabled", lambda s: edit_rel(s, "public.tickets", rls_enabled=False),
     ("changed", "rls", "public.tickets.rls.enabled", True, False)),
    ("rls forced", lambda s: edit_rel(s, "public.tickets", rls_forced=True),
     ("changed", "rls", "public.tickets.rls.forced", False, True)),
    ("fk dropped", lambda s: edit_rel(s, "public.tickets", constraints=tickets(s).constraints[::2]),
     ("removed", "constraint", "public.tickets.constraints.tickets_created_by_fkey",
      "foreign (created_by) -> public.users(id)", None)),
    ("fk renamed", lambda s: edit_rel(s, "public.tickets", constraints=(
        tickets(s).constraints[0], replace(tickets(s).constraints[1], name="t_created_by_fkey"),
        tickets(s).constraints[2])),
     ("changed", "constraint", "public.tickets.constraints.tickets_created_by_fkey",
      "tickets_created_by_fkey", "t_created_by_fkey")),
    ("fk target", lambda s: edit_rel(s, "public.tickets", constraints=(
        tickets(s).constraints[0], replace(tickets(s).constraints[1], ref_table="people"),
        tickets(s).constraints[2])),
     ("changed", "constraint", "public.tickets.constraints.tickets_created_by_fkey.references",
      "public.users", "public.people")),
    ("fk on delete", lambda s: edit_rel(s, "public.tickets", constraints=(
        tickets(s).constraints[0], replace(tickets(s).constraints[1], on_delete="cascade"),
        tickets(s).constraints[2])),
     ("changed", "constraint", "public.tickets.constraints.tickets_created_by_fkey.on_delete",
      "no action", "cascade")),
    ("check changed", lambda s: edit_rel(s, "public.tickets", constraints=(
        *tickets(s).constraints[:2],
        replace(tickets(s).constraints[2], definition="CHECK ((length(title) > 3))"))),
     ("changed", "constraint", "public.tickets.constraints.tickets_title_check.definition",
      "CHECK ((length(title) > 0))", "CHECK ((length(title) > 3))")),
    ("index unique", lambda s: edit_rel(s, "public.tickets", indexes=(
        replace(tickets(s).indexes[0], unique=True),)),
     ("changed", "index", "public.tickets.indexes.tickets_status_idx.unique", False, True)),
    ("index dropped", lambda s: edit_rel(s, "public.tickets", indexes=()),
     ("removed", "index", "public.tickets.indexes.tickets_status_idx",
      "CREATE INDEX tickets_status_idx ON public.tickets USING btree (status)", None)),
    ("trigger events", lambda s: edit_rel(s, "public.tickets", triggers=(
        replace(tickets(s).triggers[0], events=("insert", "update")),)),
     ("changed", "trigger", "public.tickets.triggers.touch.events", ("update",),
      ("insert", "update"))),
    ("policy roles", lambda s: edit_rel(s, "public.tickets", policies=(
        replace(tickets(s).policies[0], roles=("anon", "authenticated")),)),
     ("changed", "policy", "public.tickets.policies.tickets_read.roles", ("authenticated",),
      ("anon", "authenticated"))),
    ("policy using", lambda s: edit_rel(s, "public.tickets", policies=(
        replace(tickets(s).policies[0], using="(auth.uid() <> created_by)"),)),
     ("changed", "policy", "public.tickets.policies.tickets_read.using",
      "(auth.uid() = created_by)", "(auth.uid() <> created_by)")),
    ("grant revoked", lambda s: edit_rel(s, "public.tickets", grants=tickets(s).grants[:1]),
     ("removed", "grant", "public.tickets.grants.anon.SELECT", "SELECT to anon", None)),
    ("column grant", lambda s: edit_rel(s, "public.tickets", grants=(
        *tickets(s).grants, Grant("anon", "UPDATE", column="title"))),
     ("added", "grant", "public.tickets.grants.anon.UPDATE.title", None,
      "UPDATE to anon on column title")),
    ("table dropped", lambda s: replace(s, relations=s.relations[:1]),
     ("removed", "table", "public.tickets", "table", None)),
    ("enum label added", lambda s: replace(s, enums=(
        EnumType("public", "ticket_status", ("open", "closed", "archived")),)),
     ("changed", "enum", "public.ticket_status.labels", ("open", "closed"),
      ("open", "closed", "archived"))),
    ("enum dropped", lambda s: replace(s, enums=()),
     ("removed", "enum", "public.ticket_status", ("open", "closed"), None)),
    ("domain base type", lambda s: replace(s, domains=(Domain("public", "email", "citext"),)),
     ("changed", "domain", "public.email.base_type", "text", "citext")),
    ("function returns", lambda s: replace(s, functions=(
        s.functions[0], replace(s.functions[1], return_type="users"))),
     ("changed", "function", "public.open_tickets(p_user uuid).return_type", "tickets", "users")),
    ("function security definer", lambda s: replace(s, functions=(
        replace(s.functions[0], security_definer=True), s.functions[1])),
     ("changed", "function", "public.touch().security_definer", False, True)),
    ("function body", lambda s: replace(s, functions=(
        replace(s.functions[0], definition="begin return new; end"), s.functions[1])),
     ("changed", "function", "public.touch().definition",
      "begin new.updated_at = now(); return new; end", "begin return new; end")),
    ("function grant", lambda s: replace(s, functions=(
        s.functions[0], replace(s.functions[1], grants=()))),
     ("removed", "grant", "public.open_tickets(p_user uuid).grants.authenticated.EXECUTE",
      "EXECUTE to authenticated", None)),
    ("publication member removed", lambda s: replace(s, publications=(
        Publication("supabase_realtime"),)),
     ("removed", "publication", "publications.supabase_realtime.tables.public.tickets",
      "public.tickets", None)),
]


@pytest.mark.parametrize("what, mutate, expected", CASES, ids=[c[0] for c in CASES])
def test_each_change_shows_up_exactly_once(what: str, mutate, expected) -> None:  # type: ignore[no-untyped-def]
    report = diff_snapshots(base(), mutate(base()), "before", "after")
    got = [(c.change, c.object_kind, c.path, c.old, c.new) for c in report]
    assert got == [expected], report.to_text()
    assert report.exit_code == 1


def test_formatting_does_not_count() -> None:
    a = base()
    b = edit_rel(a, "public.tickets", policies=(
        replace(tickets(a).policies[0], using="auth.uid()   =created_by"),),
        columns=_cols(a, status={"default": "('open'::ticket_status)"}))
    assert diff_snapshots(a, b).same


def test_rename_hint_and_close_match() -> None:
    a = base()
    # a typo'd column appearing and the original disappearing at a different position:
    cols = (*tickets(a).columns[:1], *tickets(a).columns[2:],
            Column("titel", 9, "text", "text"))
    r = diff_snapshots(a, edit_rel(a, "public.tickets", columns=cols))
    removed = r.filter(change="removed")
    assert removed.paths() == ["public.tickets.columns.title"]
    assert removed[0].hint == "did you mean titel?"
    assert r.filter(change="added").paths() == ["public.tickets.columns.titel"]


def test_schemas_include_exclude() -> None:
    a = base()
    b = edit_rel(a, "public.tickets", rls_enabled=False)
    assert diff_snapshots(a, b, schemas=["other"]).same
    assert diff_snapshots(a, b, exclude={"rls"}).same
    assert diff_snapshots(a, b, include={"rls"}).paths() == ["public.tickets.rls.enabled"]


def test_severity_conventions() -> None:
    a = base()
    r = diff_snapshots(a, edit_rel(a, "public.tickets", rls_enabled=False))
    assert r[0].severity == "error"
    r = diff_snapshots(a, replace(a, enums=(EnumType("public", "ticket_status",
                                                     ("open", "closed", "x")),)))
    assert r[0].severity == "info"
    r = diff_snapshots(a, replace(a, enums=(EnumType("public", "ticket_status", ("closed",)),)))
    assert r[0].severity == "error"


def test_diff_accepts_saved_snapshot_files(tmp_path) -> None:  # type: ignore[no-untyped-def]
    a, b = base(), edit_rel(base(), "public.tickets", rls_enabled=False)
    a.save(str(tmp_path / "a.json"))
    b.save(str(tmp_path / "b.json"))
    r = diff(str(tmp_path / "a.json"), tmp_path / "b.json")
    assert r.paths() == ["public.tickets.rls.enabled"]
    assert (r.left_label, r.right_label) == ("a.json", "b.json")


def test_report_renderings_roundtrip() -> None:
    a = base()
    r = diff_snapshots(a, edit_rel(a, "public.tickets", rls_enabled=False,
                                   policies=()), "prod", "local")
    assert DiffReport.from_json(r.to_json()) == r
    text = r.to_text()
    assert text.splitlines()[0] == "prod -> local: 2 differences (1 error, 1 warning)"
    assert "| changed | `public.tickets.rls.enabled` | rls | True | False | error |" in r.to_markdown()
    frame = r.to_frame()
    assert list(frame["path"]) == r.paths()
    html = r._repr_html_()
    assert "<table" in html and "public.tickets.policies.tickets_read" in html
    assert r.filter(severity="error").paths() == ["public.tickets.rls.enabled"]


def test_change_validates_fields() -> None:
    with pytest.raises(ValueError):
        Change("renamed", "column", "x")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Change("added", "column", "x", severity="fatal")  # type: ignore[arg-type]


def test_file_fast_path_equals_full_diff_and_falls_back(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from pgprobe.diff._fast import _split_relations

    a = base()
    b = edit_rel(a, "public.tickets", rls_enabled=False,
                 columns=_cols(a, title={"name": "name"}))
    b = replace(b, enums=(EnumType("public", "ticket_status", ("open", "closed", "x")),))
    pa, pb = tmp_path / "a.json", tmp_path / "b.json"
    a.save(str(pa))
    b.save(str(pb))
    assert _split_relations(pa.read_bytes()) is not None   # the layout the fast path expects
    full = diff_snapshots(a, b, "a.json", "b.json")
    assert diff(str(pa), str(pb)).changes == full.changes
    # another layout (compact JSON written by some other tool): parsed in full, same answer
    compact = tmp_path / "b-compact.json"
    compact.write_text(json.dumps(b.to_dict()))
    assert _split_relations(compact.read_bytes()) is None
    assert diff(str(pa), str(compact)).changes == full.changes
    # identical files: same
    assert diff(str(pa), str(pa)).same


def test_bad_snapshot_file_is_one_line_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from pgprobe import InputError

    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    base().save(str(good))
    bad.write_text("{not json")
    with pytest.raises(InputError, match=r"bad\.json: not a pgprobe snapshot file"):
        diff(str(good), str(bad))
    with pytest.raises(InputError, match="no such file"):
        diff(str(good), str(tmp_path / "missing.json"))


def test_cli_unreachable_database_is_one_line_without_password() -> None:
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "pgprobe.diff._cli", "diff",
         "postgresql://u:s3cret@127.0.0.1:1/a", "postgresql://u:s3cret@127.0.0.1:1/b"],
        capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("pgprobe: error: cannot connect to ")
    assert "s3cret" not in out.stderr + out.stdout
