"""Whether a policy expression is trivially true (``true``, ``1 = 1``, with any spacing)."""

from __future__ import annotations

_TRUE_FORMS = frozenset({"true", "(true)", "1=1", "(1=1)"})


def squashed(expr: str | None) -> str:
    """Lower case, without spaces, tabs and newlines."""
    return "".join(ch for ch in (expr or "").lower() if ch not in " \t\n")


def always_true(expr: str | None) -> bool:
    """Whether the expression is one of the trivially true forms.

    >>> always_true("( 1 = 1 )"), always_true("owner = auth.uid()")
    (True, False)
    """
    return squashed(expr) in _TRUE_FORMS
