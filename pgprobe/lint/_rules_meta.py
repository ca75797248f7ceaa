"""The lint rules as data: stable id, default severity, one-line summary, fix hint.

The behaviour lives in ``_rules.py`` (one small visitor class per rule); this table is what
the docs, the CLI's ``--list-rules`` and the findings' default hints read.

>>> RULES["use-before-create"].severity
'error'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class RuleInfo:
    id: str
    severity: Severity
    summary: str
    hint: str
    group: str


_RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        "procedural-outside-plpgsql", "error",
        "IF/THEN, EXCEPTION WHEN, RAISE, BEGIN ... END used as plain SQL",
        "wrap it in DO $$ BEGIN ... END $$; or use IF [NOT] EXISTS on the DDL statement itself",
        "syntax",
    ),
    RuleInfo(
        "syntax-error", "error",
        "the statement is not valid PostgreSQL",
        "fix the statement; the server would reject the whole migration file",
        "syntax",
    ),
    RuleInfo(
        "plpgsql-syntax-error", "error",
        "a PL/pgSQL body (DO block or function) does not compile",
        "fix the PL/pgSQL body; the server compiles it when the migration runs",
        "syntax",
    ),
    RuleInfo(
        "raise-format-args", "error",
        "RAISE format string has a different number of % than arguments",
        "give one argument per % in the RAISE format (write %% for a literal percent sign)",
        "syntax",
    ),
    RuleInfo(
        "not-checked", "info",
        "something pgprobe's analyser cannot check (a limit of pgprobe, not a fault in the SQL)",
        "nothing to fix in the migration; rehearse it on a scratch server (pgprobe rehearse) "
        "to check it for real",
        "syntax",
    ),
    RuleInfo(
        "check-subquery", "error",
        "a CHECK constraint uses a subquery, which PostgreSQL rejects",
        "move the rule into a trigger (or a foreign key / an IMMUTABLE function of the row "
        "only); CHECK can only look at the row being written",
        "syntax",
    ),
    RuleInfo(
        "use-before-create", "error",
        "a statement touches a table/type/function/index/policy that does not exist yet",
        "create the object in an earlier statement or migration (types, then tables, then "
        "indexes, grants, RLS and policies), or move this statement after its creation",
        "ordering",
    ),
    RuleInfo(
        "non-idempotent", "error",
        "CREATE without a guard for an object that already exists in the baseline",
        "use CREATE ... IF NOT EXISTS / CREATE OR REPLACE, or for a type: DO $$ BEGIN CREATE "
        "TYPE ...; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
        "ordering",
    ),
    RuleInfo(
        "drop-type-without-cascade", "error",
        "DROP TYPE without CASCADE while table columns still use the type",
        "alter or drop the dependent columns first (ALTER TABLE ... ALTER COLUMN ... TYPE ...); "
        "CASCADE would silently drop those columns",
        "ordering",
    ),
    RuleInfo(
        "drop-cascade-drops-columns", "warning",
        "DROP TYPE ... CASCADE silently drops the table columns that use the type",
        "migrate the dependent columns to another type first, or recreate them after the drop",
        "ordering",
    ),
    RuleInfo(
        "enum-value-same-transaction", "error",
        "an enum value added by ALTER TYPE ... ADD VALUE is used before its transaction commits",
        "move the statements that use the new value to a later migration file (or put COMMIT; "
        "between the ADD VALUE and its first use)",
        "ordering",
    ),
    RuleInfo(
        "duplicate-create", "error",
        "the same object is created by several migrations",
        "create each object once; change it later with ALTER (a guarded second CREATE is "
        "skipped silently, so its definition never reaches the database)",
        "ordering",
    ),
    RuleInfo(
        "error-swallowed", "error",
        "EXCEPTION WHEN OTHERS THEN NULL (or only RAISE NOTICE) turns a failure into success",
        "catch only the expected condition (WHEN duplicate_object / undefined_table ...) or "
        "re-raise with RAISE; so a failed migration fails",
        "safety",
    ),
    RuleInfo(
        "rls-missing", "error",
        "a new table in an exposed schema has no ENABLE ROW LEVEL SECURITY",
        "ALTER TABLE ... ENABLE ROW LEVEL SECURITY; and add policies for the API roles",
        "security",
    ),
    RuleInfo(
        "rls-without-policy", "warning",
        "row level security is enabled but the table has no policy: the API returns nothing",
        "CREATE POLICY ... ON the table FOR SELECT TO authenticated USING (...)",
        "security",
    ),
    RuleInfo(
        "view-bypasses-rls", "warning",
        "a view in an exposed schema reads RLS-protected tables with its owner's rights",
        "CREATE VIEW ... WITH (security_invoker = true) AS ... (PostgreSQL 15+), or revoke the "
        "API roles' access to the view",
        "security",
    ),
    RuleInfo(
        "not-null-without-default", "warning",
        "ADD COLUMN ... NOT NULL without DEFAULT on an existing table fails when it has rows",
        "add the column nullable, backfill, then SET NOT NULL; or give it a DEFAULT",
        "operational",
    ),
    RuleInfo(
        "index-not-concurrent", "warning",
        "CREATE INDEX without CONCURRENTLY on an existing table blocks writes while it builds",
        "CREATE INDEX CONCURRENTLY in a migration that runs outside a transaction (Supabase "
        "wraps each file in one, so run it separately), or accept the lock on small tables",
        "operational",
    ),
    RuleInfo(
        "table-rewrite", "warning",
        "ALTER COLUMN TYPE (or a volatile default) rewrites the whole table under an "
        "ACCESS EXCLUSIVE lock",
        "add a new column, backfill in batches, then swap; or schedule a maintenance window",
        "operational",
    ),
    RuleInfo(
        "not-in-transaction", "error",
        "a statement that cannot run inside a transaction block where the Supabase CLI runs "
        "it inside one (after other statements of the file, or inside BEGIN ... COMMIT)",
        "make it the first statement of its migration file (or put COMMIT; right before it), "
        "or drop CONCURRENTLY",
        "history",
    ),
    RuleInfo(
        "duplicate-version", "error",
        "two migration files have the same version",
        "rename one file with a new, later timestamp (supabase migration new NAME)",
        "history",
    ),
    RuleInfo(
        "version-order", "warning",
        "version prefixes of different widths sort in an unexpected order",
        "use 14-digit timestamps (YYYYMMDDHHMMSS) for every file so text order is time order",
        "history",
    ),
    RuleInfo(
        "bad-filename", "warning",
        "the file name does not match <version>_<name>.sql, so Supabase skips the file",
        "rename it to <timestamp>_<name>.sql",
        "history",
    ),
    RuleInfo(
        "guard-name-mismatch", "warning",
        "an existence guard tests for one name, then creates an object with another name",
        "test for the name the guarded statement creates (or create the name the guard "
        "tests); otherwise a re-run creates it twice, or a second primary key",
        "safety",
    ),
    RuleInfo(
        "guard-by-name-only", "warning",
        "an existence guard tests a constraint/index by name only, and that name exists on "
        "another table",
        "also filter by table: conrelid = 'schema.table'::regclass (pg_constraint) or "
        "tablename/schemaname (pg_indexes)",
        "safety",
    ),
)

RULES: dict[str, RuleInfo] = {r.id: r for r in _RULES}
