"""docs/plugins.md shows the example plugin's real code, so a third party copying it gets working code."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "example_plugin"


def python_blocks() -> list[str]:
    text = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_docs_show_the_example_algorithm_verbatim():
    algorithm, init = python_blocks()[:2]
    assert algorithm == (EXAMPLE / "lamplight_example" / "poles_within.py").read_text(encoding="utf-8")
    assert init.strip() in (EXAMPLE / "lamplight_example" / "__init__.py").read_text(encoding="utf-8")


def test_docs_entry_point_matches_the_example_pyproject():
    docs = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    pyproject = (EXAMPLE / "pyproject.toml").read_text(encoding="utf-8")
    declaration = '[project.entry-points."workbench.plugins"]\nexample = "lamplight_example:algorithms"'
    assert declaration in pyproject
    assert declaration in re.sub(r"\n +", "\n", docs)
