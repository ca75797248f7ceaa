"""Transaction boundaries inside a migration file, the way the Supabase CLI applies it.

The CLI (``pkg/migration/file.go``, ``MigrationFile.ExecBatch``) splits a file into its
statements and sends them as one pgconn batch: one Parse/Bind/Execute per statement and a
single Sync at the end (the extended protocol's pipeline), followed by the INSERT into
``supabase_migrations.schema_migrations``.  PostgreSQL runs everything up to the Sync as
one implicit transaction, except where the file itself says otherwise:

* ``COMMIT`` (or ``END``) commits what ran before it; the next statement starts a new
  transaction, and a ``ROLLBACK`` undoes the current one;
* a statement that cannot run in a transaction block (``CREATE INDEX CONCURRENTLY``,
  ``VACUUM``, ...) runs only as the first statement of the pipeline or right after a
  ``COMMIT``, outside ``BEGIN ... COMMIT`` (elsewhere: "cannot run inside a transaction
  block" / "cannot be executed within a pipeline");
* a new enum value (``ALTER TYPE ... ADD VALUE``) is usable once its transaction commits;
* when a statement fails, what its transaction did is rolled back, and what earlier
  ``COMMIT`` s committed stays.

>>> from ._source import SourceFile
>>> f = SourceFile.from_text("1_a.sql", "create table t (a int); commit; vacuum t;")
>>> txn = Transactions()
>>> firsts = []
>>> txn.start_file(None, keep_states=False, stmts=f.statements())
>>> for st in f.statements():
...     if st.kind == "TransactionStmt":
...         txn.control(st, None)
...     firsts.append(txn.fresh)
...     txn.step()
>>> firsts
[True, False, True]
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ._state import Origin

if TYPE_CHECKING:
    from ._source import Statement
    from ._state import SchemaState

_ENDS = frozenset({"TRANS_STMT_COMMIT", "TRANS_STMT_ROLLBACK"})
_STARTS = frozenset({"TRANS_STMT_BEGIN", "TRANS_STMT_START"})


class Transactions:
    """Where the statement being looked at stands: ``fresh`` (first of its transaction, so
    a statement that refuses transaction blocks may run), ``explicit`` (inside ``BEGIN``),
    ``number`` (changes with every new transaction: the rules that wait for a commit key
    on it)."""

    def __init__(self) -> None:
        self.fresh = True
        self.explicit = False
        self.number = 0
        self._next_fresh = False
        self._keep = False
        self._start: dict[str, Any] | None = None
        self._commits: list[tuple[int, dict[str, Any]]] = []
        self._has_rollback = False

    def start_file(self, state: SchemaState | None, *, keep_states: bool,
                   stmts: Sequence[Statement]) -> None:
        """A new file: a new pipeline.  ``keep_states``: the file is known to fail, so the
        state at each commit is kept (the failure rolls back to the last one)."""
        self.number += 1
        self.fresh, self.explicit, self._next_fresh = True, False, False
        self._commits = []
        self._has_rollback = any(
            st.kind == "TransactionStmt" and st.node.get("kind") == "TRANS_STMT_ROLLBACK"
            for st in stmts) if any(st.kind == "TransactionStmt" for st in stmts) else False
        self._keep = keep_states
        self._start = copy.deepcopy(state.__dict__) \
            if state is not None and (keep_states or self._has_rollback) else None
        if self._start is not None:
            self._commits.append((-1, self._start))

    def step(self) -> None:
        """After each top-level statement."""
        self.fresh, self._next_fresh = self._next_fresh, False

    def control(self, st: Statement, state: SchemaState | None) -> None:
        """A ``BEGIN`` / ``COMMIT`` / ``ROLLBACK`` written in the file."""
        kind = st.node.get("kind")
        if kind in _STARTS:
            self.explicit = True
        elif kind in _ENDS:
            if kind == "TRANS_STMT_ROLLBACK" and state is not None and self._start is not None:
                state.__dict__.update(copy.deepcopy(self._start))
            self.explicit = bool(st.node.get("chain"))
            self._next_fresh = not self.explicit
            self.number += 1
            if state is not None and (self._keep or self._has_rollback):
                self._start = copy.deepcopy(state.__dict__)
                self._commits.append((st.pos, self._start))

    def fail(self, state: SchemaState, fail_at: int, file_index: int,
             stmts: Sequence[Statement],
             created: Callable[[Statement], list[str]]) -> None:
        """The file fails at character ``fail_at``: back to the state of its last commit
        before that, and remember what the lost statements would have created (so later
        uses say "rolled back with that file", not "does not exist")."""
        restore_pos, saved = -1, None
        for pos, snap in self._commits:
            if pos < fail_at:
                restore_pos, saved = pos, snap
        if saved is not None:
            state.__dict__.update(saved)
        for st in (st for st in stmts if st.pos > restore_pos):
            for key in created(st):
                state.rolled_back.setdefault(key, (Origin(st.file.path, file_index, st),
                                                   fail_at))
