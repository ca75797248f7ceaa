"""One walk of the rules and the state through an ordered run of migration files.

:class:`SequencePass` is the engine's loop, cut at file boundaries so a run can be split
(``_parallel``): ``start`` (the file-name rules), ``file(i)`` for each file in order
(statements, DO blocks, files that fail and roll back), ``end`` (the rules that judge the
final state).  With ``check=False`` a file only advances the state (the rules run only
where the state depends on them: a DO block that catches errors and changes the state keeps
its changes only when its statements raise none), which is how a split run computes the
state at its cut.

>>> from ._source import SourceFile
>>> from ._state import SchemaState
>>> files = [SourceFile.from_text("1_a.sql", "create table public.t (id int);")]
>>> p = SequencePass(files, SchemaState(), ("public",))
>>> p.start(); p.file(0); p.end()
>>> [f.rule for _, _, f in p.ctx.findings], sorted(p.ctx.state.tables)
(['rls-missing'], ['auth.users', 'public.t'])
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ._context import _CREATES, created_object
from ._plpgsql import PlpgsqlBody
from ._rules import RULE_CLASSES, Context, Rule
from ._source import SourceFile, Statement
from ._state import Origin, SchemaState

if TYPE_CHECKING:
    from ..catalog._model import Snapshot


def plpgsql_bodies(f: SourceFile) -> dict[int, PlpgsqlBody]:
    """The compiled PL/pgSQL bodies of a file's DO blocks and functions, by statement."""
    bodies = {}
    for j, st in enumerate(f.statements()):
        if st.kind == "DoStmt" or st.kind == "CreateFunctionStmt":
            body = PlpgsqlBody.of(st)
            if body is not None:
                bodies[j] = body
    return bodies


