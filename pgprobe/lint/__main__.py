"""``python -m pgprobe.lint PATH...`` (same as ``pgprobe lint``)."""

import os
import sys

from ._cli import main

code = main()
sys.stdout.flush()
sys.stderr.flush()
os._exit(code)  # the parse trees die with the process: no teardown of millions of objects
