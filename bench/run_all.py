"""Run every benchmark in bench/ one after another and print their JSON results.

    .venv/bin/python bench/run_all.py [name ...]     # e.g. snapshot diff

Each benchmark compares pgprobe with its peers in the same process; docs/benchmarks.md
records the figures and the exact commands.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    scripts = sorted(HERE.glob("*_bench.py"))
    if argv:
        scripts = [s for s in scripts if s.stem.removesuffix("_bench") in argv]
    failed = 0
    for script in scripts:
        print(f"== {script.name}", flush=True)
        code = subprocess.call([sys.executable, str(script)], cwd=str(HERE))
        failed += code != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
