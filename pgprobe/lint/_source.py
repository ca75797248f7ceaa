"""Migration files as an ordered sequence of statements with positions.

Reads each file once, parses it with PostgreSQL's own grammar (pglast's JSON parser, the
fastest path), and when the file does not parse, splits it into statements with pglast's
scanner so one bad statement does not hide the rest: procedural PL/pgSQL written as plain
SQL (``IF ... THEN``, ``EXCEPTION WHEN``, ``RAISE``, ``BEGIN ... END``) is recognised and
the plain SQL statements inside it are still read.

>>> f = SourceFile.from_text("m/20240101000000_a.sql", "create table t (id int);\\nIF x THEN\\n")
>>> [s.kind for s in f.statements()], [e.rule for e in f.problems]
(['CreateStmt'], ['procedural-outside-plpgsql'])
"""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pglast.parser import ParseError, parse_sql_json, scan

from .._errors import InputError

_json_loads: Callable[[str], Any]
try:  # orjson decodes the parser's JSON 3x faster; the standard library is the fallback
    from orjson import loads as _json_loads
except ImportError:  # pragma: no cover - exercised only without orjson
    from json import loads as _json_loads  # type: ignore[assignment]

VERSION_RE = re.compile(r"^(\d+)_(.*)\.sql$")
_SKIP_RE = re.compile(r"(?:\s+|--[^\n]*|/\*.*?\*/)*", re.S)
_WORD_RE = re.compile(r"[A-Za-z_]+")

#: Words that start PL/pgSQL statements or clauses but are not SQL statements.
PROCEDURAL_WORDS = frozenset(
    [
        "IF", "ELSIF", "ELSEIF", "ELSE", "THEN", "EXCEPTION", "RAISE", "LOOP", "WHILE", "FOR",
        "FOREACH", "PERFORM", "RETURN", "WHEN", "EXIT", "CONTINUE", "GET", "ASSERT", "NULL",
        "DECLARE", "CASE"
    ]
)
_TXN_WORDS = frozenset({"WORK", "TRANSACTION", "ISOLATION", "READ", "DEFERRABLE", "NOT", ""})


UNSET: Any = object()


@dataclass
class Problem:
    """A finding the source layer itself detects (syntax), before any rule runs."""

    rule: str
    pos: int
    message: str
    hint: str | None = None
    fails: bool = True
    """False for what only says the analyser could not check something: the server may well
    accept it, so the file is not treated as failing."""


@dataclass(slots=True)
class Statement:
    """One parsed SQL statement of a file (top level, or run by a DO block).

    ``pos`` is the character offset of the statement in its file; node locations inside
    ``node`` are byte offsets into the text it was parsed from, which starts at byte
    ``base`` of the file (or, for SQL run by PL/pgSQL, at character ``base_char``).
    """

    kind: str
    node: dict[str, Any]
    file: SourceFile
    byte_start: int
    byte_len: int | None
    base: int = 0
    base_char: int | None = None
    """For nested statements (inside PL/pgSQL): char offset of the parsed text in the file."""
    in_plpgsql: bool = False
    guarded: bool = False
    """True when the statement runs conditionally (inside IF, or a block that catches errors)."""
    guards: tuple[str, ...] = ()
    """The conditions of the IF branches it runs in (PL/pgSQL expressions), outermost first."""
    _pos: int | None = field(default=None, repr=False)
    created: Any = field(default=UNSET, repr=False)
    """Cache of the object this statement creates (rules ask more than once)."""

    @property
    def pos(self) -> int:
        if self._pos is None:
            self._pos = _first_char(self.file, self.byte_start, self.base_char)
        return self._pos

    def node_pos(self, location: int | None) -> int:
        """Char offset in the file of a node's ``location`` (falls back to the statement)."""
        if location is None or location < 0:
            return self.pos
        if self.base_char is not None:
            return self.base_char + location
        return self.file.char_of_byte(self.base + location)

    @property
    def text(self) -> str:
        data = self.file.data
        end = len(data) if self.byte_len is None else self.byte_start + self.byte_len
        return data[self.byte_start : end].decode("utf-8", "replace")


