"""Migration files: Supabase order, statement splitting, positions."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgprobe._errors import InputError, NotFoundError
from pgprobe.migrations import migration_files, split_statements
from pgprobe.migrations._files import skipped_files


def test_supabase_order_and_skipped_names(tmp_path: Path) -> None:
    for name in ["20240102000000_b.sql", "028_old.sql", "20240101000000_a.sql", "README.md",
                 "notes.sql", "1_first.sql"]:
        (tmp_path / name).write_text("select 1;")
    files = migration_files(tmp_path)
    assert [f.filename for f in files] == [
        "028_old.sql", "1_first.sql", "20240101000000_a.sql", "20240102000000_b.sql"]
    assert [f.version for f in files] == ["028", "1", "20240101000000", "20240102000000"]
    assert [p.name for p in skipped_files(tmp_path)] == ["README.md", "notes.sql"]


def test_missing_directory_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="no such migrations directory"):
        migration_files(tmp_path / "nope")


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("select 1; select 2", [(1, 1, "select 1"), (1, 11, "select 2")]),
        ("-- c\n\n  create table t (id int);\n", [(3, 3, "create table t (id int)")]),
        ("do $x$ begin perform 1; end $x$;\nselect ';'", [(1, 1, "do $x$ begin perform 1; end $x$"),
                                                         (2, 1, "select ';'")]),
        ("create function f() returns int as $$ select 1; $$ language sql;/* x; */ select 2",
         [(1, 1, "create function f() returns int as $$ select 1; $$ language sql"),
          (1, 74, "select 2")]),
        ("select 'é';\nselect 'ü' as x;", [(1, 1, "select 'é'"), (2, 1, "select 'ü' as x")]),
        (";;\n;", []),
    ],
)
def test_split_positions(sql: str, expected: list[tuple[int, int, str]]) -> None:
    got = [(s.line, s.column, s.text) for s in split_statements(sql)]
    assert got == expected
    for s in split_statements(sql):
        assert sql[s.start:s.end] == s.text


def test_unterminated_dollar_quote_is_located(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        split_statements("select 1;\ndo $$ begin", path="x.sql")
    assert "x.sql:" in str(err.value)
