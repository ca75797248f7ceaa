"""``pgprobe postgrest`` exit codes: 0 success answer, 1 any error response (status >= 300),
2 could not run."""

from __future__ import annotations

import pytest

from pgprobe.cli import main

# (argv after --dsn, expected status line, exit code)
CASES = [
    (["GET", "/tickets?select=id&limit=1"], "-- 200", 0),
    (["GET", "/tickets?select=id,users(*)"], "-- 300", 1),         # PGRST201, ambiguous embed
    (["GET", "/tickets?select=id,nope(*)"], "-- 400", 1),          # PGRST200
    (["GET", "/nope"], "-- 404", 1),                               # PGRST205
    (["GET", "/tickets?id=eq.1", "-H", "Accept: application/vnd.pgrst.object+json",
      "--explain"], None, 0),
]


@pytest.mark.parametrize(("argv", "status", "code"), CASES, ids=[c[0][1] for c in CASES])
def test_exit_codes(demo_dsn: str, argv: list[str], status: str | None, code: int,
                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["postgrest", *argv, "--dsn", demo_dsn]) == code
    if status is not None:
        assert status in capsys.readouterr().out


def test_translated_error_from_a_snapshot_exits_1(demo_snapshot, tmp_path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "snap.json"
    demo_snapshot.save(path)
    assert main(["postgrest", "GET", "/tickets?select=id,users(*)", "--snapshot",
                 str(path)]) == 1
    assert "PGRST201" in capsys.readouterr().out


def test_could_not_run_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["postgrest", "GET", "/tickets"]) == 2
    assert "give --dsn or --snapshot" in capsys.readouterr().err
    assert main(["postgrest", "GET", "/t", "--dsn",
                 "postgresql://u:secret@/nodb?host=/nonexistent"]) == 2
    err = capsys.readouterr().err
    assert "cannot connect" in err and "secret" not in err