def _first_char(file: SourceFile, byte_start: int, base_char: int | None) -> int:
    """Char offset of a statement's first token (its text may start with comments)."""
    if base_char is not None:
        return base_char
    start = file.char_of_byte(byte_start)
    return _SKIP_RE.match(file.text, start).end()  # type: ignore[union-attr]


class Placed:
    """Where a statement is, without its parse tree: what an object's origin keeps of the
    statement that made it once it crosses to another process (``pos``, ``guarded``)."""

    __slots__ = ("_pos", "base_char", "byte_start", "file", "guarded")

    def __init__(self, file: SourceFile, byte_start: int, base_char: int | None,
                 guarded: bool) -> None:
        self.file, self.byte_start, self.base_char = file, byte_start, base_char
        self.guarded = guarded
        self._pos: int | None = None

    @property
    def pos(self) -> int:
        if self._pos is None:
            self._pos = _first_char(self.file, self.byte_start, self.base_char)
        return self._pos


_WIDE_RE = re.compile(r"[^\x00-\x7f]+")


@dataclass
class _WideChars:
    """The characters of a text that take more than one byte in UTF-8: their char offsets,
    their byte ranges, and the extra bytes up to and including each."""

    chars: list[int] = field(default_factory=list)
    byte_starts: list[int] = field(default_factory=list)
    byte_ends: list[int] = field(default_factory=list)
    extra: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, text: str) -> _WideChars:
        w, extra = cls(), 0
        for m in _WIDE_RE.finditer(text):
            for i, ch in enumerate(m.group(), m.start()):
                size = len(ch.encode("utf-8", "surrogatepass"))
                w.chars.append(i)
                w.byte_starts.append(i + extra)
                extra += size - 1
                w.byte_ends.append(i + extra + 1)
                w.extra.append(extra)
        return w


