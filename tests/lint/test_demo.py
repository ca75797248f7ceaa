"""The demo's migrations folder (the postmortems' mistakes) gives exactly these findings."""

from __future__ import annotations

from pathlib import Path

from pgprobe import demo
from pgprobe.lint import lint

# (file, line, column, rule, severity), in sequence order, each with the mistake it catches
EXPECTED = [
    # 028 sorts before every timestamped file ...
    ("028_ticket_parent_index.sql", 1, 1, "version-order", "warning"),
    # ... so it alters and indexes public.tickets before the initial schema creates it
    ("028_ticket_parent_index.sql", 3, 13, "use-before-create", "error"),
    # CREATE INDEX CONCURRENTLY inside Supabase's per-file transaction
    ("028_ticket_parent_index.sql", 4, 1, "not-in-transaction", "error"),
    ("028_ticket_parent_index.sql", 4, 59, "use-before-create", "error"),
    # user_profiles has no RLS
    ("20250101000000_initial_schema.sql", 15, 1, "rls-missing", "error"),
    # users_secure reads RLS-protected users with the owner's rights
    ("20250101000000_initial_schema.sql", 56, 13, "view-bypasses-rls", "warning"),
    ("20250115120000_labels.sql", 2, 1, "rls-missing", "error"),
    ("20250115120000_labels.sql", 8, 1, "rls-missing", "error"),
    # postmortem: DROP POLICY IF EXISTS before the table exists (a silent no-op)
    ("20250120090000_ai_analyses.sql", 3, 1, "use-before-create", "warning"),
    # postmortem: IF/THEN and EXCEPTION WHEN outside PL/pgSQL
    ("20250120090000_ai_analyses.sql", 6, 1, "procedural-outside-plpgsql", "error"),
    ("20250120090000_ai_analyses.sql", 15, 1, "procedural-outside-plpgsql", "error"),
    # postmortem: the type is created two files later; the DO block swallows the failure
    ("20250120093000_ai_analyses_retry.sql", 9, 19, "use-before-create", "error"),
    ("20250120093000_ai_analyses_retry.sql", 13, 11, "error-swallowed", "error"),
    # part 2: the guarded CREATE TYPE (with a new label) is skipped silently
    ("20250128100000_realtime_monitoring_v2.sql", 5, 5, "duplicate-create", "warning"),
    ("20250128100000_realtime_monitoring_v2.sql", 10, 11, "error-swallowed", "error"),
    # part 2: several files create message_queue
    ("20250128100000_realtime_monitoring_v2.sql", 14, 14, "duplicate-create", "error"),
    # the "fix" DROP TYPE ... CASCADE silently drops message_queue.contact
    ("20250128214632_force_realtime_monitoring_v3.sql", 2, 1, "drop-cascade-drops-columns",
     "warning"),
    # DROP TABLE + CREATE TABLE of a table an earlier migration made: rows are lost
    ("20250128214632_force_realtime_monitoring_v3.sql", 6, 14, "duplicate-create", "warning"),
    # monitoring_events: RLS on, no policy -> the API returns nothing
    ("20250128214632_force_realtime_monitoring_v3.sql", 35, 1, "rls-without-policy", "warning"),
]


def test_demo_migrations_exact_findings() -> None:
    report = lint(demo.migrations_dir())
    got = [(f.file.rsplit("/", 1)[-1], f.line, f.column, f.rule, f.severity) for f in report]
    assert got == EXPECTED, report.to_text()
    assert report.exit_code == 1


def test_demo_lines_point_at_the_mistake() -> None:
    """Each finding's line really holds the statement it talks about."""
    report = lint(demo.migrations_dir())
    words = {"procedural-outside-plpgsql": ("IF", "EXCEPTION"), "raise-format-args": ("RAISE",),
             "error-swallowed": ("EXCEPTION WHEN OTHERS",), "not-in-transaction": ("CONCURRENTLY",),
             "drop-cascade-drops-columns": ("CASCADE",), "rls-without-policy": ("ROW LEVEL",)}
    for f in report:
        text = Path(f.file).read_text().splitlines()[f.line - 1]
        for word in words.get(f.rule, ()):
            if word in text:
                break
        else:
            assert f.rule not in words, (f, text)
