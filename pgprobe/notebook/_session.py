"""The notebook's one investigation session: a live probe, a snapshot, or a pinned replay.

``connect()`` opens a read-only probe (DSN, ``demo``, or the DSN resolution order) and shows
a password-free banner. With ``pin=`` the investigated snapshot is saved beside the notebook;
when the database is gone (or ``replay=True``) the notebook re-runs against that file: the
snapshot-only parts work offline and live cells say so instead of failing.

>>> s = Session(snapshot=None, probe=None, mode="replay", reason="no database")
>>> s.live
False
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._errors import ConnectError, InputError, PgprobeError
from . import _html as H

__all__ = ["Session", "connect", "current", "live", "demo_dsn", "scratch_server"]

_CURRENT: Session | None = None


def demo_dsn() -> str:
    """The DSN of the embedded demo database, started (once) if needed."""
    from .. import demo

    for name in ("up", "ensure", "start"):
        fn = getattr(demo, name, None)
        if callable(fn):
            result = fn()
            dsn = result if isinstance(result, str) else getattr(result, "dsn", None)
            if callable(dsn):
                dsn = dsn()
            if isinstance(dsn, str):
                return dsn
    raise PgprobeError("pgprobe.demo cannot start the demo database here",
                       hint="run `pgprobe demo up` and pass its DSN")


@dataclass
class Session:
    """What the notebook investigates. ``mode`` is ``live`` or ``replay``."""

    snapshot: Any
    probe: Any
    mode: str
    reason: str = ""
    pin: Path | None = None
    schemas: tuple[str, ...] | None = None
    label: str = ""
    notes: list[str] = field(default_factory=list)
    since_pin: Any = None
    """``pgprobe.diff`` report pinned -> live, when a live run found an existing pin."""
    fallback: bool = False
    """True when a live run was asked for but the database could not be reached or started."""

    @property
    def live(self) -> bool:
        return self.mode == "live" and self.probe is not None

    @property
    def snap(self) -> Any:
        """The snapshot under investigation (taken on first use when live)."""
        if self.snapshot is None:
            if not self.live:
                raise InputError("no snapshot: not connected and nothing pinned",
                                 hint="%pgprobe connect DSN --pin FILE")
            self.refresh()
        return self.snapshot

    def refresh(self, *, show: bool = True) -> Any:
        """Take a fresh snapshot from the live database (and re-pin it when pinning)."""
        from ..catalog import snapshot as take_snapshot
        from ._progress import Progress

        if not self.live:
            raise InputError(f"cannot take a snapshot in {self.mode} mode ({self.reason})")
        with Progress(f"snapshot of {self.label}", total=1, show=show) as p:
            self.snapshot = take_snapshot(self.probe, schemas=list(self.schemas) if self.schemas else None)
            p.step("catalog read")
        return self.snapshot

    def require_live(self, what: str, *, show: bool = True) -> bool:
        """True when a live database is there; otherwise shows why ``what`` is skipped."""
        if self.live:
            return True
        if show:
            _show_html(H.box(H.note(f"{what}: needs a live database; skipped "
                                    f"({self.mode}: {self.reason})", "replay")),
                       f"{what}: needs a live database; skipped ({self.mode}: {self.reason})")
        return False

    def banner_text(self) -> str:
        if self.live:
            text = str(self.probe.banner())
        elif self.fallback:
            text = (f"NO LIVE DATABASE ({self.reason}): replaying pinned snapshot "
                    f"{self.pin.name if self.pin else '?'} instead; cells that need the live "
                    "database are skipped")
        else:
            text = f"replaying pinned snapshot {self.pin.name if self.pin else '?'} ({self.reason})"
        if self.snapshot is not None:
            snap = self.snapshot
            text += f"; snapshot: {len(snap.relations)} relations"
        if self.pin is not None and self.live:
            text += f"; pinned to {self.pin.name}"
            changes = self.since_pin
            if changes is not None:
                text += ("; same as the pin" if not len(changes) else
                         f"; the database changed since the pin: {len(changes)} differences "
                         f"(pgprobe.diff(PIN, snap))")
        return text

    def _repr_html_(self) -> str:
        kind = "live" if self.live else "replay"
        label = "fallback" if self.fallback else kind
        return H.box(H.badge(label.upper(), kind) + H.esc(self.banner_text()), "pgprobe-banner")

    def __repr__(self) -> str:
        return f"<pgprobe session: {self.banner_text()}>"

    def close(self) -> None:
        if self.probe is not None:
            self.probe.close()
            self.probe = None
            self.mode = "replay" if self.snapshot is not None else "closed"
            self.reason = "disconnected"


def _show_html(html: str, text: str) -> None:
    from IPython.display import display

    display({"text/html": html, "text/plain": text}, raw=True)


def connect(dsn: str | None = None, *, pin: str | os.PathLike[str] | None = None,
            replay: bool = False, refresh_pin: bool = False,
            schemas: list[str] | tuple[str, ...] | None = None, show: bool = True) -> Session:
    """Start the notebook's session and show its banner.

    ``dsn``: a DSN, ``"demo"`` (the embedded demo database) or ``None`` (``PGPROBE_DSN``,
    ``DATABASE_URL``, ``SUPABASE_DB_URL``, libpq's environment). ``pin``: a snapshot file
    beside the notebook; written from the live database when missing (or ``refresh_pin``),
    read back when the database cannot be reached or ``replay=True``.

    >>> s = connect("postgresql://u:secret@/db?host=/nonexistent", show=False)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    pgprobe._errors.ConnectError: cannot connect to postgresql://u@/db?host=/nonexistent: ...
    """
    global _CURRENT
    from ..connect import connect as open_probe

    pin_path = Path(pin) if pin is not None else None
    schemas_t = tuple(schemas) if schemas else None
    if _CURRENT is not None:
        _CURRENT.close()
        _CURRENT = None
    session: Session
    if replay:
        session = _replay(pin_path, "replay requested", schemas_t)
    else:
        try:
            target = demo_dsn() if dsn == "demo" else dsn
            probe = open_probe(target)
        except (PgprobeError, OSError, subprocess.SubprocessError) as exc:
            # Cannot reach the database, or cannot start the demo: investigate the pin instead.
            if pin_path is None or not pin_path.exists():
                raise
            what = ("database unreachable" if isinstance(exc, ConnectError) or dsn != "demo"
                    else "the demo database could not start")
            first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            session = _replay(pin_path, f"{what}: {first_line}", schemas_t)
            session.fallback = True
        else:
            session = Session(snapshot=None, probe=probe, mode="live", pin=pin_path,
                              schemas=schemas_t, label=probe.safe_dsn)
            if pin_path is not None:
                session.refresh(show=show)
                if refresh_pin or not pin_path.exists():
                    session.snapshot.save(str(pin_path))
                else:
                    session.since_pin = _changes_since(pin_path, session.snapshot)
    _CURRENT = session
    from ._displays import use_html_tables

    use_html_tables()
    if show:
        _show_html(session._repr_html_(), session.banner_text())
    return session


def _changes_since(pin: Path, snap: Any) -> Any:
    try:
        from ..catalog._model import Snapshot
        from ..diff import diff

        return diff(Snapshot.load(str(pin)), snap, left_label="pinned", right_label="live")
    except Exception:  # informative only: an unreadable old pin must not stop a live run
        return None


def _replay(pin: Path | None, reason: str, schemas: tuple[str, ...] | None) -> Session:
    from ..catalog._model import Snapshot

    if pin is None or not pin.exists():
        raise InputError(f"cannot replay: pinned snapshot {pin} not found",
                         hint="run once against the database with pin= to write it")
    snap = Snapshot.load(str(pin))
    return Session(snapshot=snap, probe=None, mode="replay", reason=reason, pin=pin,
                   schemas=schemas, label=pin.name)


def current() -> Session:
    """The active session (``%pgprobe connect`` or ``pgprobe.notebook.connect``)."""
    if _CURRENT is None:
        raise InputError("not connected", hint="run %pgprobe connect [DSN|demo] first")
    return _CURRENT


def live(what: str) -> bool:
    """``if live("rehearse the migrations"): ...`` -- False (with a note) when replaying."""
    return current().require_live(what)


def _set_current(session: Session | None) -> None:
    global _CURRENT
    _CURRENT = session


@contextmanager
def scratch_server(scratch_dsn: str | None = None) -> Iterator[Any]:
    """A throwaway local server for a rehearsal that keeps its scratch database (``keep=True``)
    so the notebook can snapshot what the files produce; stopped and removed at the end.
    ``None`` when ``scratch_dsn`` (your own empty scratch database) is given instead.

    >>> with scratch_server("postgresql:///scratch") as server:
    ...     print(server)
    None
    """
    if scratch_dsn is not None:
        yield None
        return
    from ..embedded import Server
    from ..migrations._platform import scratch_flavor

    server = Server.start(scratch_flavor())  # type: ignore[arg-type]
    try:
        yield server
    finally:
        server.stop(remove=True)
