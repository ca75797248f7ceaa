"""Write the investigation notebooks from code, so they stay reviewable and stored without outputs.

    python notebooks/build.py           # (re)write notebooks/*.ipynb
    python notebooks/build.py --check   # exit 1 if a stored notebook differs from this script
    python notebooks/build.py --pins [DSN]  # re-pin NN-name.snapshot.json from the demo (or DSN)

Every notebook starts with one papermill ``parameters`` cell (DSN, PIN, REPLAY): it runs on the
embedded demo database as is, on any database with ``-p DSN ...`` (better: leave ``DSN = None``
and export ``PGPROBE_DSN`` so no password is written into the notebook), and replays its pinned
snapshot when the database is gone.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

Cell = nbformat.NotebookNode


def md(text: str) -> Cell:
    return new_markdown_cell(text.strip("\n"))


def code(text: str, *tags: str) -> Cell:
    cell = new_code_cell(text.strip("\n"))
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def parameters(stem: str, extra: str = "") -> Cell:
    return code(f'''
# Parameters (papermill: -p DSN ... -p PIN ... -p REPLAY True)
DSN = "demo"      # "demo": the embedded demo database; None: PGPROBE_DSN, DATABASE_URL,
                  # SUPABASE_DB_URL, then libpq's environment (keeps passwords out of the notebook)
PIN = "{stem}.snapshot.json"  # the investigated snapshot, pinned beside this notebook
REPLAY = False    # True: investigate the pinned snapshot even when the database is reachable
{extra}'''.rstrip() + "\n", "parameters")


SETUP = code('''
%load_ext pgprobe
import pandas as pd
import pgprobe
import pgprobe.notebook as pn

session = pn.connect(DSN, pin=PIN, replay=REPLAY)   # shows where we are, never a password
snap = session.snap
''')

REPLAY_NOTE = md('''
> **Replayable.** The first live run pins the snapshot it investigated next to this notebook
> (`PIN`). When the database is gone (or with `REPLAY = True`) the notebook re-runs against that
> file: everything that reads the snapshot (tables, ERD, relationships, PostgREST SQL) still
> works, and the cells that need a live database say so instead of failing.
''')


def onboarding() -> list[Cell]:
    return [
        md('''
# 01 · Onboarding: a newcomer's tour of a database

What is in this database, how the tables relate, how to ask for related rows through the API
(PostgREST / Supabase), and which rows each role can see. Run it top to bottom; nothing here
writes to the database (pgprobe sessions are read-only and time-limited).
'''),
        parameters("01-onboarding"),
        REPLAY_NOTE,
        SETUP,
        md('''
## 1. What is there

One snapshot of the catalog: schemas, tables and views with their columns, constraints,
indexes, policies and grants. Everything below reads this snapshot.
'''),
        code('%pgprobe snapshot'),
        code('''
# the same as DataFrames, for your own questions
relations = pd.DataFrame([
    {"relation": r.qualified_name, "kind": r.kind, "columns": len(r.columns),
     "foreign keys": len(r.foreign_keys), "rls": r.rls_enabled, "comment": r.comment}
    for r in snap.relations
])
relations
'''),
        md('''
## 2. How the tables relate

Every foreign key is an edge labelled with its constraint name. Where two tables are joined
by more than one foreign key the pair is highlighted: the API then needs a hint to know which
one you mean.
'''),
        code('%pgprobe erd'),
        code('''
FOCUS = "tickets" if snap.has_table("public.tickets") else snap.relations[0].qualified_name
%pgprobe erd $FOCUS --depth 2
'''),
        md('''
## 3. Relationships and their embed hints

How PostgREST sees each relationship, and the shortest `select=` embed that picks exactly it.
A target reached in more than one way is **ambiguous**: `users(*)` fails with PGRST201, and
"embed with" is what to write instead.
'''),
        code('''
from pgprobe.relationships import RelationshipIndex

index = RelationshipIndex.from_snapshot(snap, schemas=["public"])
rels = pd.DataFrame([
    {"from": r.table.name, "to": r.foreign_table.name, "cardinality": r.cardinality_name,
     "embed with": index.embed_target(r) or r.embed_hint, "relationship": r.description,
     "ambiguous": len(index.candidates(r.table.schema, r.table.name, r.foreign_table.name)) > 1}
    for r in index
])
rels.sort_values(["from", "to"]).reset_index(drop=True)
'''),
        md('''
## 4. Row level security, table by table

With RLS enabled, a role sees only the rows some policy lets it see; with RLS enabled and
**no** policy, the API returns `[]` to everyone but the owner. Grants decide whether the role
may read the table at all.
'''),
        code('''
rls = pd.DataFrame([
    {"table": r.qualified_name,
     "rls": ("forced" if r.rls_forced else "on") if r.rls_enabled else "OFF",
     "policies": len(r.policies),
     "anon may select": pn.select_privilege(r, "anon"),
     "anon policies": ", ".join(p.name for p in pn.policies_for(r, "anon")),
     "authenticated policies": ", ".join(p.name for p in pn.policies_for(r, "authenticated")),
     "warning": ("RLS on, no policy: the API returns []" if r.rls_enabled and not r.policies
                 else "RLS off on an exposed table" if not r.rls_enabled and r.kind == "table" else "")}
    for r in snap.relations if r.kind in ("table", "partitioned_table")
])
rls
'''),
        md('''
## 5. Explore

Pick a schema and a table: its columns, constraints, indexes, policies, grants, embed hints
and its neighbourhood in the diagram follow your pick.
'''),
        code('pn.SchemaExplorer(snap, table=FOCUS)'),
        md('Two tables: every foreign-key path between them, its SQL joins and the `select=` that embeds one from the other.'),
        code('''
others = [r.qualified_name for r in snap.relations if r.qualified_name != snap.table(FOCUS).qualified_name]
pn.RelationshipFinder(snap, left=FOCUS, right=("public.users" if snap.has_table("public.users") else others[0]))
'''),
        md('''
## 6. Ask the API

A PostgREST request next to the SQL PostgREST would run and what it returns, as the anonymous
role (no JWT). `{NAME}` in the request line is replaced by the notebook variable.
'''),
        code('''
FOCUS_NAME = snap.table(FOCUS).name
SCHEMA_NAME = snap.table(FOCUS).schema
to_one = [r for r in index.of(snap.table(FOCUS).qualified_name) if r.to_one and not r.is_self]
EMBED = f",{index.embed_target(to_one[0])}(*)" if to_one else ""
print(f"GET /{FOCUS_NAME}?select=*{EMBED}&limit=5")
'''),
        code('''
%%postgrest
GET /{FOCUS_NAME}?select=*{EMBED}&limit=5
'''),
        md('''
Plain SQL runs as the connecting user (no RLS for the owner). `:name` and `{name}` bind
notebook variables as query parameters; `{name!i}` quotes an identifier.
'''),
        code('''
%%sql
select relname as table_name, n_live_tup as rows_estimate
from pg_stat_user_tables
where schemaname = :SCHEMA_NAME
order by n_live_tup desc, relname
'''),
        md('''
Build your own request: pick columns and embeds, watch the URL and the SQL, and run it.
'''),
        code('pn.RequestBuilder(session, table=FOCUS)'),
        md('''
## Where to look next

* **02-relationship-debugging**: an embed fails (PGRST200/201): why, and the right hint.
* **03-migration-postmortem**: a migration "succeeded" but nothing changed: lint, rehearse, verify, history.
* **04-types-drift**: the TypeScript types and the app's field maps against the database.
* **05-rls-debugging**: the API returns `[]` but SQL returns rows.
'''),
    ]


def rls_debugging() -> list[Cell]:
    return [
        md('''
# 05 · RLS debugging: "the API returns [] but SQL returns rows"

The same query as `anon`, as a signed-in user (`authenticated` with JWT claims) and as the
owner, side by side with the policies and grants that explain the difference. PostgREST runs
every request inside a transaction with `set local role` and `request.jwt.claims`; pgprobe
does the same, so `auth.uid()` and the policies behave as through the API.
'''),
        parameters("05-rls-debugging", '''
TABLE = "public.ticket_activities"    # the table whose API result looks wrong
EMPTY_TABLE = "public.monitoring_events"  # a table where the API returns [] to everyone
'''),
        REPLAY_NOTE,
        SETUP,
        md('## 1. The symptom: rows in SQL, `[]` from the API'),
        code('''
%%sql
select count(*) as rows_seen_by_the_owner from {TABLE!i}
'''),
        code('''
TABLE_NAME = snap.table(TABLE).name
'''),
        code('''
%%postgrest
GET /{TABLE_NAME}?select=*&limit=5
'''),
        md('''
## 2. Who is asking? A signed-in user

Pick one of the application's users and send the same request with their JWT claims.
'''),
        code('''
if pn.live("pick a signed-in user from public.users"):
    USER_ID = str(session.probe.execute(
        "select assignee from public.tickets where assignee is not null order by id limit 1")[0][0])
else:
    USER_ID = "00000000-0000-0000-0000-000000000000"
CLAIMS = {"sub": USER_ID, "role": "authenticated"}
CLAIMS
'''),
        code('''
%%postgrest --as authenticated --claims CLAIMS
GET /{TABLE_NAME}?select=*&limit=5
'''),
        code('''
%%sql --as authenticated --claims CLAIMS
select auth.uid() as uid, count(*) as rows_visible from {TABLE!i}
'''),
        md('''
## 3. The same count per role, with the reason

`rows` is what `select count(*)` returns inside the API's transaction for each role;
`why` names the grant or the policies (and their `USING` expressions) that decide it.
'''),
        code('pn.compare_roles(session, TABLE, claims=CLAIMS)'),
        code('%pgprobe table $TABLE'),
        md('''
## 4. The silent one: RLS enabled, no policy at all

Enabling RLS without writing a policy makes the table look empty through the API for every
role that is not the owner (or `BYPASSRLS`): no error, just `[]`.
'''),
        code('pn.compare_roles(session, EMPTY_TABLE, claims=CLAIMS)'),
        code('''
empty = snap.table(EMPTY_TABLE)
print(f"{empty.qualified_name}: RLS {'on' if empty.rls_enabled else 'off'}, {len(empty.policies)} policies")
if empty.rls_enabled and not empty.policies:
    print(f"""fix: add a policy, e.g.
