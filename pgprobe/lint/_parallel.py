"""A long run of migration files linted by two processes, with the findings of one.

The sequence is cut at a file boundary ``k``.  After the imports (and reading the files)
the process forks two children and waits for their findings:

* the first parses files ``[0, k)``, advances a state through them without the rules
  (:meth:`SequencePass.file` with ``check=False``), hands that state to the second, then
  runs the rules over ``[0, k)`` from the baseline as the sequential engine would;
* the second parses files ``[k, n)`` meanwhile (and computes what does not depend on the
  state), waits for the state at the cut, runs the rules over ``[k, n)`` and the
  end-of-sequence rules.

Both see exactly the state the sequential walk has at each file, so the findings are the
same, in the same order.  The state crosses as a pickle in which the statement that made
each object keeps only its place (:class:`~._source.Placed`; its parse tree stays
behind).  The parse trees live and die in the children, which exit without freeing them.

A run is split only when it is long enough to gain (``MIN_CHARS``), two CPUs are usable
and the process can fork safely (no other threads).  It is split on a busy machine too:
the scheduler shares the CPUs per process, so two processes get more of them than one
(measured with one and with two other CPU-bound processes running: 0.30 s against 0.34 s,
0.42 s against 0.53 s).  The run must not change ``search_path`` (the one setting that makes "which
object does this CREATE make" depend on when it is asked): a file with a line that is a
``SET search_path ...;`` statement is not split, and a child whose statements did change
it (or that failed in any way) makes the caller lint sequentially.

>>> split_point([]) is None
True
"""

from __future__ import annotations

import io
import os
import pickle
import re
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ._context import _CREATES, created_object
from ._finding import Finding
from ._pass import SequencePass, plpgsql_bodies
from ._plpgsql import PlpgsqlBody
from ._source import Placed, SourceFile
from ._state import Origin, SchemaState, table_definition

if TYPE_CHECKING:
    from ..catalog._model import Snapshot

Found = list[tuple[int, int, Finding]]

MIN_CHARS = 400_000
"""Runs with less SQL than this stay in one process (forking costs more than it saves)."""

FIRST_SHARE = 0.47
"""Fraction of the SQL the first child lints: it also computes the state at the cut."""

_SET_SEARCH_PATH = re.compile(r"^\s*set\s+(?:session\s+|local\s+)?search_path\b[^;\n]*;",
                              re.I | re.M)
"""A line that is a statement changing ``search_path`` (not a function's ``SET`` clause,
which ends no statement on its line); the children check what really ran."""


def usable_cpus() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """``fork`` exists and no other thread runs (forking a threaded process is unsafe)."""
    if not hasattr(os, "fork"):  # pragma: no cover - Windows
        return False
    threading = sys.modules.get("threading")
    return threading is None or threading.active_count() == 1


def split_point(files: Sequence[SourceFile], *, force: bool = False) -> int | None:
    """The file index to cut the run at, or ``None`` to lint it in one process.

    ``force`` ignores the size threshold (not the conditions that keep the findings
    exact).
    """
    if len(files) < 2 or usable_cpus() < 2 or not can_fork():
        return None
    sizes = [len(f.text) for f in files]
    total = sum(sizes)
    if total < MIN_CHARS and not force:
        return None
    if any("search_path" in f.text.lower() and _SET_SEARCH_PATH.search(f.text) for f in files):
        return None  # it would be linted twice: split, find the change, then sequentially
    goal, acc = total * FIRST_SHARE, 0
    for k, size in enumerate(sizes):
        if acc + size / 2 > goal:
            return min(max(k, 1), len(files) - 1)
        acc += size
    return len(files) - 1  # pragma: no cover - the loop always returns


class _NotSplittable(Exception):
    """The run changes ``search_path``: only the sequential walk gives its findings."""


# -- the state across the fork: statements travel as places ------------------------------

_files: list[SourceFile] = []
"""The run's files, in the child, for origins arriving in the state's pickle."""


def _origin(file: str, file_index: int, at: int, byte_start: int, base_char: int | None,
            guarded: bool) -> Origin:
    """An origin whose statement is only its place (``at``: its file's index, or -1)."""
    return Origin(file, file_index,
                  Placed(_files[at], byte_start, base_char, guarded) if at >= 0 else None)


def _state_pickle(state: SchemaState, files: Sequence[SourceFile]) -> bytes:
    index = {id(f): i for i, f in enumerate(files)}

    def origin(o: Origin) -> tuple[Any, tuple[Any, ...]]:
        st = o.stmt
        if st is None:
            return _origin, (o.file, o.file_index, -1, 0, None, False)
        return _origin, (o.file, o.file_index, index[id(st.file)], st.byte_start,
                         st.base_char, st.guarded)

    buf = io.BytesIO()
    p = pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL)
    p.dispatch_table = {Origin: origin}
    p.dump(state)
    return buf.getvalue()


# -- pipes ----------------------------------------------------------------------------------

def _read_all(fd: int) -> bytes:
    chunks: list[bytes] = []
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _shared_buffer() -> int:
    """A file both children see (the first writes the state while the second still
    parses: through a pipe, whose writer blocks until it is read, it would wait)."""
    if hasattr(os, "memfd_create"):
        return os.memfd_create("pgprobe-lint-state")
    import tempfile  # pragma: no cover - not Linux

    fd, path = tempfile.mkstemp(prefix="pgprobe-lint-")  # pragma: no cover
    os.unlink(path)  # pragma: no cover
    return fd  # pragma: no cover


