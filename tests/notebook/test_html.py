"""Rich displays stay small and escaped whatever they are given."""

from __future__ import annotations

import doctest
import importlib

import pandas as pd
import pytest

from pgprobe.catalog._model import Column, Policy, Relation
from pgprobe.notebook import FindingsView, TableView
from pgprobe.notebook import _html as H

MODULES = ["_html", "_params", "_progress", "_session", "_displays", "_rls", "_magics", "_widgets"]


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