create policy "Agents read {empty.name}" on {empty.qualified_name}
  for select to authenticated using (true);""")
'''),
        md('''
## 5. Every table at once

Which tables would answer `[]` to `anon` or to this user, and why.
'''),
        code('''
frames = []
for rel in snap.relations:
    if rel.kind in ("table", "partitioned_table") and rel.schema == "public":
        df = pn.compare_roles(session, rel.qualified_name, claims=CLAIMS)
        df.insert(0, "table", rel.name)
        frames.append(df)
summary = pd.concat(frames, ignore_index=True)
summary[summary.role != "(owner)"][["table", "role", "rows", "select grant", "why"]]
'''),
        md('''
## Checklist

* A role sees rows only with a **grant** (`select grant`) *and*, when RLS is on, a **policy** for that role.
* `[]` with no error = RLS filtered everything: check the policy's roles and `USING` against the claims.
* `permission denied` (42501) = no grant: `grant select on ... to anon/authenticated`.
* `auth.uid()` is the `sub` claim: a request without a JWT is `anon` and has no uid.
'''),
    ]


def relationship_debugging() -> list[Cell]:
    return [
        md("""
# 02 · Relationship debugging: the first postmortem, replayed

*"PostgREST Relationship Hell"*: `ticket:tickets!ta_ticket_id_fkey` failed, `ticket->tickets`
failed, only a hand-written `LEFT JOIN` worked, and the app said `name` where the table says
`title`. Here every attempt is sent again, next to the SQL PostgREST would run, with the
catalog evidence that explains it and the fix.
"""),
        parameters("02-relationship-debugging"),
        REPLAY_NOTE,
        SETUP,
        md("""