class SourceFile:
    """One migration file: its text, Supabase version, line table and statements."""

    def __init__(self, path: str, text: str, *, from_directory: bool = False) -> None:
        self.path = path
        self.name = os.path.basename(path)
        self.text = text
        self.from_directory = from_directory
        m = VERSION_RE.match(self.name)
        self.version: str | None = m.group(1) if m else None
        self.problems: list[Problem] = []
        self._ascii = text.isascii()
        self._data: bytes | None = None
        self._lines: list[int] | None = None
        self._wide: _WideChars | None = None
        self._stmts: list[Statement] | None = None

    @classmethod
    def from_text(cls, path: str, text: str) -> SourceFile:
        return cls(path, text)

    @classmethod
    def read(cls, path: Path | str, *, from_directory: bool = False) -> SourceFile:
        try:
            with open(path, "rb", buffering=0) as fh:  # one read of the whole file
                raw = fh.read()
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror}", where=str(path)) from None
        text = raw.decode("utf-8", "replace")
        if text.startswith("\ufeff"):
            text = text[1:]
        return cls(str(path), text, from_directory=from_directory)

    # -- positions ----------------------------------------------------------------
    @property
    def data(self) -> bytes:
        if self._data is None:
            self._data = self.text.encode("utf-8")
        return self._data

    def char_of_byte(self, offset: int) -> int:
        """Char offset of UTF-8 byte ``offset`` (a byte inside a character counts from the
        character's start: as many characters as ``data[:offset]`` holds whole)."""
        if self._ascii:
            return offset
        wide = self._wide_chars()
        offset = min(offset, len(self.text) + (wide.extra[-1] if wide.extra else 0))
        k = bisect.bisect_right(wide.byte_ends, offset)  # whole wide characters before it
        partial = offset - wide.byte_starts[k] if k < len(wide.byte_starts) and \
            wide.byte_starts[k] < offset else 0
        return offset - partial - (wide.extra[k - 1] if k else 0)

    def byte_of_char(self, char_pos: int) -> int:
        """UTF-8 byte offset of char offset ``char_pos``."""
        if self._ascii:
            return char_pos
        wide = self._wide_chars()
        char_pos = min(char_pos, len(self.text))
        k = bisect.bisect_left(wide.chars, char_pos)  # wide characters before it
        return char_pos + (wide.extra[k - 1] if k else 0)

    def _wide_chars(self) -> _WideChars:
        """Where the multi-byte characters are (once per file: a position is then found by
        bisection, not by re-encoding the text before it)."""
        if self._wide is None:
            self._wide = _WideChars.of(self.text)
        return self._wide

    def line_col(self, pos: int) -> tuple[int, int]:
        """1-based line and column of a character offset."""
        if self._lines is None:
            self._lines = [0] + [m.end() for m in re.finditer("\n", self.text)]
        line = bisect.bisect_right(self._lines, pos)
        return line, pos - self._lines[line - 1] + 1

    # -- statements ---------------------------------------------------------------
    def release(self) -> None:
        """Forget the parsed statements (they are rebuilt on demand)."""
        self._stmts = None

    def statements(self) -> list[Statement]:
        if self._stmts is None:
            self._stmts = self._parse()
        return self._stmts

    def _parse(self) -> list[Statement]:
        try:
            raw = parse_sql_json(self.text)
        except ParseError:
            return list(self._parse_robustly())
        return self._wrap(_json_loads(raw), 0)

    def _wrap(self, tree: dict[str, Any], base: int) -> list[Statement]:
        out = []
        for raw in tree.get("stmts", ()):
            ((kind, body),) = raw["stmt"].items()
            out.append(Statement(kind, body, self, base + raw.get("stmt_location", 0),
                                 raw.get("stmt_len"), base=base))
        return out

    # -- the robust path: split with the scanner, explain procedural statements -----
    def _parse_robustly(self) -> Iterator[Statement]:
        text = self.text
        try:
            tokens = scan(text)
        except ParseError as exc:  # e.g. an unterminated quote: report it, read what is before
            pos = exc.args[1] if len(exc.args) > 1 and exc.args[1] is not None else 0
            msg = str(exc.args[0]).split("\n")[0][:120]
            self.problems.append(Problem("syntax-error", pos, f"syntax error: {msg}"))
            try:
                tokens = scan(text[:pos])
            except ParseError:
                return
            semis = [k for k, t in enumerate(tokens) if t.name == "ASCII_59"]
            tokens = tokens[: semis[-1] + 1] if semis else []
        # statements = token ranges between semicolons (token lists only built when needed:
        # a huge file has hundreds of thousands of tokens)
        semis = [k for k, t in enumerate(tokens) if t.name == "ASCII_59"]
        bounds = [(a, b) for a, b in zip([0, *(k + 1 for k in semis)], [*semis, len(tokens)],
                                         strict=True) if a < b]
        starts = [tokens[a].start for a, _ in bounds]
        depth, i, n = 0, 0, len(bounds)
        while i < n:
            if depth == 0:
                # everything from here in one parse; on an error, the part before the failing
                # statement in one more, so a huge file with one mistake costs two parses
                last = tokens[bounds[-1][1] - 1].end + 1
                parsed = self._try_parse(starts[i], last)
                if isinstance(parsed, list):
                    yield from parsed
                    return
                k = max(i, bisect.bisect_right(starts, parsed[1]) - 1)
                if k > i:
                    before = self._try_parse(starts[i], tokens[bounds[k - 1][1] - 1].end + 1)
                    if isinstance(before, list):
                        yield from before
                        i = k
            a, b = bounds[i]
            toks = [t for t in tokens[a:b] if t.name not in ("SQL_COMMENT", "C_COMMENT")]
            if toks:
                depth, stmts = self._one_chunk(toks, depth)
                yield from stmts
            i += 1

    def _one_chunk(self, toks: list[Any], depth: int) -> tuple[int, list[Statement]]:
        """Parse one statement's tokens alone; explain it if it is procedural."""
        text = self.text
        start, end = toks[0].start, toks[-1].end + 1
        words = [_word(text, t) for t in toks]
        if depth > 0 and words[0] == "END":
            return max(0, depth - 1), []
        parsed = self._try_parse(start, end)
        if isinstance(parsed, list) and not (words[0] == "BEGIN" and _is_block_begin(words)):
            return depth, parsed
        if _is_procedural(words):
            if depth == 0:
                shown = " ".join(w for w in words[:3] if w) or text[start:end][:20]
                self.problems.append(Problem(
                    "procedural-outside-plpgsql", start,
                    f"`{shown} ...` is a procedural statement outside PL/pgSQL: wrap it in "
                    "DO $$ ... $$ or use IF [NOT] EXISTS",
                ))
            return self._recover(toks, words, depth)
        if isinstance(parsed, tuple):
            msg, pos = parsed
            self.problems.append(Problem("syntax-error", pos, msg))
        return depth, []

    def _try_parse(self, start: int, end: int) -> list[Statement] | tuple[str, int]:
        piece = self.text[start:end]
        try:
            tree = _json_loads(parse_sql_json(piece))
        except ParseError as exc:
            off = exc.args[1] if len(exc.args) > 1 and exc.args[1] is not None else 0
            return str(exc.args[0]), start + int(off)
        return self._wrap(tree, self.byte_of_char(start))

    def _recover(self, toks: list[Any], words: list[str], depth: int) -> tuple[int, list[Statement]]:
        """Walk past PL/pgSQL clause words and parse the SQL statement that follows."""
        i = 0
        n = len(toks)
        while i < n:
            w = words[i]
            if w == "BEGIN":
                depth += 1
                i += 1
            elif w in ("IF", "ELSIF", "ELSEIF", "WHILE", "FOR", "FOREACH", "WHEN", "CASE"):
                if w in ("IF", "WHILE", "FOR", "FOREACH", "CASE"):
                    depth += 1
                stop = ("THEN", "LOOP") if w != "CASE" else ("WHEN",)
                j = i + 1
                while j < n and words[j] not in stop:
                    j += 1
                i = j + 1 if j < n and w != "CASE" else j
            elif w in ("ELSE", "THEN", "EXCEPTION"):
                i += 1
            elif w == "LOOP":
                depth += 1
                i += 1
            elif w == "END":
                return max(0, depth - 1), []
            elif w in PROCEDURAL_WORDS:
                return depth, []
            else:
                parsed = self._try_parse(toks[i].start, toks[-1].end + 1)
                if isinstance(parsed, list):
                    for st in parsed:
                        st.guarded = True
                    return depth, parsed
                return depth, []
        return depth, []


