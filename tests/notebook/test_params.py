"""Cell SQL -> statements with bound parameters: never formatted into the SQL text."""

from __future__ import annotations

import pytest

from pgprobe._errors import InputError
from pgprobe.notebook._params import prepare, split_statements

NS = {"tid": 7, "title": "it's", "pat": "50%", "tab": ("public", 'we"ird%')}


@pytest.mark.parametrize(("sql", "text", "names"), [
    ("select :tid", "select %(tid)s", {"tid"}),
    ("select {tid}", "select %(tid)s", {"tid"}),
    ("select x::text from t where id = :tid", "select x::text from t where id = %(tid)s", {"tid"}),
    ("select ':tid', \"{tid}\" where a = {title}", "select ':tid', \"{tid}\" where a = %(title)s", {"title"}),
    ("select 1 -- :tid\n, :pat", "select 1 -- :tid\n, %(pat)s", {"pat"}),
    ("select /* {tid} */ $$ :tid $$, $q$ {tid} $q$ like 'a%' or :tid",
     "select /* {tid} */ $$ :tid $$, $q$ {tid} $q$ like 'a%%' or %(tid)s", {"tid"}),
    ("select 100 % 7 + :tid", "select 100 %% 7 + %(tid)s", {"tid"}),
    ("select 'a%', x::int", "select 'a%', x::int", None),
    ("select e'it\\'s :tid' , :tid", "select e'it\\'s :tid' , %(tid)s", {"tid"}),
    ("select * from {tab!i} where a = :tid", 'select * from "public"."we""ird%%" where a = %(tid)s', {"tid"}),
    ("select * from {tab!i}", 'select * from "public"."we""ird%"', None),
])
def test_binding(sql: str, text: str, names: set[str] | None) -> None:
    [st] = prepare(sql, NS)
    assert st.text == text
    assert (set(st.params) if st.params is not None else None) == names
    if st.params:
        assert all(st.params[n] == NS[n] for n in st.params)


def test_split_respects_quotes_and_bodies() -> None:
    cell = "select ';' ; create function f() returns int language sql as $$ select 1; $$;\n-- only a comment;\n"
    assert split_statements(cell) == ["select ';'", "create function f() returns int language sql as $$ select 1; $$"]


def test_missing_parameter_has_a_close_match() -> None:
    with pytest.raises(InputError, match="tiid is not defined.*did you mean tid"):
        prepare("select :tiid", NS)


def test_empty_cell() -> None:
    with pytest.raises(InputError, match="no SQL"):
        prepare("  -- nothing\n", NS)
