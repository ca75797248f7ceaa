"""The ``pgprobe postgrest-staleness`` subcommand, against the stand-in over real HTTP."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

import psycopg

import pgprobe
from pgprobe._errors import PgprobeError
from pgprobe.endpoint import serve
from pgprobe.endpoint._cli import register

KEY = "sb_secret_do_not_print_me"


def _cli(argv: list[str]) -> tuple[int, str, str]:
    """Run the subcommand as pgprobe's main would (parser + one-line PgprobeError)."""
    import contextlib
    import io

    parser = argparse.ArgumentParser(prog="pgprobe")
    register(parser.add_subparsers())
    args = parser.parse_args(argv)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = args.func(args)
        except PgprobeError as exc:
            print(f"pgprobe: error: {exc}", file=sys.stderr)
            code = 2
    return code, out.getvalue(), err.getvalue()


def test_cli(scratch_demo_dsn: str, tmp_path, monkeypatch) -> None:
    old = pgprobe.snapshot(scratch_demo_dsn)
    with serve(old, dsn=scratch_demo_dsn, listen=False) as srv:
        code, out, _ = _cli(["postgrest-staleness", srv.url, "--dsn", scratch_demo_dsn])
        assert code == 0 and "up to date" in out
        with psycopg.connect(scratch_demo_dsn, autocommit=True) as conn:
            conn.execute("alter table public.labels add column weight integer")
        monkeypatch.setenv("TEST_SB_KEY", KEY)
        code, out, _ = _cli(["postgrest-staleness", srv.url + "/", "--dsn", scratch_demo_dsn,
                             "--apikey-env", "TEST_SB_KEY", "--header", "X-Trace: 1"])
        assert code == 1
        assert "new column       public.labels.weight" in out
        assert "NOTIFY pgrst, 'reload schema';" in out and KEY not in out
        code, out, _ = _cli(["postgrest-staleness", srv.url, "--dsn", scratch_demo_dsn,
                             "--format", "json"])
        data = json.loads(out)
        assert code == 1 and data["fix"] == "NOTIFY pgrst, 'reload schema';"
        assert data["changes"] == [{"kind": "new column", "object": "public.labels.weight",
                                    "endpoint": None, "database": "integer",
                                    "detail": "the endpoint does not know it"}]
        path = tmp_path / "snap.json"
        pgprobe.snapshot(scratch_demo_dsn).save(path)
        code, out, _ = _cli(["postgrest-staleness", srv.url, "--snapshot", str(path),
                             "--format", "markdown"])
        assert code == 1 and "| new column | `public.labels.weight` |" in out
    code, _, err = _cli(["postgrest-staleness", "localhost:1", "--dsn", scratch_demo_dsn])
    assert code == 2 and err.count("\n") == 1 and "bad endpoint URL" in err
    code, _, err = _cli(["postgrest-staleness", "http://127.0.0.1:9", "--header", "nocolon"])
    assert code == 2 and "bad header" in err
    monkeypatch.delenv("TEST_SB_KEY")
    code, _, err = _cli(["postgrest-staleness", "http://127.0.0.1:9", "--dsn", "x",
                         "--apikey-env", "TEST_SB_KEY"])
    assert code == 2 and "TEST_SB_KEY is not set" in err


def test_cli_module_is_import_light() -> None:
    code = ("import sys, pgprobe.endpoint._cli; "
            "bad = [m for m in ('psycopg', 'pandas', 'pgprobe.catalog', 'urllib.request') "
            "if m in sys.modules]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={**os.environ}).stdout.strip()
    assert out == "[]"


def test_register_does_not_clash() -> None:
    parser = argparse.ArgumentParser(prog="pgprobe")
    sub = parser.add_subparsers()
    other = sub.add_parser("postgrest-staleness")
    register(sub)  # another plugin owns the name: keep it, do not crash the CLI
    assert sub.choices["postgrest-staleness"] is other