## Attempt 1: an explicit foreign key name, guessed

`!ta_ticket_id_fkey` names a constraint that does not exist, so PostgREST finds no relationship
(PGRST200). Its hint already points at the real name.
"""),
        code("""
%%postgrest
GET /ticket_activities?select=id,activity_type,content,ticket:tickets!ta_ticket_id_fkey(id,title)
"""),
        md("The catalog evidence: which relationships do exist between the two tables, and the nearest names."),
        code("""
from pgprobe.relationships import RelationshipIndex, explain_embed

index = RelationshipIndex.from_snapshot(snap, schemas=["public"])
evidence = explain_embed(index, "ticket_activities", "tickets", "ta_ticket_id_fkey", alias="ticket")
print(evidence)
"""),
        code("""
fk = snap.table("public.ticket_activities").foreign_keys
pd.DataFrame([{"constraint": c.name, "columns": c.columns, "references": c.ref,
               "ref columns": c.ref_columns, "on delete": c.on_delete} for c in fk])
"""),
        md("""
## Attempt 2: arrow syntax

In `select=`, `->` is a JSON path operator on a column, not a relationship: PostgREST reads
`ticket->tickets` as "the key `tickets` of the JSON column `ticket`", and the database answers
that there is no column `ticket`.
"""),
        code("""
