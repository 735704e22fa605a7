"""Run a probe script in a fresh Python interpreter and read its report: for tests of what a new process imports,
loads or logs, which the test process itself (numba and the renderer long loaded) cannot show."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_probe(code: str, env: dict[str, str] | None = None, timeout: float = 300) -> tuple[dict, str]:
    """Run ``code`` with ``python -c`` from the repository root on Qt's offscreen platform (``env`` adds to or
    overrides the environment); the JSON of its last stdout line and its stderr. A failing probe fails the test
    with the end of its stderr."""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})})
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr
