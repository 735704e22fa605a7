"""docs/tests.md is the one convention for where tests live, and the tree follows it: every test folder has a row,
every path a row names exists, every folder of Lamplight's code is named by a row, no test sits outside them."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
CODE = ("layers", "plugins", "workbench", "lamplight")
ROW = re.compile(r"^\| `tests/([\w-]+)/` \|[^|]*\| (.+) \|$")


def _rows() -> dict[str, list[str]]:
    """Test folder -> the paths its row names, from the tables of docs/tests.md."""
    rows: dict[str, list[str]] = {}
    for line in (ROOT / "docs" / "tests.md").read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            assert match.group(1) not in rows, f"tests/{match.group(1)}/ has two rows in docs/tests.md"
            rows[match.group(1)] = re.findall(r"`([^`]+)`", match.group(2))
    return rows


def _test_files() -> list[Path]:
    return sorted(p for p in TESTS.rglob("test_*.py") if "__pycache__" not in p.parts)


def test_every_test_lives_in_a_folder_with_a_row():
    rows = _rows()
    misplaced = [str(p.relative_to(ROOT)) for p in _test_files()
                 if len(p.relative_to(TESTS).parts) != 2 or p.relative_to(TESTS).parts[0] not in rows]
    assert misplaced == [], ("test files outside the folders of docs/tests.md (one level below tests/): move them "
                             "or add a row")


def test_every_row_names_an_existing_folder_and_existing_code():
    for folder, paths in _rows().items():
        assert (TESTS / folder).is_dir(), f"docs/tests.md has a row for tests/{folder}/, which does not exist"
        assert paths, f"the row of tests/{folder}/ names no code"
        missing = [path for path in paths if not (ROOT / path).exists()]
        assert missing == [], f"the row of tests/{folder}/ names paths that do not exist"


def test_every_folder_of_code_has_a_home_in_tests():
    named = {path.rstrip("/") for paths in _rows().values() for path in paths}
    folders = {str(d.relative_to(ROOT)) for top in CODE for d in [ROOT / top, *(ROOT / top).rglob("*")]
               if d.is_dir() and "__pycache__" not in d.parts and any(d.glob("*.py"))}
    assert sorted(folders - named) == [], "folders of code that no row of docs/tests.md names"
