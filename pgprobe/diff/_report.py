"""The shared diff report: what differs between two schema sources, rendered for any edge.

Every comparison in pgprobe (snapshot vs snapshot, database vs types file, expectations,
migration rehearsal, ERD diff view) produces this one model, so notebooks, CI and
postmortems read the same thing.

>>> r = DiffReport(
...     [Change("removed", "column", "public.tickets.columns.name", old="text",
...             severity="error", hint="did you mean title?")],
...     left_label="prod", right_label="local")
>>> r.same, r.exit_code, len(r)
(False, 1, 1)
>>> print(r.to_text())
prod -> local: 1 difference (1 error)
- public.tickets.columns.name  column removed  was 'text'  [error]  did you mean title?
"""

from __future__ import annotations

import html
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

ChangeKind = Literal["added", "removed", "changed"]
Severity = Literal["error", "warning", "info"]

CHANGE_KINDS: tuple[str, ...] = ("added", "removed", "changed")
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")
_SYMBOL = {"added": "+", "removed": "-", "changed": "~"}
_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
_COLOUR = {"error": "#fde2e1", "warning": "#fff4d6", "info": "#eef4ff"}


@dataclass(frozen=True)
class Change:
    """One difference between the left (old) and right (new) side.

    ``path`` names the object and, for a ``changed`` entry, the attribute that differs:
    ``public.tickets.columns.title.type``. ``old`` is the left value (``None`` when added),
    ``new`` the right value (``None`` when removed). ``hint`` is a close match for a probably
    renamed / mistyped name (``did you mean title?``); ``note`` is free explanation.

    >>> Change("changed", "column", "public.t.columns.a.type", "int", "text").symbol
    '~'
    """

    change: ChangeKind
    object_kind: str
    """table, view, column, constraint, index, enum, domain, function, trigger, policy,
    grant, publication, rls, relationship, extension, schema, ... (free text, lower case)."""
    path: str
    old: Any = None
    new: Any = None
    severity: Severity = "warning"
    hint: str | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        if self.change not in CHANGE_KINDS:
            raise ValueError(f"change must be one of {CHANGE_KINDS}, not {self.change!r}")
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")

    @property
    def symbol(self) -> str:
        return _SYMBOL[self.change]

    def describe(self) -> str:
        """One human line without the path: ``column removed  was 'text'``."""
        if self.change == "changed":
            text = f"{self.object_kind} changed  {_show(self.old)} -> {_show(self.new)}"
        elif self.change == "added":
            text = f"{self.object_kind} added"
            if self.new is not None and not isinstance(self.new, bool):
                text += f"  is {_show(self.new)}"
        else:
            text = f"{self.object_kind} removed"
            if self.old is not None and not isinstance(self.old, bool):
                text += f"  was {_show(self.old)}"
        if self.note:
            text += f"  ({self.note})"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {k: _jsonable(v) for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Change:
        kw: dict[str, Any] = {k: data[k] for k in _FIELDS if k in data}
        return cls(**kw)


_FIELDS = ("change", "object_kind", "path", "old", "new", "severity", "hint", "note")


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _show(value: Any, limit: int = 120) -> str:
    if isinstance(value, tuple | list):
        text = "[" + ", ".join(_show(v, limit) for v in value) + "]"
    elif isinstance(value, str):
        text = repr(value)
    else:
        text = str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class DiffReport:
    """An ordered collection of :class:`Change` between ``left_label`` and ``right_label``.

    Truthiness follows the container: ``bool(report)`` is ``True`` when there ARE
    differences; use ``report.same`` for the opposite. ``exit_code`` is 0 when same, 1 when
    different (the CLI uses 2 for errors).

    >>> DiffReport([], "a", "b").to_text()
    'a -> b: same'
    """

    def __init__(
        self,
        changes: Iterable[Change] = (),
        left_label: str = "left",
        right_label: str = "right",
        *,
        title: str | None = None,
        left: Any = None,
        right: Any = None,
    ) -> None:
        self.changes: tuple[Change, ...] = tuple(changes)
        self.left_label = left_label
        self.right_label = right_label
        self.title = title
        self.left = left
        """The left Snapshot when the report compares two snapshots (``to_sql`` reads it)."""
        self.right = right
        self.sources: tuple[Any, Any] | None = None
        """What was compared (DSNs, files, snapshots), when the report came from ``diff``."""

    def to_sql(self, options: Any = None, **kwargs: Any) -> Any:
        """The :class:`~pgprobe.diff.sql.Migration` that turns the left side into the right.

        ``options`` is a :class:`~pgprobe.diff.sql.MigrationOptions`, or pass its fields:
        ``report.to_sql(allow_data_loss=True, concurrently=True)``.
        """
        from .sql import generate

        return generate(self, options, **kwargs)

    # -- container ---------------------------------------------------------
    def __len__(self) -> int:
        return len(self.changes)

    def __iter__(self) -> Iterator[Change]:
        return iter(self.changes)

    def __getitem__(self, i: int) -> Change:
        return self.changes[i]

    def __bool__(self) -> bool:
        return bool(self.changes)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DiffReport):
            return NotImplemented
        return self.changes == other.changes

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<DiffReport {self.summary()}>"

    @property
    def same(self) -> bool:
        return not self.changes

    @property
    def exit_code(self) -> int:
        return 0 if self.same else 1

    @property
    def errors(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.severity == "error")

    def counts(self) -> dict[str, int]:
        """Changes per severity: ``{"error": 1, "warning": 0, "info": 2}``."""
        c: Counter[str] = Counter(ch.severity for ch in self.changes)
        return {s: c.get(s, 0) for s in SEVERITIES}

    def filter(
        self,
        *,
        object_kind: str | Sequence[str] | None = None,
        change: str | Sequence[str] | None = None,
        severity: str | Sequence[str] | None = None,
        path_prefix: str | None = None,
    ) -> DiffReport:
        """A report with only the matching changes (same labels)."""

        def ok(value: str, want: str | Sequence[str] | None) -> bool:
            if want is None:
                return True
            return value == want if isinstance(want, str) else value in want

        kept = [
            c
            for c in self.changes
            if ok(c.object_kind, object_kind)
            and ok(c.change, change)
            and ok(c.severity, severity)
            and (path_prefix is None or c.path.startswith(path_prefix))
        ]
        return DiffReport(kept, self.left_label, self.right_label, title=self.title,
                          left=self.left, right=self.right)

    def paths(self) -> list[str]:
        return [c.path for c in self.changes]

    def sorted(self) -> DiffReport:
        """Changes ordered by path, then severity."""
        kept = sorted(self.changes, key=lambda c: (c.path, _SEVERITY_RANK[c.severity]))
        return DiffReport(kept, self.left_label, self.right_label, title=self.title,
                          left=self.left, right=self.right)

    def __add__(self, other: DiffReport) -> DiffReport:
        return DiffReport(
            self.changes + other.changes, self.left_label, self.right_label, title=self.title
        )

    # -- renderers ---------------------------------------------------------
    def summary(self) -> str:
        """``prod -> local: 3 differences (1 error, 2 warnings)`` or ``prod -> local: same``."""
        head = f"{self.left_label} -> {self.right_label}"
        if self.title:
            head = f"{self.title}: {head}"
        if self.same:
            return f"{head}: same"
        n = len(self.changes)
        parts = []
        for sev, count in self.counts().items():
            if count:
                word = sev if count == 1 or sev == "info" else sev + "s"
                parts.append(f"{count} {word}")
        return f"{head}: {n} difference{'s' if n != 1 else ''} ({', '.join(parts)})"

    def to_text(self) -> str:
        """Plain text for terminals: a summary line, then one line per change."""
        lines = [self.summary()]
        for c in self.changes:
            line = f"{c.symbol} {c.path}  {c.describe()}  [{c.severity}]"
            if c.hint:
                line += f"  {c.hint}"
            lines.append(line)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def to_dict(self) -> dict[str, Any]:
        return {
            "left": self.left_label,
            "right": self.right_label,
            "title": self.title,
            "same": self.same,
            "counts": self.counts(),
            "changes": [c.to_dict() for c in self.changes],
        }

    def to_json(self, indent: int | None = 2) -> str:
        """JSON: ``{"left", "right", "title", "same", "counts", "changes": [...]}``."""
        return json.dumps(self.to_dict(), indent=indent, sort_keys=False)

    @classmethod
    def from_json(cls, text: str) -> DiffReport:
        data = json.loads(text)
        return cls(
            (Change.from_dict(c) for c in data.get("changes", [])),
            data.get("left", "left"),
            data.get("right", "right"),
            title=data.get("title"),
        )

    def to_frame(self) -> Any:
        """A pandas DataFrame, one row per change (columns = Change fields)."""
        import pandas as pd

        rows = [asdict(c) for c in self.changes]
        return pd.DataFrame(rows, columns=list(_FIELDS))

    def to_markdown(self) -> str:
        """A markdown section (summary + table) to paste into a postmortem or PR."""
        lines = [f"**{_md(self.summary())}**"]
        if self.same:
            return lines[0] + "\n"
        lines += [
            "",
            "| | path | kind | old | new | severity | hint |",
            "|---|---|---|---|---|---|---|",
        ]
        for c in self.changes:
            old = "" if c.old is None else _md(_show(c.old))
            new = "" if c.new is None else _md(_show(c.new))
            hint = _md(" ".join(x for x in (c.hint, c.note) if x))
            lines.append(
                f"| {c.change} | `{_md(c.path)}` | {c.object_kind} | {old} | {new} "
                f"| {c.severity} | {hint} |"
            )
        return "\n".join(lines) + "\n"

    def _repr_html_(self) -> str:
        from .._html import badge, box, table

        esc = html.escape
        head = f"<p><b>{esc(self.summary())}</b></p>"
        if self.same:
            return box(head, "pgprobe-diff")
        kinds = {"error": "error", "warning": "warning", "info": "info"}
        rows = [(f"{esc(c.symbol)} {esc(c.change)}", f"<code>{esc(c.path)}</code>", esc(c.object_kind),
                 "" if c.old is None else esc(_show(c.old, 300)),
                 "" if c.new is None else esc(_show(c.new, 300)),
                 badge(c.severity, kinds.get(c.severity, "info")),
                 esc(" ".join(x for x in (c.hint, c.note) if x))) for c in self.changes]
        return box(head + table(rows, ["", "path", "kind", "old", "new", "severity", "hint"],
                                max_rows=300, raw_columns=range(7)), "pgprobe-diff")


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