%%postgrest
GET /ticket_activities?select=id,ticket->tickets
"""),
        md("""
## The fix: the real constraint name, or no hint at all

There is exactly one foreign key from `ticket_activities` to `tickets`, so no hint is needed;
with a hint, it must be the real name `ticket_activities_ticket_id_fkey`.
"""),
        code("""
SELECT = "id,activity_type,content,created_at,ticket:tickets!ticket_activities_ticket_id_fkey(id,title,description,status,priority,created_by,assignee)"
"""),
        code("""
%%postgrest --as service_role -o fixed
GET /ticket_activities?select={SELECT}&order=id
"""),
        code("""
%%postgrest --as service_role --explain
GET /ticket_activities?select=id,ticket:tickets(id,title)&order=id
"""),
        md("""
## Attempt 3, the one that worked: plain SQL, side by side

The postmortem's own `LEFT JOIN`. `service_role` bypasses RLS like the owner does, so the API
result above and this query must return the same rows.
"""),
        code("""
%%sql -o joined
select
  ta.id, ta.activity_type, ta.content, ta.created_at,
  t.id as ticket_id, t.title, t.description, t.status, t.priority, t.created_by, t.assignee
from ticket_activities ta
left join tickets t on t.id = ta.ticket_id
order by ta.id
"""),
        code("""
if pn.live("compare the API result with the hand-written join"):
    api = pd.json_normalize(fixed.body)
    same = (api["id"].tolist() == joined["id"].tolist()
            and api["ticket.title"].tolist() == joined["title"].tolist())
    print(f"{len(api)} rows from the API, {len(joined)} from SQL; same ids and titles: {same}")
    assert same
"""),
        md("""
## `name` vs `title`

The app's field map asked for `tickets.name`. The snapshot knows the real columns, and the API
request fails the same way the app did.
"""),
        code("""
from pgprobe import NotFoundError

tickets = snap.table("public.tickets")
try:
    tickets.column("name")
except NotFoundError as err:
    print(err)
print("columns:", ", ".join(tickets.column_names))
print("comment on title:", tickets.column("title").comment)
"""),
        code("""
%%postgrest
GET /tickets?select=id,name
"""),
        code("""
checklist = pgprobe.expect(snap).table("public.tickets").has_columns("id", "title", "status")
checklist.table("public.ticket_activities").fk_to("public.tickets", via="ticket_id")
checklist
"""),
        md("""
## The other trap: two foreign keys to users

`tickets.created_by` and `tickets.assignee` both reference `users`, so `users(*)` is ambiguous
(PGRST201); the hint lists the two ways to say which one.
"""),
        code("""
%%postgrest --explain
GET /tickets?select=id,title,users(email)
"""),
        code("""
%%postgrest --as service_role
GET /tickets?select=id,title,creator:users!tickets_created_by_fkey(email),assignee:users!tickets_assignee_fkey(email)&order=id&limit=5
"""),
        md("## Every way from `ticket_activities` to `users`"),
        code("%pgprobe erd --path ticket_activities users"),
        code('pn.RelationshipFinder(snap, left="public.ticket_activities", right="public.users", max_length=2)'),
        md("""
## What to keep

* Verify constraint names in the catalog (`explain_embed`, the ERD) instead of guessing them.
* `->` in `select=` is JSON, never a relationship; embeds are `alias:table!hint(columns)`.
* Start from plain SQL, then compare the API result with it (as above) before writing app code.
* Keep the field maps and types generated from the database (notebook 04).
"""),
    ]


def migration_postmortem() -> list[Cell]:
    return [
        md("""
# 03 · Migration postmortem: lint, rehearse, verify, history, report

The second and third postmortems: a migration "succeeded" while nothing was created (procedural
SQL outside PL/pgSQL, errors swallowed), policies were dropped before their table existed, and
the migration history disagreed with reality. This notebook checks a `migrations/` folder
before it is deployed (lint, rehearsal in a scratch database) and against the live database
after (verify, history), then writes the report for the postmortem.
"""),
        parameters("03-migration-postmortem", """
