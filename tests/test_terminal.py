"""The shared terminal layer: width, colour and empty-cell rules every command relies on."""

from __future__ import annotations

import doctest
import io

import pgprobe._terminal as terminal


def test_doctests() -> None:
    assert doctest.testmod(terminal).failed == 0


def test_piped_output_has_no_escape_codes_and_fits_columns(monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    out = io.StringIO()
    terminal.print_table([("x" * 200, "[bold]kept[/bold]", None)], ["long", "markup", "n"],
                         file=out, styles=["bold", "", ""])
    text = out.getvalue()
    assert "\x1b[" not in text
    assert "[bold]kept[/bold]" in text.replace("\n", "").replace(" ", "")
    assert max(len(line) for line in text.splitlines()) <= 60


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    tty = Tty()
    terminal.render("[red]error[/red]", file=tty)
    assert "\x1b[" in tty.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    tty = Tty()
    terminal.render("[red]error[/red]", file=tty)
    assert "\x1b[" not in tty.getvalue()
