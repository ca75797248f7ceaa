"""ipywidgets for exploring a snapshot: schema explorer, relationship finder, request builder.

Each class builds its widget tree once and updates plain ``HTML`` widgets when a picker
changes, so the state is testable without a browser (``explorer.table.value = "tickets"``
then read ``explorer.sections["columns"].value``).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import ipywidgets as w
import traitlets

from .._errors import PgprobeError
from . import _html as H
from ._bridge import (
    draw_erd,
    erd_svg,
    exposed_schemas,
    paths_between,
    relationship_index,
    relationships_from,
)
from ._displays import TableView, grants_rows

__all__ = ["SchemaExplorer", "RelationshipFinder", "RequestBuilder", "Pager", "embed_rows"]


def _error_html(exc: Exception) -> str:
    return H.box(H.note(str(exc), "error"))


def embed_rows(snap: Any, table: str) -> list[tuple[str, str, str, str]]:
    """``(embed, cardinality, relationship, select=)`` for every relationship from ``table``.

    ``embed`` is the shortest ``target[!hint]`` that selects exactly that relationship, as the
    PostgREST engine resolves it; a target reached in several ways says so (the bare name
    then fails with PGRST201)."""
    index = relationship_index(snap)
    origin = snap.table(table)
    rows = []
    for r in relationships_from(snap, table):
        target = r.foreign_table.name
        embed = index.embed_target(r) or r.embed_hint
        ways = len(index.candidates(origin.schema, origin.name, target))
        note = f" (ambiguous: {ways} ways; `{target}(*)` fails with PGRST201)" if ways > 1 else ""
        rows.append((embed, r.cardinality_name, r.description + note, f"select=*,{embed}(*)"))
    return rows


class SchemaExplorer:
    """Schema and table pickers; the table's columns, constraints, indexes, policies,
    grants, embed hints and focus ERD update on each pick.

    >>> SchemaExplorer(snap).widget   # doctest: +SKIP
    """

    SECTIONS = ("columns", "constraints", "indexes", "policies", "grants", "embeds", "erd")

    def __init__(self, snap: Any, *, table: str | None = None, erd: bool = True) -> None:
        self.snap = snap
        self.show_erd = erd
        schemas = sorted({r.schema for r in snap.relations})
        start_schema = "public" if "public" in schemas else (schemas[0] if schemas else None)
        if table:
            start_schema = snap.table(table).schema
        self.schema = w.Dropdown(options=schemas, value=start_schema, description="schema")
        self.table = w.Dropdown(options=self._tables(start_schema), description="table")
        self.header = FittedHTML()
        self.sections = {name: FittedHTML() for name in self.SECTIONS}
        self.tabs = w.Tab(children=[self.sections[n] for n in self.SECTIONS])
        for i, name in enumerate(self.SECTIONS):
            self.tabs.set_title(i, name)
        # a click on a table in the ERD tab writes its qualified name here (hidden)
        self.pick = w.Text(value="", layout=w.Layout(display="none"))
        self.pick.add_class("pgprobe-erd-pick")
        self.widget = w.VBox([w.HBox([self.schema, self.table]), self.header, self.tabs, self.pick])
        self.widget.add_class("pgprobe-explorer")
        self._holding = False
        self.schema.observe(self._on_schema, names="value")
        self.table.observe(self._on_table, names="value")
        self.pick.observe(self._on_pick, names="value")
        if table:
            self.table.value = snap.table(table).name
        self.update()

    def _tables(self, schema: str | None) -> list[str]:
        return sorted(r.name for r in self.snap.relations if r.schema == schema)

    def _on_schema(self, change: dict[str, Any]) -> None:
        options = self._tables(change["new"])
        self.table.options = options
        self.table.value = options[0] if options else None
        self.update()

    def _on_table(self, change: dict[str, Any]) -> None:
        self.update()

    def select(self, name: str) -> None:
        """Show ``name`` (``schema.table`` or a table of the current schema), as a click on
        it in the ERD tab does. A name the snapshot does not have changes nothing."""
        try:
            rel = self.snap.table(name)
        except PgprobeError:
            return
        if rel.qualified_name == self.qualified:
            return
        self._holding = True
        try:
            if self.schema.value != rel.schema:
                self.schema.value = rel.schema
            self.table.value = rel.name
        finally:
            self._holding = False
        self.update()

    def _on_pick(self, change: dict[str, Any]) -> None:
        if change["new"]:
            self.select(change["new"])
            self.pick.value = ""

    @property
    def qualified(self) -> str | None:
        if self.schema.value is None or self.table.value is None:
            return None
        return f"{self.schema.value}.{self.table.value}"

    def update(self) -> None:
        if self._holding:
            return
        name = self.qualified
        if name is None:
            self.header.value = H.box(H.note("no relations in this schema", "warning"))
            for s in self.sections.values():
                s.value = ""
            return
        rel = self.snap.table(name)
        view = TableView(rel)
        kind = "ok" if rel.rls_enabled and rel.policies else ("error" if rel.rls_enabled else "warning")
        self.header.value = H.box(f"<b>{H.esc(rel.kind)} {H.esc(name)}</b> "
                                  f"{H.badge(view.rls, kind)} {H.esc(rel.comment or '')}")
        for section, (headers, rows) in view.sections().items():
            if section in self.sections:
                self.sections[section].value = H.box(H.table(rows, headers))
        self.sections["policies"].value = H.box(H.note(view.rls, kind) + H.table(
            *view.sections()["policies"][::-1]))
        self.sections["grants"].value = H.box(H.table(grants_rows(rel.grants), ["grantee", "privileges"]))
        try:
            rows = embed_rows(self.snap, name)
            self.sections["embeds"].value = H.box(H.table(
                rows, ["embed", "cardinality", "relationship", "PostgREST select"]))
        except PgprobeError as exc:
            self.sections["embeds"].value = _error_html(exc)
        if self.show_erd:
            try:
                graph = draw_erd(self.snap, focus=name, depth=1, legend=False, cards=False)
                viewer = (graph.html(hint="drag to pan · ctrl+wheel or −/+ to zoom · click a table to explore it")
                          if hasattr(graph, "html") else erd_svg(graph))
                self.sections["erd"].value = f'<div class="pgprobe-erd">{viewer}</div>'
            except PgprobeError as exc:
                self.sections["erd"].value = _error_html(exc)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


class RelationshipFinder:
    """Two table pickers -> every FK path between them with its SQL joins and the
    PostgREST ``select=`` that embeds one from the other."""

    def __init__(self, snap: Any, *, left: str | None = None, right: str | None = None,
                 max_length: int = 3) -> None:
        self.snap = snap
        names = sorted(r.qualified_name for r in snap.relations)
        self.left = w.Dropdown(options=names, description="from",
                               value=snap.table(left).qualified_name if left else (names[0] if names else None))
        self.right = w.Dropdown(options=names, description="to",
                                value=snap.table(right).qualified_name if right else
                                (names[1] if len(names) > 1 else None))
        self.max_length = w.IntSlider(value=max_length, min=1, max=5, description="max hops")
        self.output = FittedHTML()
        self.widget = w.VBox([w.HBox([self.left, self.right, self.max_length]), self.output])
        self.widget.add_class("pgprobe-relationships")
        for picker in (self.left, self.right, self.max_length):
            picker.observe(lambda _c: self.update(), names="value")
        self.update()

    def rows(self) -> list[tuple[str, str, str, str]]:
        a, b = self.left.value, self.right.value
        if a is None or b is None or a == b:
            return []
        out = []
        for p in paths_between(self.snap, a, b, max_length=self.max_length.value):
            table = a.split(".", 1)[1] if a.startswith("public.") else a
            out.append((str(p), p.sql(), p.select(), f"/{table}?select={p.select()}"))
        return out

    def update(self) -> None:
        a, b = self.left.value, self.right.value
        if a == b:
            self.output.value = H.box(H.note("pick two different relations", "warning"))
            return
        try:
            rows = self.rows()
            direct = [r for r in relationships_from(self.snap, a) if str(r.foreign_table) == b]
        except PgprobeError as exc:
            self.output.value = _error_html(exc)
            return
        head = ""
        if direct:
            kind = "warning" if len(direct) > 1 else "ok"
            msg = (f"{len(direct)} direct relationships: embedding {b} from {a} needs a hint"
                   if len(direct) > 1 else f"one direct relationship: {direct[0].description}")
            index = relationship_index(self.snap)
            head = H.note(msg, kind) + H.table(
                ((index.embed_target(r) or r.embed_hint, r.cardinality_name, r.description)
                 for r in direct), ["embed", "cardinality", "relationship"])
        elif not rows:
            head = H.note(f"no FK path from {a} to {b} within {self.max_length.value} hops", "warning")
        self.output.value = H.box(head + H.table(rows, ["path", "SQL joins", "select=", "request"]))

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


_FIT = '<div class="pgprobe-fit" style="display:grid;grid-template-columns:minmax(0,1fr)">'


def _fitted(html: str) -> str:
    """``html`` sized by the widget, not by its widest content.

    An HTML widget's content is a flex item whose minimum width is its content's: a result
    table made it wider than the cell, and the cell clipped it ("HTTP 200 · Co"). A one-column
    grid whose track may shrink to 0 gives the content no minimum, so the panels wrap and a
    wide table scrolls inside its panel.
    """
    return html if not html or html.startswith(_FIT) else f"{_FIT}{html}</div>"


class FittedHTML(w.HTML):  # type: ignore[misc]
    """An ``HTML`` widget as wide as the cell whose content never widens it (see `_fitted`):
    every panel of pgprobe's widgets is one, so no answer is cut at the cell's edge."""

    def __init__(self, **kwargs: Any) -> None:
        # no margin: 100% plus the default 2px margins ran 4px past the cell
        kwargs.setdefault("layout", w.Layout(width="100%", margin="0"))
        super().__init__(**kwargs)

    @traitlets.validate("value")
    def _fit(self, proposal: Any) -> str:
        return _fitted(proposal["value"])


class RequestBuilder:
    """Pick a table, columns and embeds -> the PostgREST URL, its SQL and the live result."""

    def __init__(self, session: Any, *, table: str | None = None, role: str = "anon",
                 claims: dict[str, Any] | None = None, limit: int = 10, auto_run: bool = True) -> None:
        self.session = session
        snap = session.snap
        self.snap = snap
        schemas = exposed_schemas(snap)
        names = sorted(r.qualified_name for r in snap.relations if r.schema in schemas)
        start = snap.table(table).qualified_name if table else (names[0] if names else None)
        self.table = w.Dropdown(options=names, value=start, description="table")
        # half the row each: at the 300px default, names like
        # "users!tickets_assignee_fkey (many-to-one)" ran past the list's edge
        self.columns = w.SelectMultiple(options=[], description="columns", rows=6,
                                        layout=w.Layout(width="48%"))
        self.embeds = w.SelectMultiple(options=[], description="embeds", rows=6,
                                       layout=w.Layout(width="48%"))
        self.role = w.Dropdown(options=["anon", "authenticated", "service_role"], value=role,
                               description="as")
        self.claims = w.Text(value=json.dumps(claims) if claims else "", description="claims",
                             placeholder='{"sub": "..."}')
        self.limit = w.BoundedIntText(value=limit, min=1, max=1000, description="limit")
        self.run_button = w.Button(description="run", button_style="primary")
        self.auto_run = auto_run
        # full width: an HTML widget is an inline box of --jp-widgets-inline-width (300px)
        # otherwise, which clipped the result ("HTTP 200 · Co")
        self.url = FittedHTML()
        self.output = FittedHTML()
        self.result: Any = None
        self.widget = w.VBox([
            w.HBox([self.table, self.role, self.limit]),
            w.HBox([self.columns, self.embeds]),
            w.HBox([self.claims, self.run_button]),
            self.url, self.output,
        ], layout=w.Layout(width="100%"))
        self.widget.add_class("pgprobe-request-builder")
        self.table.observe(self._on_table, names="value")
        for picker in (self.columns, self.embeds, self.role, self.limit, self.claims):
            picker.observe(lambda _c: self.update(), names="value")
        self.run_button.on_click(lambda _b: self.update(run=True))
        self._fill_options()
        self.update()

    def _fill_options(self) -> None:
        name = self.table.value
        if name is None:
            return
        rel = self.snap.table(name)
        self.columns.options = list(rel.column_names)
        try:
            self.embeds.options = [(f"{r[0]} ({r[1]})", r[0]) for r in embed_rows(self.snap, name)]
        except PgprobeError:
            self.embeds.options = []

    def _on_table(self, change: dict[str, Any]) -> None:
        self.columns.value = ()
        self.embeds.value = ()
        self._fill_options()
        self.update()

    def path(self) -> str:
        """The request path: ``/tickets?select=id,title,users!tickets_assignee_fkey(*)&limit=10``."""
        name = self.table.value
        rel = self.snap.table(name)
        items = list(self.columns.value) or ["*"]
        items += [f"{e}(*)" for e in self.embeds.value]
        select = ",".join(items)
        safe = "*,()!:.-_>"
        return f"/{quote(rel.name, safe='')}?select={quote(select, safe=safe)}&limit={self.limit.value}"

    def headers(self) -> dict[str, str]:
        rel = self.snap.table(self.table.value)
        return {"Accept-Profile": rel.schema} if rel.schema != "public" else {}

    def _claims(self) -> dict[str, Any] | None:
        text = self.claims.value.strip()
        if not text:
            return None
        value = json.loads(text)
        return value if isinstance(value, dict) else None

    def update(self, *, run: bool | None = None) -> None:
        from ._displays import PostgrestView
        from ._magics import run_postgrest

        if self.table.value is None:
            return
        path = self.path()
        cell = "GET " + path + "".join(f"\n{k}: {v}" for k, v in self.headers().items())
        self.url.value = H.box(H.code("GET " + path))
        do_run = self.auto_run if run is None else run
        try:
            claims = self._claims()
        except json.JSONDecodeError as exc:
            self.output.value = _error_html(ValueError(f"claims: not JSON ({exc.msg})"))
            return
        try:
            view: PostgrestView = run_postgrest(cell, role=self.role.value, claims=claims,
                                                explain_only=not do_run, session=self.session)
        except PgprobeError as exc:
            self.output.value = _error_html(exc)
            return
        self.result = view
        self.output.value = _fitted(view._repr_html_())

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)




class Pager:
    """A large DataFrame one page at a time (only the current page is ever rendered).

    >>> import pandas as pd
    >>> p = Pager(pd.DataFrame({"n": range(120)}), per_page=50)
    >>> p.next.click(); p.page, p.pages
    (2, 3)
    """

    def __init__(self, df: Any, *, per_page: int = 50) -> None:
        self.df = df
        self.per_page = max(1, per_page)
        self.pages = max(1, -(-len(df) // self.per_page))
        self.page = 1
        self.prev = w.Button(description="◀ previous", layout=w.Layout(width="9em"))
        self.next = w.Button(description="next ▶", layout=w.Layout(width="9em"))
        self.label = w.Label()
        self.output = FittedHTML()
        self.prev.on_click(lambda _b: self.show(self.page - 1))
        self.next.on_click(lambda _b: self.show(self.page + 1))
        self.widget = w.VBox([w.HBox([self.prev, self.label, self.next]), self.output])
        self.widget.add_class("pgprobe-pager")
        self.show(1)

    def show(self, page: int) -> None:
        self.page = min(max(1, page), self.pages)
        start = (self.page - 1) * self.per_page
        chunk = self.df.iloc[start:start + self.per_page]
        self.label.value = (f"page {self.page}/{self.pages} · rows {start + 1}-{start + len(chunk)} "
                            f"of {len(self.df)}")
        self.prev.disabled = self.page == 1
        self.next.disabled = self.page == self.pages
        self.output.value = H.box(H.frame(chunk, max_rows=self.per_page))

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
