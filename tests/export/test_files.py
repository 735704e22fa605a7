"""Export files are replaced atomically and keep the permissions a shared project folder relies on."""

from __future__ import annotations

import os
import stat

import pytest

from tests.export import sample_project as sample
from workbench.export.layout import LayoutOptions
from workbench.export.layout_export import export_layout
from workbench.export.webmap import export_web_map


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _export(path) -> None:
    if path.suffix == ".html":
        export_web_map(sample.make_project(), path)
    else:
        export_layout(sample.make_project(), path, LayoutOptions(dpi=72))


@pytest.mark.parametrize("name", ["map.html", "page.pdf", "page.png"])
def test_a_new_file_follows_the_umask_and_a_replaced_one_keeps_its_mode(tmp_path, qapp, name):
    new = tmp_path / name
    _export(new)
    assert _mode(new) == 0o666 & ~_umask()  # what `touch` would give, not mkstemp's private 0600
    shared = tmp_path / f"shared-{name}"
    shared.write_text("last week's export")
    os.chmod(shared, 0o640)  # readable by the planning group only
    _export(shared)
    assert _mode(shared) == 0o640 and shared.stat().st_size > 1000
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, f"shared-{name}"])  # no temp files left