# -- the split run ----------------------------------------------------------------------------

def lint_split(files: list[SourceFile], k: int, baseline: Snapshot | None,
               exposed_schemas: Sequence[str]) -> Found | None:
    """Findings of the whole run (as ``SequencePass`` collects them), files ``[0, k)`` and
    ``[k, n)`` linted by two forked children; ``None`` when one failed (lint sequentially).

    The parent only waits: the parse trees live and die in the children, which exit
    without freeing them.
    """
    buffer = _shared_buffer()
    ready_r, ready_w = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    children: list[tuple[int, int]] = []
    try:
        children.append(_spawn(lambda: _first(files, k, baseline, exposed_schemas, buffer,
                                              ready_w), close=(ready_r,)))
        children.append(_spawn(lambda: _rest(files, k, baseline, exposed_schemas, buffer,
                                             ready_r), close=(ready_w,)))
    except OSError:  # cannot fork now (process limit, memory): collect what started
        pass
    finally:
        for fd in (buffer, ready_r, ready_w):
            os.close(fd)
    replies = [_reply(pid, fd) for pid, fd in children]
    if len(replies) < 2 or any(r is None for r in replies):
        return None
    return [x for r in replies for x in r]  # type: ignore[union-attr]


def _spawn(work: Callable[[], Found], close: Sequence[int]) -> tuple[int, int]:
    """Fork a child that runs ``work`` and pickles ``(ok, findings or error)`` to a pipe;
    returns its pid and the pipe's reading end."""
    reply_r, reply_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child (its findings are checked)
        code = 0
        try:
            os.close(reply_r)
            for fd in close:
                os.close(fd)
            try:
                reply = pickle.dumps((True, work()), protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException as exc:  # noqa: BLE001 - the parent lints sequentially
                reply = pickle.dumps((False, repr(exc)))
            _write_all(reply_w, reply)
            os.close(reply_w)
            os.closerange(0, 3)  # whoever reads a pipe on stdout need not wait for the exit
        except BaseException:  # noqa: BLE001
            code = 1
        finally:
            os._exit(code)  # no teardown: the parse trees die with the process
    os.close(reply_w)
    return pid, reply_r


def _reply(pid: int, fd: int) -> Found | None:
    """The child's findings, ``None`` if it failed."""
    try:
        data = _read_all(fd)
    finally:
        os.close(fd)
        _, status = os.waitpid(pid, 0)
    if status != 0 or not data:
        return None
    ok, found = pickle.loads(data)
    return found if ok else None  # type: ignore[no-any-return]


def _first(files: list[SourceFile], k: int, baseline: Snapshot | None,
           exposed_schemas: Sequence[str], buffer: int,
           ready: int) -> Found:  # pragma: no cover - runs in a child
    """Files ``[0, k)``: the state at the cut for the other child first, then the rules."""
    try:
        for i in range(k):
            files[i].statements()
        bodies: dict[int, dict[int, PlpgsqlBody]] = {}
        cut = SequencePass(files, SchemaState(baseline), exposed_schemas, baseline, bodies)
        for i in range(k):
            cut.file(i, check=False)
        if cut.search_path_changed:
            raise _NotSplittable
        data = _state_pickle(cut.state, files)
        os.pwrite(buffer, data, 0)
        _write_all(ready, len(data).to_bytes(8, "little"))
    finally:
        os.close(ready)
    run = SequencePass(files, SchemaState(baseline), exposed_schemas, baseline, bodies)
    run.ctx._future = cut.ctx._future  # noqa: SLF001 - the same whenever it is built
    run.ctx._creations = cut.ctx._creations  # noqa: SLF001 - built with it
    run.start()
    for i in range(k):
        run.file(i)
    return run.ctx.findings


def _prework(files: list[SourceFile], k: int) -> dict[int, dict[int, PlpgsqlBody]]:
    """What the rules over files ``[k, n)`` compute that does not depend on the state at
    the cut (given the ``search_path`` every split run keeps), done while the other child
    computes that state: PL/pgSQL bodies, created objects, tables' columns (cached)."""
    bodies = {}
    fresh = SchemaState()
    for i in range(k, len(files)):
        bodies[i] = plpgsql_bodies(files[i])
        for st in files[i].statements():
            if st.kind in _CREATES:
                created_object(fresh, st)
            if st.kind == "CreateStmt":
                table_definition(st.node, fresh.search_path)
    return bodies


def _rest(files: list[SourceFile], k: int, baseline: Snapshot | None,
          exposed_schemas: Sequence[str], buffer: int,
          ready: int) -> Found:  # pragma: no cover - runs in a child
    """Files ``[k, n)`` from the state at the cut, then the end-of-sequence rules."""
    bodies = _prework(files, k)
    size = int.from_bytes(_read_all(ready), "little")
    os.close(ready)
    global _files
    _files = files
    state: SchemaState = pickle.loads(os.pread(buffer, size, 0))
    run = SequencePass(files, state, exposed_schemas, baseline, bodies)
    for i in range(k, len(files)):
        run.file(i)
    run.end()
    if run.search_path_changed:
        raise _NotSplittable
    return run.ctx.findings
