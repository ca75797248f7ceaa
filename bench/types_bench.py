#!/usr/bin/env python3
"""Time `pgprobe types gen` against postgres-meta 0.99.0 and `supabase gen types` (CLI 3.1.0).

All three generate the Supabase `Database` TypeScript type for the same database, side by
side, in the same run; pgprobe's output is checked byte for byte against postgres-meta's.

    .venv/bin/python bench/types_bench.py --tables 2000 --runs 3
    .venv/bin/python bench/types_bench.py --dsn postgresql://postgres@127.0.0.1:5499/bench2000 --schema app

Without --dsn it starts a throwaway PostgreSQL (pgprobe.embedded, TCP: the Supabase CLI
cannot use unix sockets), loads `../shared/bench/make_schema.py TABLES` with
`psql -v ON_ERROR_STOP=1`, and stops the server afterwards. The npm packages are installed
once under ~/.cache/pgprobe/npm. Wall time and peak RSS come from /usr/bin/time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from pgprobe.types._oracle import (  # noqa: E402
    POSTGRES_META_VERSION,
    install_npm_package,
    postgres_meta_command,
    postgres_meta_env,
)

SUPABASE_CLI_VERSION = "3.1.0"


def timed(cmd: list[str], env: dict[str, str] | None = None, cwd: str | None = None,
          stdout_path: str | None = None) -> tuple[float, float | None, str]:
    """(wall seconds, peak RSS MB or None, stdout text) of one run."""
    time_bin = shutil.which("time") or "/usr/bin/time"
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        full = [time_bin, "-f", "%e %M", "-o", tf.name, *cmd] if os.path.exists(time_bin) else cmd
        proc = subprocess.run(full, env=env, cwd=cwd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"{cmd[0]} failed: {proc.stderr.strip()[-500:]}")
        parts = Path(tf.name).read_text().split()
    out = Path(stdout_path).read_text() if stdout_path else proc.stdout
    if len(parts) >= 2:
        return float(parts[-2]), int(parts[-1]) / 1024, out
    return float("nan"), None, out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tables", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dsn", help="an existing TCP database that already holds the schema")
    ap.add_argument("--schema", default="app", help="schema to generate (make_schema.py uses app)")
    ap.add_argument("--flavor", default="system", choices=["system", "embedded"])
    ap.add_argument("--skip-cli", action="store_true", help="do not run the Supabase CLI")
    args = ap.parse_args()

    server = None
    workdir = Path(tempfile.mkdtemp(prefix="pgprobe-types-bench-"))
    try:
        if args.dsn:
            dsn = args.dsn
        else:
            from pgprobe.embedded import Server

            server = Server.start(args.flavor, workdir / "pg", tcp=True)
            dsn = server.create_database(f"types_bench_{args.tables}")
            shared = ROOT.parent / "shared" if (ROOT.parent / "shared").exists() else Path("/work/shared")
            sql = subprocess.run([sys.executable, str(shared / "bench" / "make_schema.py"), str(args.tables)],
                                 check=True, capture_output=True, text=True).stdout
            (workdir / "schema.sql").write_text(sql)
            print(f"loading {args.tables} tables ...", file=sys.stderr)
            server.psql(dsn, file=workdir / "schema.sql")
        schemas = [args.schema]

        pm_dir = install_npm_package(f"@supabase/postgres-meta@{POSTGRES_META_VERSION}",
                                     f"postgres-meta-{POSTGRES_META_VERSION}")
        tools: list[tuple[str, list[str], dict[str, str] | None, str | None]] = []
        out_file = str(workdir / "pgprobe.ts")
        tools.append(("pgprobe types gen", [str(ROOT / ".venv" / "bin" / "pgprobe"), "types", "gen",
                                            "--dsn", dsn, "--schema", args.schema, "-o", out_file],
                      None, out_file))
        tools.append((f"postgres-meta {POSTGRES_META_VERSION}", postgres_meta_command(pm_dir),
                      postgres_meta_env(dsn, schemas), None))
        if not args.skip_cli:
            cli_dir = install_npm_package(f"supabase@{SUPABASE_CLI_VERSION}", f"supabase-{SUPABASE_CLI_VERSION}")
            cli = str(cli_dir / "node_modules" / ".bin" / "supabase")
            sep = "&" if "?" in dsn else "?"
            (workdir / "cli").mkdir(exist_ok=True)
            tools.append((f"supabase gen types --remote (CLI {SUPABASE_CLI_VERSION})",
                          [cli, "gen", "types", "typescript", f"--remote={dsn}{sep}sslmode=disable",
                           "--schema", args.schema], None, None))

        results: dict[str, list[tuple[float, float | None]]] = {name: [] for name, *_ in tools}
        outputs: dict[str, str] = {}
        for _ in range(args.runs):
            for name, cmd, env, path in tools:  # interleaved: same machine load for each
                wall, rss, out = timed(cmd, env=env, cwd=str(workdir / "cli") if "supabase" in name else None,
                                       stdout_path=path)
                results[name].append((wall, rss))
                outputs[name] = out
        pg_out = outputs["pgprobe types gen"]
        pm_out = outputs[f"postgres-meta {POSTGRES_META_VERSION}"]
        same = pg_out == pm_out
        print(f"\npgprobe output == postgres-meta output: {same} ({len(pg_out)} bytes, "
              f"{pg_out.count(chr(10))} lines)")
        print(f"\n| tool ({args.tables} tables, schema {args.schema}) | median wall s | runs | peak RSS MB |")
        print("| --- | --- | --- | --- |")
        med = {}
        for name, runs in results.items():
            walls = [w for w, _ in runs]
            peaks = [r for _, r in runs if r is not None]
            med[name] = statistics.median(walls)
            peak = f"{max(peaks):.0f}" if peaks else "-"
            print(f"| {name} | {med[name]:.2f} | {', '.join(f'{w:.2f}' for w in walls)} | {peak} |")
        base = med["pgprobe types gen"]
        for name, m in med.items():
            if name != "pgprobe types gen":
                print(f"\npgprobe is {m / base:.1f}x faster than {name}")
        return 0 if same else 1
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