MIGRATIONS = None   # a Supabase migrations/ folder; None: the demo's, with the postmortems' mistakes
SCRATCH_DSN = None  # an EMPTY scratch database for the rehearsal; None: a throwaway embedded server
REPORT = "output/03-migration-postmortem.report.md"  # output/ is git-ignored: runs leave the tree clean
"""),
        REPLAY_NOTE,
        SETUP,
        code("""
from pathlib import Path
from pgprobe import migrations

folder = Path(MIGRATIONS) if MIGRATIONS else pgprobe.demo.migrations_dir()
pd.DataFrame([{"version": f.version, "name": f.name, "file": Path(f.path).name}
              for f in migrations.migration_files(folder)])
"""),
        md("""
## 1. Lint: what is wrong before anything runs

Parsed with PostgreSQL's own grammar: procedural statements outside PL/pgSQL, use before
create, swallowed errors, RLS without policies, history hygiene.
"""),
        code("""
LINT_TARGET = str(folder)
%pgprobe lint $LINT_TARGET -o findings
"""),
        code("""
findings.counts()
"""),
        md("""
## 2. Rehearse: apply every file in a scratch database

Each file runs in its own transaction on a scratch database (never the target). For every
file: did it succeed, what did the server say (mapped back to file:line), and what did it
*really* change. A file that succeeded but did not create what it declares is the silent
failure of the postmortem.
"""),
        md("""
The rehearsal below starts with the answer (what failed, what failed silently); the list of
files and what each one really changed are folded: click a line to open it.
"""),
        code("""
with pn.scratch_server(SCRATCH_DSN) as server, pn.Progress("rehearsing migrations") as bar:
    rehearsal = migrations.rehearse(folder, server=server, scratch_dsn=SCRATCH_DSN, keep=True,
                                    progress=bar.callback(), stop_on_error=False)
    intended = pgprobe.snapshot(rehearsal.dsn)  # what the files really produce (section 4)
rehearsal
"""),
        code("""
print(rehearsal.summary())
for f in rehearsal.silent_failures:   # succeeded, yet did not create what it declares
    print(f"silent failure: {f.filename}: " + "; ".join(f"{c.status}: {c.expected}" for c in f.problems))
rehearsal.checks_frame()
"""),
        md("""
## 3. Verify: is what the migrations declare really in the database?

Against the live database (or, replaying, against the pinned snapshot).
"""),
        code("""
target = session.probe if session.live else snap
missing = migrations.verify(target, folder)
missing
"""),
        md("## 4. History: files vs `supabase_migrations.schema_migrations` vs reality"),
        code("""
migrations.history(target, folder)
"""),
        md("""
### Drift: what the database has that no migration file creates

The rehearsal's scratch database is what the files really produce; the difference to the
database is drift (a change made by hand, or a file that never reached the repository).
`to_sql()` writes it as a migration (`pgprobe diff ... --sql`): review it, then commit it
as a new file so the folder and the database agree again. Folded: click to open the SQL.
"""),
        code("""
drift = pgprobe.diff(intended, snap, left_label="migration files", right_label="database",
                     schemas=["public"]).filter(path_prefix="public.")
print(drift.summary())
migration = drift.to_sql()
pn.fold(migration, f"generated migration: {len(migration.statements)} statements, "
                   f"{len(migration.hazards)} hazards (click to open)")
"""),
        md("""
## 5. The report

One markdown document (lint + rehearsal + verification + history) to paste into the postmortem.
"""),
        code("""
report = migrations.postmortem(folder, target, rehearsal=rehearsal,
                               title="Migration postmortem: ai_analyses and realtime monitoring")
Path(REPORT).parent.mkdir(parents=True, exist_ok=True)
Path(REPORT).write_text(report.to_markdown())
print(f"written {REPORT}")
report
"""),
        md("""
## Checklist

* No `IF`/`EXCEPTION`/`RAISE` outside `DO $$ ... $$` or a function body (`procedural-outside-plpgsql`).
* Never `EXCEPTION WHEN OTHERS THEN NULL`: a failure must fail the migration (`error-swallowed`).
* Create before you drop/alter/grant on it; `DROP TYPE ... CASCADE` when columns use the type.
* Don't trust "applied": verify the objects, and repair the history only to match reality.
"""),
    ]


def types_drift() -> list[Cell]:
    return [
        md("""
