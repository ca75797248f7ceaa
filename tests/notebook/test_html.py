"""Rich displays stay small and escaped whatever they are given."""

from __future__ import annotations

import dataclasses
import doctest
import importlib
import inspect
import pkgutil
import re
from typing import Any

import pandas as pd
import pytest

from pgprobe.catalog._model import Column, Policy, Relation
from pgprobe.notebook import FindingsView, TableView, frame_html, use_html_tables
from pgprobe.notebook import _html as H

MODULES = ["_html", "_params", "_progress", "_session", "_displays", "_rls", "_magics", "_widgets"]


def test_html_layer_doctests() -> None:
    result = doctest.testmod(importlib.import_module("pgprobe._html"), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted >= 8


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(f"pgprobe.notebook.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_big_frames_are_truncated_and_escaped() -> None:
    df = pd.DataFrame({"id": range(100_000), "evil": ["<script>alert(1)</script>" * 50] * 100_000})
    html = H.frame(df)
    assert html.count("<tr>") == H.MAX_ROWS + 1  # header + MAX_ROWS
    assert "99950 more rows not shown" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert len(html) < 100_000


def test_table_view_of_a_hostile_relation() -> None:
    cols = tuple(Column(f'c"<{i}>', i, "text", "text") for i in range(1, 500))
    rel = Relation("public", "<img src=x onerror=alert(1)>", "table", columns=cols, rls_enabled=True,
                   policies=(Policy("p<b>", "select", True, ("anon",), "(true)"),))
    view = TableView(rel)
    html = view._repr_html_()
    assert "<img" not in html and "&lt;img" in html and "p&lt;b&gt;" in html
    assert "449 more rows not shown" in html
    assert "RLS enabled, 1 policies" in repr(view)


def test_findings_view_orders_by_severity() -> None:
    findings = [
        {"rule": "rls-missing", "severity": "warning", "file": "b.sql", "line": 3, "column": 1,
         "message": "no RLS", "hint": "enable it"},
        {"rule": "error-swallowed", "severity": "error", "file": "a.sql", "line": 9, "column": 5,
         "message": "<swallowed>", "hint": None},
    ]
    view = FindingsView(findings)
    assert [r[1] for r in view.rows()] == ["error-swallowed", "rls-missing"]
    assert view.summary() == "lint: 2 findings (1 error, 1 warning)"
    assert "&lt;swallowed&gt;" in view._repr_html_() and "a.sql:9:5" in repr(view)


# -- every HTML output of pgprobe: math-safe, no NaN, pgprobe's own tables -------------------

DOLLAR_HINT = "wrap it in DO $$ BEGIN ... END $$; costs $5 and $6"


def _container_classes(html: str) -> str:
    """The class attribute of the first element after the leading <style> block."""
    body = re.sub(r"^\s*<style>.*?</style>", "", html, flags=re.DOTALL)
    m = re.match(r"\s*<div class=\"([^\"]*)\"", body)
    assert m, f"not wrapped in a container: {body[:120]!r}"
    return m.group(1)


def assert_safe_html(html: str, what: str) -> None:
    """What every pgprobe HTML output promises (the browser test checks the rendering)."""
    assert set(H.MATH_IGNORE.split()) <= set(_container_classes(html).split()), what
    assert H.protect_math(html) == html, f"{what}: a $ outside the math guards"
    assert not re.search(r"\bNaN\b|\bNaT\b|<NA>", html), f"{what}: NaN shown"
    assert 'class="dataframe"' not in html, f"{what}: raw pandas HTML"


def _rehearsal() -> Any:
    from pgprobe.migrations import DeltaEntry, FileResult, Rehearsal, ServerMessage

    ok = FileResult("/far/away/migrations/001_init.sql", "001", "init", status="applied",
                    delta=[DeltaEntry("created", "table", "public.t", "CREATE TABLE")] * 3)
    bad = FileResult("/far/away/migrations/002_x.sql", "002", "x", status="failed",
                     error=ServerMessage("ERROR", 'syntax error at or near "IF"',
                                         "/far/away/migrations/002_x.sql:6:1", hint=DOLLAR_HINT))
    return Rehearsal(files=[ok, bad], server="test")


def _displayables(snap: Any) -> dict[str, Any]:
    """One real instance of every class of pgprobe that has a ``_repr_html_``."""
    import pgprobe
    from pgprobe.endpoint._compare import Comparison
    from pgprobe.endpoint._staleness import Change, StalenessReport
    from pgprobe.inspect._frame import make_frame
    from pgprobe.inspect._report import Report
    from pgprobe.inspect._why import Waiting
    from pgprobe.inspect.rules._base import RuleResult
    from pgprobe.lint import lint
    from pgprobe.migrations import Postmortem
    from pgprobe.notebook import (
        FindingsView,
        PostgrestView,
        QueryNote,
        Session,
        SnapshotView,
        TableView,
        fold,
    )
    from pgprobe.notebook._displays import RelationshipsView
    from pgprobe.notebook._inspect import BlockingView, WhyWaitingView
    from pgprobe.relationships import RelationshipIndex

    tickets = snap.table("public.tickets")
    other = dataclasses.replace(snap, relations=tuple(
        dataclasses.replace(r, rls_forced=True, comment=DOLLAR_HINT) if r is tickets else r
        for r in snap.relations))
    report = pgprobe.diff(snap, other)
    index = RelationshipIndex.from_snapshot(snap, schemas=["public"])
    lint_report = lint(str(pgprobe.demo.migrations_dir()))
    blocking = make_frame("blocking", ["pid", "root", "wait_s", "query"],
                          [(1, 1, None, "select $1"), (2, 1, 3.5, DOLLAR_HINT)])
    return {
        "Snapshot": snap,
        "TableView": TableView(tickets),
        "SnapshotView": SnapshotView(snap),
        "FindingsView": FindingsView([{"rule": "r", "severity": "error", "file": "a.sql", "line": 1,
                                       "column": 1, "message": "m", "hint": DOLLAR_HINT}]),
        "LintReport": lint_report,
        "PostgrestView": PostgrestView({"status": 200, "body": [{"id": 1, "x": None, "t": DOLLAR_HINT}],
                                        "sql": "select $1"}, method="GET", path="/t?select=*"),
        "RelationshipsView": RelationshipsView(list(index.of("public.tickets"))[:3],
                                               origin="tickets", target="users"),
        "QueryNote": QueryNote(DOLLAR_HINT),
        "Session": Session(snapshot=snap, probe=None, mode="replay", reason=DOLLAR_HINT),
        "Folded": fold(report.to_sql(), "generated migration"),
        "DiffReport": report,
        "Migration": report.to_sql(),
        "TableExpectation": pgprobe.expect(snap).table("public.tickets").has_columns("id", "no_$such$"),
        "Expectations": pgprobe.expect(snap),
        "AdviseReport": pgprobe.advise(snap),
        "Page": pgprobe.docs(snap).table("public.tickets"),
        "Docs": pgprobe.docs(snap),
        "Rehearsal": _rehearsal(),
        "Postmortem": Postmortem("pm", "migrations", lint=lint_report, rehearsal=_rehearsal(),
                                 history=pd.DataFrame({"version": ["1"], "status": ["applied"],
                                                       "fix": [None]})),
        "Comparison": Comparison("GET", "/t", "http://x", 200, 200, differences=[DOLLAR_HINT]),
        "StalenessReport": StalenessReport("http://x", "public",
                                           [Change("missing_column", "public.t.a", None, DOLLAR_HINT)]),
        "InspectFrame": blocking,
        "Report": Report([RuleResult("r", "warn", "fail", DOLLAR_HINT, ["$1"])]),
        "BlockingView": BlockingView(blocking),
        "WhyWaitingView": WhyWaitingView([Waiting(2, DOLLAR_HINT, suggestion="select pg_cancel_backend($1)")]),
    }


def _classes_with_repr_html() -> set[type]:
    import pgprobe

    found: set[type] = set()
    for mod in pkgutil.walk_packages(pgprobe.__path__, "pgprobe."):
        if (".graph" in mod.name or mod.name.endswith(("._widgets", "__main__"))
                or "demo" in mod.name):
            continue  # graph/ and the widgets are the browser's and answers' (own tests)
        module = importlib.import_module(mod.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and "_repr_html_" in vars(cls):
                found.add(cls)
    return found


def test_every_html_output_is_math_safe_without_nan(demo_snapshot: Any) -> None:
    shown = _displayables(demo_snapshot)
    # a new _repr_html_ somewhere must be added here, so it is held to the same promises
    missing = {cls.__name__ for cls in _classes_with_repr_html()
               if not any(isinstance(obj, cls) for obj in shown.values())}
    assert missing <= {"LiveBlocking"}, f"_repr_html_ not covered by this test: {sorted(missing)}"
    for name, obj in shown.items():
        assert_safe_html(obj._repr_html_(), name)


def test_dollars_are_guarded_outside_code_only() -> None:
    html = H.box(H.note(DOLLAR_HINT) + H.code("create function f() returns int as $$ select $1 $$"))
    assert html.count(f'<span class="{H.MATH_IGNORE}">$$</span>') == 2
    assert "as $$ select $1 $$" in html  # inside <pre>: MathJax skips it, copy-paste intact
    assert H.protect_math(html) == html  # idempotent: nested boxes do not double-wrap
    md = H.markdown_safe("costs $5 and $6, `$1` stays code")
    assert "&#36;5" in md and "`$1`" in md and H.MATH_IGNORE in md


def test_frames_show_no_nan_and_no_cut_and_keep_identifiers_whole() -> None:
    long = "the API returns [] to every role that is not the owner: " * 3
    df = pd.DataFrame({"constraint": ["ticket_activities_ticket_id_fkey_" * 3, None],
                       "rows": [1.0, float("nan")], "when": [pd.NaT, pd.Timestamp("2026-01-01")],
                       "why": [long, pd.NA], "nested": [{"a": float("nan")}, [1, None]]})
    html = frame_html(df)
    assert_safe_html(html, "frame")
    assert long.strip() in html  # no cut at 50 characters
    cells = re.findall(r"<tr>(<td.*?)</tr>", html)[0]  # the first body row
    tds = re.findall(r"<td( class=pgp-long)?>", cells)
    assert tds[0] == "" and tds[3] == " class=pgp-long"  # a long name stays whole, prose wraps
    css = H.style()
    assert "table-layout:auto" in css and "white-space:nowrap;word-break:normal;overflow-wrap:normal" in css
    assert "pgp-scroll" in html and "overflow-x:auto" in html  # wide tables scroll in the cell


def test_meaningful_index_is_shown_row_numbers_are_not() -> None:
    counts = pd.DataFrame({"n": [2, 1]}, index=pd.Index(["error", "warning"], name="severity"))
    assert "<th>severity</th>" in H.frame(counts)
    filtered = pd.DataFrame({"a": [1, 2, 3]})[lambda d: d.a > 1]
    assert H.frame(filtered).count("<th>") == 1


def test_pandas_frames_use_pgprobe_tables_in_ipython(ip: Any) -> None:
    assert use_html_tables(ip)
    data, _ = ip.display_formatter.format(pd.DataFrame({"a": [None, "x"]}))
    assert 'class="dataframe"' not in data["text/html"] and "NaN" not in data["text/html"]
    assert use_html_tables(ip, enable=False)
    data, _ = ip.display_formatter.format(pd.DataFrame({"a": [None, "x"]}))
    assert 'class="dataframe"' in data["text/html"]
    use_html_tables(ip)


def test_rehearsal_folds_each_file_behind_one_line() -> None:
    html = _rehearsal()._repr_html_()
    summaries = re.findall(r"<details><summary>(.*?)</summary>", html)
    assert "001_init.sql · applied · 3 changes (3 created)" in summaries
    assert any(s.startswith("002_x.sql · failed") for s in summaries)
    assert "002_x.sql:6:1" in html and "/far/away" not in html  # short paths
