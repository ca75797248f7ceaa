"""Apply migration files to a real server the way the Supabase CLI does.

``supabase db reset`` / ``migration up`` / ``db push`` read each file, split it into
statements and send them in one pgconn batch: a Parse/Bind/Execute per statement and one
Sync at the end (supabase/cli ``pkg/migration/file.go``, ``MigrationFile.ExecBatch``).
psycopg's pipeline mode on an autocommit connection sends the same messages, so the
server sees what it sees under the CLI: one implicit transaction per file unless the file
says ``COMMIT``, and the statements that refuse transaction blocks allowed only first.
"""

from __future__ import annotations

import psycopg
from pglast.parser import scan


def split_statements(text: str) -> list[str]:
    """The file's statements, cut at the semicolons PostgreSQL's scanner sees (comments,
    quotes and dollar quotes respected), as the CLI's own splitter does."""
    out, first = [], None
    for tok in scan(text):
        if tok.name in ("SQL_COMMENT", "C_COMMENT"):
            continue
        if tok.name == "ASCII_59":
            if first is not None:
                out.append(text[first:tok.start])
            first = None
        elif first is None:
            first = tok.start
    if first is not None:
        out.append(text[first:])
    return out


def apply_file(dsn: str, text: str) -> str | None:
    """Run one file as one pipeline; ``None`` when it applies, else the server's error."""
    statements = split_statements(text)
    with psycopg.connect(dsn, autocommit=True) as conn:
        try:
            with conn.pipeline():
                for stmt in statements:
                    conn.execute(stmt, prepare=False)  # type: ignore[call-overload]
        except psycopg.Error as exc:
            return f"{exc.sqlstate}: {str(exc).splitlines()[0]}"
    return None


def apply_files(dsn: str, files: dict[str, str]) -> dict[str, str]:
    """Apply files in name order, each as the CLI would; the failing ones and their errors
    (the sequence goes on after a failure, as the linter's walk does)."""
    failed = {}
    for name in sorted(files):
        error = apply_file(dsn, files[name])
        if error is not None:
            failed[name] = error
    return failed
