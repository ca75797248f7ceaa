"""``pgprobe erd`` end to end: from a live database and from a saved snapshot."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pgprobe.catalog import Snapshot
from pgprobe.cli import main

from ._svg import groups

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")


@pytest.fixture(scope="module")
def snap_file(demo_snapshot: Snapshot, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("erd") / "demo.json"
    demo_snapshot.save(str(path))
    return path


@needs_dot
def test_cli_from_dsn_writes_svg(demo_dsn: str, tmp_path: Path, capsys) -> None:
    out = tmp_path / "erd.svg"
    assert main(["erd", "--dsn", demo_dsn, "--schema", "public", "-o", str(out)]) == 0
    svg = groups(out.read_text())
    assert "fk:public.tickets.tickets_assignee_fkey" in svg
    assert "relations ->" in capsys.readouterr().err


@needs_dot
def test_cli_path_lists_paths(snap_file: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "250")  # one path per line (80 columns wrap them)
    out = tmp_path / "path.png"
    code = main(["erd", "--snapshot", str(snap_file), "--path", "ticket_activities", "users",
                 "-o", str(out)])
    assert code == 0
    assert out.read_bytes().startswith(b"\x89PNG")
    printed = capsys.readouterr().out
    assert "1. public.ticket_activities -[ticket_activities_user_id_fkey]-> public.users" in printed
    assert "tickets!ticket_activities_ticket_id_fkey(users!tickets_assignee_fkey(*))" in printed
    assert "join public.tickets t1 on t1.id = t0.ticket_id" in printed


def test_cli_dot_to_stdout_is_deterministic(snap_file: Path, capsys) -> None:
    args = ["erd", "--snapshot", str(snap_file), "--focus", "tickets", "--depth", "2",
            "--columns", "all"]
    assert main(args) == 0
    first = capsys.readouterr().out
    assert main(args) == 0
    assert first == capsys.readouterr().out
    assert first.startswith("digraph erd {") and '"public.tickets"' in first


def test_cli_errors_are_one_line(snap_file: Path, tmp_path: Path, capsys) -> None:
    assert main(["erd", "--snapshot", str(snap_file), "--focus", "tikets"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "did you mean public.tickets" in err
    assert main(["erd", "--snapshot", str(tmp_path / "nope.json")]) == 2
    assert "no such snapshot file" in capsys.readouterr().err


def test_cli_without_dot_writes_dot_and_says_how_to_install(snap_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "erd.svg"
    bindir = Path(sys.executable).parent
    proc = subprocess.run(
        [sys.executable, "-m", "pgprobe.cli", "erd", "--snapshot", str(snap_file), "-o", str(out)],
        capture_output=True, text=True, env={"PATH": str(tmp_path), "HOME": str(tmp_path)},
        cwd=bindir, timeout=120,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "apt-get install graphviz" in lines[0]
    assert (tmp_path / "erd.dot").read_text().startswith("digraph erd {")
    assert not out.exists()


def test_dot_is_identical_across_processes(snap_file: Path, tmp_path: Path) -> None:
    """String hashing differs per process; the DOT must not."""
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"erd{seed}.dot"
        subprocess.run(
            [sys.executable, "-m", "pgprobe.cli", "erd", "--snapshot", str(snap_file),
             "--columns", "all", "-o", str(out)],
            check=True, capture_output=True, env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
            timeout=120,
        )
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert b"tickets_assignee_fkey" in outputs[0]