def _word(text: str, tok: Any) -> str:
    w = text[tok.start : tok.end + 1]
    return w.upper() if _WORD_RE.fullmatch(w) else ""


def _is_block_begin(words: list[str]) -> bool:
    """``BEGIN`` followed by a statement: a PL/pgSQL block, not a transaction start."""
    return len(words) > 1 and words[1] not in _TXN_WORDS


def _is_procedural(words: list[str]) -> bool:
    first = words[0]
    if first in PROCEDURAL_WORDS:
        return True
    if first == "BEGIN":
        return _is_block_begin(words)
    return first == "END" and len(words) > 1 and words[1] in ("IF", "LOOP", "CASE")


def order_paths(paths: list[str | Path]) -> list[tuple[Path, bool]]:
    """Expand directories into their ``*.sql`` files in Supabase's order (file name as
    text, the order ``supabase db push`` applies them); listed files keep their order.
    Returns ``(path, came_from_directory)`` pairs."""
    out: list[tuple[Path, bool]] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            with os.scandir(path) as entries:  # no stat per file: the names say enough
                names = sorted(e.name for e in entries if e.name.endswith(".sql")
                               and e.name != ".sql" and e.is_file())
            out.extend((path / name, True) for name in names)
        elif path.is_file():
            out.append((path, False))
        else:
            raise InputError(f"no such file or directory: {path}", where=str(path),
                             hint="give migration .sql files or a migrations directory")
    return out

