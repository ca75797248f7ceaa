"""Find migration files in Supabase's order and split them into located statements.

Supabase reads ``supabase/migrations/<version>_<name>.sql`` (version = the leading digits),
sorted by file name; other files are skipped.  Every statement keeps its offset so that a
server error position can be mapped back to ``file:line:column``.

>>> st = split_statements("select 1;\\n\\ncreate table t (id int);")
>>> [(s.line, s.text) for s in st]
[(1, 'select 1'), (3, 'create table t (id int)')]
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from pglast import parser as _pg

from .._errors import InputError, NotFoundError

MIGRATION_RE = re.compile(r"^([0-9]+)_(.*)\.sql$")


@dataclass(frozen=True)
class Statement:
    """One SQL statement of a migration file, with where it sits in the file."""

    index: int
    start: int
    """Character offset of the statement's first character in the file text."""
    end: int
    text: str
    line: int
    column: int
    path: str = ""

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"

    @property
    def first_words(self) -> str:
        """The statement's leading keywords, e.g. ``CREATE TABLE``, for messages."""
        words = re.findall(r"[A-Za-z_]+", _strip_comments(self.text))[:3]
        return " ".join(w.upper() for w in words)


@dataclass(frozen=True)
class MigrationFile:
    """A migration file: ``version`` is the digit prefix, ``name`` the rest of the stem."""

    path: Path
    version: str
    name: str
    text: str = field(repr=False, compare=False)

    @property
    def filename(self) -> str:
        return self.path.name

    @cached_property
    def statements(self) -> tuple[Statement, ...]:
        return tuple(split_statements(self.text, path=str(self.path)))

    @cached_property
    def _line_starts(self) -> list[int]:
        return line_starts(self.text)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset in this file."""
        return offset_to_line_col(self._line_starts, offset)

    def where(self, offset: int) -> str:
        line, col = self.position(offset)
        return f"{self.path}:{line}:{col}"


def line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(m.end() for m in re.finditer("\n", text))
    return starts


def offset_to_line_col(starts: Sequence[int], offset: int) -> tuple[int, int]:
    i = bisect.bisect_right(starts, offset) - 1
    return i + 1, offset - starts[i] + 1


_COMMENT_RE = re.compile(r"\s*(--[^\n]*(\n|$)|/\*.*?\*/)", re.S)


def _strip_comments(text: str) -> str:
    while True:
        m = _COMMENT_RE.match(text)
        if not m or not m.group(0):
            return text.lstrip()
        text = text[m.end():]


def _byte_to_char(text: str) -> list[int] | None:
    """Map UTF-8 byte offsets to character offsets (None when the text is ASCII)."""
    if text.isascii():
        return None
    mapping: list[int] = []
    for i, ch in enumerate(text):
        mapping.extend([i] * len(ch.encode("utf-8")))
    mapping.append(len(text))
    return mapping


def split_statements(text: str, path: str = "") -> list[Statement]:
    """Split SQL text into statements with PostgreSQL's own scanner (dollar quotes, nested
    comments and ``E''`` strings are honoured; syntax errors do not stop the split).

    The statement text starts at its first token (leading comments are skipped), so a
    server error position inside the statement maps to an exact file position.
    """
    starts = line_starts(text)
    try:
        slices = _pg.split(text, with_parser=False, only_slices=True)
    except _pg.ParseError as exc:  # unterminated quote or comment: the scanner gives up
        offset = _safe_offset(exc)
        line, col = offset_to_line_col(starts, min(offset, len(text)))
        raise InputError(
            f"cannot split SQL: {exc.args[0]}",
            where=f"{path}:{line}:{col}",
            hint="look for an unterminated quote, $$ or /* comment",
        ) from None
    out: list[Statement] = []
    for sl in slices:
        raw = text[sl]
        stripped = _strip_comments(raw)
        if not stripped.strip() or stripped.strip() == ";":
            continue
        start = sl.start + (len(raw) - len(stripped))
        end = sl.stop
        body = text[start:end].rstrip()
        if body.endswith(";"):
            body = body[:-1].rstrip()
        line, col = offset_to_line_col(starts, start)
        out.append(Statement(len(out), start, start + len(body), body, line, col, path))
    return out


def _safe_offset(exc: Exception) -> int:
    try:
        return int(exc.args[1])
    except (IndexError, TypeError, ValueError):
        return 0


def migration_files(source: str | Path | Iterable[str | Path]) -> list[MigrationFile]:
    """The migration files of a directory (or explicit files), in Supabase's order.

    Files not named ``<digits>_<name>.sql`` are skipped, like the Supabase CLI does; an
    explicit file list keeps only ``.sql`` files and is sorted by file name too.
    """
    paths: list[Path] = []
    if isinstance(source, (str, Path)):
        root = Path(source)
        if root.is_dir():
            paths = [p for p in root.iterdir() if p.is_file() and MIGRATION_RE.match(p.name)]
        elif root.is_file():
            paths = [root]
        else:
            raise NotFoundError(f"no such migrations directory or file: {root}")
    else:
        paths = [Path(p) for p in source]
        for p in paths:
            if not p.is_file():
                raise NotFoundError(f"no such migration file: {p}")
    paths.sort(key=lambda p: p.name)
    files = []
    for p in paths:
        m = MIGRATION_RE.match(p.name)
        version, name = (m.group(1), m.group(2)) if m else (p.stem, p.stem)
        try:
            text = p.read_text(encoding="utf-8-sig")  # a BOM is not SQL
        except UnicodeDecodeError:
            text = p.read_text(encoding="latin-1")
        files.append(MigrationFile(p, version, name, text))
    return files


def skipped_files(directory: str | Path) -> list[Path]:
    """Files in a migrations directory that Supabase would skip (wrong name pattern)."""
    root = Path(directory)
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_file() and not MIGRATION_RE.match(p.name))


def byte_offset_to_char(text: str, offset: int) -> int:
    mapping = _byte_to_char(text)
    if mapping is None:
        return offset
    return mapping[min(offset, len(mapping) - 1)]
