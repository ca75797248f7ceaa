"""In CI (CI=true) a skipped test is a failure; only docs examples marked not-run may skip."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SAMPLE = '''
import pytest

def test_skips_for_lack_of_an_oracle():
    pytest.skip("node is not installed")

@pytest.mark.skipif(True, reason="Graphviz dot not installed")
def test_skipif():
    pass

def test_passes():
    pass

@pytest.mark.xfail(reason="known", strict=False)
def test_xfail():
    assert False
'''


def _run(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    """Run a sample test file under this repository's conftest (copied beside it)."""
    tests = tmp_path / "tests"
    tests.mkdir(exist_ok=True)
    (tests / "__init__.py").write_text("")
    (tests / "conftest.py").write_text((ROOT / "tests" / "conftest.py").read_text())
    (tests / "_servers.py").write_text((ROOT / "tests" / "_servers.py").read_text())
    (tests / "test_sample.py").write_text(SAMPLE)
    (tests / "test_docs_examples.py").write_text(
        "import pytest\n\ndef test_block():\n    pytest.skip('README.md:3: not-run: needs a live project')\n")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(ROOT)])
    if ci is not None:
        env["CI"] = ci
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "--rootdir", str(tmp_path), str(tests)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)


def test_outside_ci_skips_are_skips(tmp_path: Path) -> None:
    out = _run(tmp_path, None)
    assert out.returncode == 0, out.stdout
    assert "3 skipped" in out.stdout and "1 xfailed" in out.stdout


def test_in_ci_a_skip_fails_except_docs_marked_not_run(tmp_path: Path) -> None:
    out = _run(tmp_path, "true")
    assert out.returncode == 1, out.stdout
    # a skip in the test body fails it; a skip while setting up (skipif, a fixture) errors it
    assert "1 failed" in out.stdout and "1 error" in out.stdout
    assert "1 skipped" in out.stdout and "1 xfailed" in out.stdout and "1 passed" in out.stdout
    assert "skipped in CI (CI=true)" in out.stdout and "node is not installed" in out.stdout