class SequencePass:
    """The rules (fresh instances) and a state, advanced file by file; findings collect in
    ``ctx.findings`` as ``(file index, position, Finding)``."""

    def __init__(self, files: list[SourceFile], state: SchemaState,
                 exposed_schemas: Sequence[str], baseline: Snapshot | None = None,
                 bodies: dict[int, dict[int, PlpgsqlBody]] | None = None) -> None:
        self.files = files
        self.bodies = {} if bodies is None else bodies
        """Compiled PL/pgSQL bodies by file and statement (passes over the same files
        share them: compiling is the costly part)."""
        self.state = state
        self.ctx = Context(state, files, tuple(exposed_schemas))
        self.rules: list[Rule] = [cls() for cls in RULE_CLASSES]
        self.dispatch: dict[str, list[Rule]] = {}
        for rule in self.rules:
            for kind in rule.visits:
                self.dispatch.setdefault(kind, []).append(rule)
        self.plpgsql_rules = self.dispatch.pop("PLpgSQL", [])
        self.applied = {m.version for m in (baseline.migrations or ())} \
            if baseline is not None else set()
        self.apply = state.apply_handlers()
        self.search_path_changed = False
        """Some statement changed ``search_path`` (sticky, even if its file rolled back)."""

    def start(self) -> None:
        """The rules about the sequence's file names."""
        for rule in self.rules:
            rule.files(self.ctx, self.files)

    def end(self) -> None:
        """The rules about the state after the last file."""
        for rule in self.rules:
            rule.end(self.ctx)

    def _run(self, st: Statement, check: bool) -> None:
        if check:
            for rule in self.dispatch.get(st.kind, ()):
                rule.visit(self.ctx, st)
        handler = self.apply.get(st.kind)
        if handler is not None:
            sp = self.state.search_path
            handler(st.node, self.ctx.origin(st))
            if self.state.search_path != sp:
                self.search_path_changed = True

    def file(self, i: int, *, check: bool = True) -> None:
        """Run file ``i``: its statements (and the SQL its DO blocks run) through the rules
        (unless ``check`` is false) and into the state.  A file that cannot run loses what
        its failing transaction did: everything, or what followed its last ``COMMIT``
        (the Supabase CLI sends the file as one pipeline: see ``_transaction``)."""
        ctx, state, f = self.ctx, self.state, self.files[i]
        ctx.file_index, ctx.file = i, f
        stmts = f.statements()
        bodies = self.bodies.get(i)
        if bodies is None:
            bodies = self.bodies[i] = plpgsql_bodies(f)
        if not check and any(self._rolls_back(b) for b in bodies.values()):
            check = True  # whether the block's changes stay depends on the rules' errors
        if check:
            for p in f.problems:
                ctx.report(p.rule, f, p.pos, p.message, p.hint)
        is_applied = f.version is not None and f.version in self.applied
        fail_at = min((p.pos for p in f.problems if p.fails), default=None)
        may_fail = fail_at is not None or \
            any(p.fails for b in bodies.values() for p in b.problems)
        txn = ctx.txn
        txn.start_file(state, keep_states=may_fail and not is_applied, stmts=stmts)
        visitors = self.dispatch.get if check else None
        handlers, path = self.apply.get, f.path
        for j, st in enumerate(stmts):
            if st.kind == "TransactionStmt":
                txn.control(st, state)
            if not is_applied:  # self._run(st, check), inlined: this loop is the hot path
                if visitors is not None:
                    for rule in visitors(st.kind, ()):
                        rule.visit(ctx, st)
                handler = handlers(st.kind)
                if handler is not None:
                    sp = state.search_path
                    handler(st.node, Origin(path, i, st))
                    if state.search_path != sp:
                        self.search_path_changed = True
            txn.step()
            body = bodies.get(j)
            if body is not None:
                fail_at = self._body(st, body, fail_at, is_applied, check)
        if fail_at is not None and not is_applied:
            txn.fail(state, fail_at, i, stmts, self._created_keys)

    def _body(self, st: Statement, body: PlpgsqlBody, fail_at: int | None,
              is_applied: bool, check: bool) -> int | None:
        """A PL/pgSQL body after its statement: its problems, the PL/pgSQL rules, the SQL
        a DO block runs (``check``: as in :meth:`file`).  Returns the file's first failing
        position so far."""
        ctx, f = self.ctx, st.file
        unchecked = body.kind == "function" and not self.state.check_function_bodies
        for p in body.problems:
            if p.fails and not unchecked:
                fail_at = p.pos if fail_at is None else min(fail_at, p.pos)
            if not check:
                continue
            if p.fails and unchecked:  # created anyway; it fails when it is called
                ctx.report(p.rule, f, p.pos, f"{p.message} (check_function_bodies is off: "
                           "the function is created, and fails when it is called)",
                           p.hint, severity="warning")
            else:
                ctx.report(p.rule, f, p.pos, p.message, p.hint)
        for rule in self.plpgsql_rules if check else ():
            rule.visit_plpgsql(ctx, body)
        if body.kind == "do" and not is_applied:
            self._do_block(st, body, check)
        return fail_at

    def _do_block(self, st: Statement, body: PlpgsqlBody, check: bool) -> None:
        """The SQL statements a DO block runs, through the rules and into the state; when
        its handler catches an error they raise, nothing they did remains."""
        state = self.state
        if body.runs_unreadable_sql:
            state.unreadable.append((self.ctx.origin(st), body.body.lower()))
        # only the state's handlers change it: a block none of whose statements has one
        # (``create role``) needs no copy of the state to roll back to
        before = copy.deepcopy(state.__dict__) if self._rolls_back(body) else None
        n_errors = self.ctx.errors
        for inner in body.sql_statements():
            self._run(inner, check)
        if before is not None and self.ctx.errors > n_errors:
            state.__dict__.update(before)

    def _rolls_back(self, body: PlpgsqlBody) -> bool:
        """Would an error inside this DO block undo changes to the state (its handler
        catches errors and one of its statements changes the state)?"""
        return body.kind == "do" and body.catches_errors and \
            any(inner.kind in self.apply for inner in body.sql_statements())

    def _created_keys(self, st: Statement) -> list[str]:
        hit = created_object(self.state, st) if st.kind in _CREATES else None
        return [f"{hit[0]}:{hit[1]}"] if hit is not None else []
