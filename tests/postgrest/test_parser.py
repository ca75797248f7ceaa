"""The query-string parser: shapes, PostgREST's exact PGRST100 texts, and a hypothesis fuzz.

The expected error texts are the doctests of PostgREST's ``ApiRequest/QueryParams.hs``.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pgprobe.postgrest import PostgrestError, parse_query, parse_select
from pgprobe.postgrest._types import SelectField, SelectRelation, SpreadRelation

ERRORS = [
    ("select=id,clients(name[])", 16,
     "unexpected '[' expecting letter, digit, \"-\", \"->>\", \"->\", \"::\", \".\", \")\", \",\" or end of input"),
    ("select=data->>-78xy", 11,
     "unexpected 'x' expecting digit, \"->\", \"::\", \".\", \",\" or end of input"),
    ("select=data->>--34", 9, "unexpected \"-\" expecting digit"),
    ("select=name!hint", 5,
     "unexpected '!' expecting letter, digit, \"-\", \"->>\", \"->\", \"::\", \".\", \")\", \",\" or end of input"),
    ("select=name::", 7, "unexpected end of input expecting letter or digit"),
    ("order=id.ac", 4, "unexpected \"c\" expecting \"asc\", \"desc\", \"nullsfirst\" or \"nullslast\""),
    ("order=id.descc", 8, "unexpected 'c' expecting delimiter (.), \",\" or end of input"),
    ("order=id.nullslasttt", 13, "unexpected 't' expecting \",\" or end of input"),
    ("order=id.asc.nlsfst", 8, "unexpected \"l\" expecting \"nullsfirst\" or \"nullslast\""),
    ("order=clients(name,id)", 8,
     "unexpected '(' expecting letter, digit, \"-\", \"->>\", \"->\", delimiter (.), \",\" or end of input"),
    ("or=()", 4, "unexpected \")\" expecting field name (* or [a..z0..9_$]), negation operator (not) "
     "or logic operator (and, or)"),
    ("or=(id.in.1,2,id.eq.3)", 10, "unexpected \"1\" expecting \"(\""),
    ("and=(ord(id.eq.1,id.eq.1),id.eq.2)", 7, "unexpected \"d\" expecting \"(\""),
    ("or=(id.eq.1,not.xor(id.eq.2,id.eq.3))", 16,
     "unexpected \"x\" expecting logic operator (and, or)"),
    ("id=fts().value", 5, "unexpected \")\" expecting operator (eq, gt, ...)"),
    ("id=eq().value", 4, "unexpected \")\" expecting operator (eq, gt, ...)"),
    ("id=in().value", 3, "unexpected \"(\" expecting operator (eq, gt, ...)"),
    ("a.b=noop.0", 1, "unexpected \"o\" expecting \"not\" or operator (eq, gt, ...)"),
    ("columns=", 1, "unexpected end of input expecting field name (* or [a..z0..9_$])"),
]


@pytest.mark.parametrize(("qs", "column", "details"), ERRORS, ids=[e[0] for e in ERRORS])
def test_error_texts_match_postgrest(qs: str, column: int, details: str) -> None:
    with pytest.raises(PostgrestError) as info:
        parse_query(qs)
    err = info.value
    assert err.code == "PGRST100" and err.status == 400
    assert err.pgrst_message.endswith(f"(line 1, column {column})")
    assert err.details == details


def test_select_shapes() -> None:
    items = [n.item for n in parse_select("alias:col->a->>0::text,cl:clients!fk!inner(id),"
                                          "...other(x),cnt:count(),c.sum()")]
    assert items[0] == SelectField(("col", (("->", ("key", "a")), ("->>", ("idx", "+0")))),
                                   None, None, "text", "alias")
    assert items[1] == SelectRelation("clients", "cl", "fk", "inner")
    assert items[2] == SpreadRelation("other", None, None)
    assert items[3] == SelectField(("*", ()), "count", None, None, "cnt")
    assert items[4] == SelectField(("c", ()), "sum")


def test_quoting_and_lists() -> None:
    qp = parse_query('name=in.("Hebdon, John",Other)&select="a,b":"x y"')
    f = qp.filters[0][1]
    assert f.expr.operation.value == ("Hebdon, John", "Other")
    assert qp.select[0].item == SelectField(("x y", ()), alias="a,b")


def test_ranges_and_embedded_params() -> None:
    qp = parse_query("limit=2&offset=3&tasks.order=id.desc&tasks.limit=1&tasks.id=eq.4")
    assert qp.ranges["limit"] == (3, 4)
    assert qp.ranges["tasks.limit"] == (0, 0)
    assert qp.order[0][0] == ("tasks",)
    assert qp.filters_not_root[0][0] == ("tasks",)


# -- fuzz: never a traceback, always PGRST100 with a position ----------------------------
HOSTILE = st.sampled_from(list("(),.:!*\"'`;-> \\{}[]$%&=\t\n") + ["->", "->>", "::", "...",
                                                                     "not.", "or(", "drop table",
                                                                     "é", "🙂", "\x00"])
TEXT = st.lists(st.one_of(HOSTILE, st.text(max_size=4)), max_size=14).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(key=st.sampled_from(["select", "order", "or", "and", "id", "a.b", "columns",
                            "not.or", "x->y"]), value=TEXT)
def test_fuzz_never_crashes(key: str, value: str) -> None:
    try:
        parse_query(f"{key}={value}")
    except PostgrestError as e:
        assert e.code == "PGRST100"
        assert "(line " in e.pgrst_message and "column " in e.pgrst_message
        assert isinstance(e.details, str) and e.details


@settings(max_examples=200, deadline=None)
@given(ident=st.text(min_size=1, max_size=12))
def test_fuzz_hostile_identifiers_are_quoted(ident: str) -> None:
    """Whatever parses as a column name ends up as one quoted identifier, never as SQL."""
    from pgprobe.postgrest._sql import quote_ident

    quoted = '"' + ident.replace('"', '\\"') + '"'
    try:
        nodes = parse_select(quoted)
    except PostgrestError:
        return
    for n in nodes:
        if isinstance(n.item, SelectField):
            q = quote_ident(n.item.field[0])
            assert q.startswith('"') and q.endswith('"')
            assert q[1:-1].replace('""', "").count('"') == 0


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(key=st.sampled_from(["select", "order", "or", "id", "clients.id", "limit", "columns",
                            "clients.order", "on_conflict"]),
       value=TEXT,
       method=st.sampled_from(["GET", "HEAD", "POST", "PATCH", "DELETE", "PUT"]),
       table=st.sampled_from(["projects", "clients", "rpc/getitemrange", "nope", "x/y/z"]))
def test_fuzz_whole_translation_never_crashes(pgrst_snapshot: object, key: str, value: str,
                                              method: str, table: str) -> None:
    """Any query string through the whole engine (offline): a Result, never an exception."""
    from urllib.parse import quote

    from pgprobe.postgrest import explain

    r = explain(pgrst_snapshot, method, f"/{table}?select=id,clients(*)&{key}={quote(value)}",
                body={"id": 1} if method in ("POST", "PATCH", "PUT") else None,
                config={"db-schemas": "test"})
    assert r.status in range(200, 600)
    if r.error is None:
        assert r.sql is not None and r.sql.text
