"""Started in Chinese, the workbench shows Chinese: the window, its docks and menus, the main dialogs and the
Processing dialogs on the sample project hold no English word that is not data, a code, a unit or a product name.

``test_translatable`` checks that every shown text is *marked*; this checks the other half of issue 17's promise,
with the real catalogue installed: a text that is marked but missing from the catalogue, marked under another
context, or formatted before it was translated still shows English here (see ``chinese_interface_scan``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_started_in_chinese_the_window_and_dialogs_show_no_english():
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run([sys.executable, "-m", "tests.gui.chinese_interface_scan",
                          str(ROOT / "sample_data" / "tianhe" / "tianhe.lamp")],
                         cwd=ROOT, env=environment, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    left = json.loads(run.stdout.strip().splitlines()[-1])
    report = "\n".join(f"  {where}  -> {words}" for where, words in sorted(left.items()))
    assert not left, f"{len(left)} texts still show English in the Chinese interface:\n{report}"
