"""The bad-input corpus (``bad_input_corpus.py``): over 200 generated files and project archives from others.

For every case: only a LayerError may come out (no traceback), it starts with the file's path and says the
expected words; fixed files load with a note that says what was fixed; nothing hangs (a 60 s alarm, far above
the under-a-second each case takes) and nothing is written beside the file (GDAL side files, extracted members).
"""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from layers import LayerError, Project
from layers.io import open_layers
from tests.io.bad_input_corpus import Case, cases

CASES = cases()
HANG_LIMIT_S = 60


def test_the_corpus_is_large_and_names_are_unique():
    names = [case.name for case in CASES]
    assert len(names) >= 150 and len(set(names)) == len(names)
    assert {case.outcome for case in CASES} == {"error", "note", "loads"}


def _open(path: Path) -> list[str]:
    """What a planner gets from the file: the notes of its layers, or of a project its skipped layers."""
    if path.suffix == ".lamp":
        return list(Project.load(path).load_problems)
    return [note for layer in open_layers(path) for note in layer.notes]


def _files(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*")}


def _hang(signum, frame):  # pragma: no cover - only when a case hangs
    raise TimeoutError(f"opening took longer than {HANG_LIMIT_S} s")


@pytest.mark.parametrize("case", CASES, ids=str)
def test_each_bad_input_gives_its_outcome(tmp_path: Path, case: Case):
    folder = tmp_path / "inbox"
    folder.mkdir()
    path = case.build(folder)
    before = _files(folder)
    previous = signal.signal(signal.SIGALRM, _hang)
    signal.alarm(HANG_LIMIT_S)
    try:
        if case.outcome == "error":
            with pytest.raises(LayerError) as caught:
                _open(path)
            message = str(caught.value)
            assert message.startswith(str(path)), message
            assert case.words in message, message
            assert "Traceback" not in message
        else:
            notes = _open(path)
            if case.outcome == "note":
                assert any(case.words in note for note in notes), notes
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert _files(folder) == before  # opening never writes beside the file