# 04 · Types drift: TypeScript types and field maps against the database

The first postmortem's root cause: no single source of truth. The database, the committed
`supabase gen types typescript` file and the app's field maps (`TICKET: {path, fields}`)
each said something different. Here the database is the source: generate the types it
implies, and compare the committed file and the field map with it, by meaning.
"""),
        parameters("04-types-drift", """
TYPES_FILE = "data/supabase.types.ts"  # the committed types file (Supabase CLI / postgres-meta)
FIELD_MAP = "data/fieldmap.ts"         # the app's field map (TS/JS object literal, JSON or YAML)
GENERATED = "output/04-types-drift.generated.ts"  # output/ is git-ignored
"""),
        REPLAY_NOTE,
        SETUP,
        md("""
## 1. The types the database implies

What `supabase gen types typescript` would write for this database (postgres-meta's format),
from the snapshot, so it also works offline.
"""),
        code("""
from pathlib import Path
import pgprobe.types as types

generated = types.generate(snap, schemas=["public"])
Path(GENERATED).parent.mkdir(parents=True, exist_ok=True)
Path(GENERATED).write_text(generated)
print(f"{GENERATED}: {len(generated.splitlines())} lines")
print("\\n".join(generated.splitlines()[:40]))
"""),
        md("""
## 2. The committed file vs the database

Compared by meaning (tables, columns and their TS types, nullability, Insert optionality,
relationships, enums, functions), not as text: formatting and generator-version noise are ignored.
"""),
        code("""
drift = types.check(TYPES_FILE, snap)
drift
"""),
        code("""
frame = drift.to_frame()
frame[frame.severity == "error"][["change", "path", "old", "new", "hint"]]
"""),
        md("""
## 3. The app's field map vs the database

Every `path` must be a table or view and every field a column; a miss comes with the close match.
"""),
        code("""
fields = types.check_field_map(FIELD_MAP, snap)
fields
"""),
        code("""
print(Path(FIELD_MAP).read_text())
"""),
        md("""
## 4. The fix, checked

Regenerate the types from the database and check again: nothing left. (In CI:
`pgprobe types check FILE.ts --dsn $DSN` and `pgprobe fields check FILE --dsn $DSN` exit 1 on drift.)
"""),
        code("""
after = types.check(GENERATED, snap)
print(after.summary())
assert after.same, after.to_text()
"""),
        md("""
## 5. What changed since the pinned investigation?

When this notebook is re-run later, compare the pinned snapshot with the live database.
"""),
        code("""
if pn.live("compare the pinned snapshot with the live database"):
    display(pgprobe.diff(PIN, snap, left_label="pinned", right_label="live"))
"""),
    ]


NOTEBOOKS = {
    "01-onboarding.ipynb": onboarding,
    "02-relationship-debugging.ipynb": relationship_debugging,
    "03-migration-postmortem.ipynb": migration_postmortem,
    "04-types-drift.ipynb": types_drift,
    "05-rls-debugging.ipynb": rls_debugging,
}


def build(name: str) -> nbformat.NotebookNode:
    nb = new_notebook(cells=NOTEBOOKS[name]())
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{Path(name).stem[:2]}-{i:02d}"
    nbformat.validate(nb)
    return nb


def render(nb: nbformat.NotebookNode) -> str:
    return nbformat.writes(nb) + "\n"


def write_pins(dsn: str | None) -> None:
    """The snapshots the notebooks replay when no database is reachable."""
    import pgprobe

    snap = pgprobe.snapshot(dsn or pgprobe.demo.up())
    for name in NOTEBOOKS:
        path = HERE / f"{Path(name).stem}.snapshot.json"
        snap.save(str(path))
        print(f"pinned {path.name}")


def main(argv: list[str]) -> int:
    if "--pins" in argv:
        rest = argv[argv.index("--pins") + 1:]
        write_pins(rest[0] if rest else None)
        return 0
    check = "--check" in argv
    stale = []
    for name in NOTEBOOKS:
        text = render(build(name))
        path = HERE / name
        if check:
            if not path.exists() or path.read_text() != text:
                stale.append(name)
        else:
            path.write_text(text)
    if stale:
        print("stale notebooks (run python notebooks/build.py):", ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
