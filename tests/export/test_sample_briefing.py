"""The briefing workflow on the Tianhe sample: a siting run, then one command for the page, web map and report.

The slowest export test (a real siting run on 3,101 poles, about 8 s), kept because it is the workflow briefing
staff follow every week.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

import main
from tests.export.browser import Browser, available

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "tianhe"
PDFTOTEXT = Path(shutil.which("pdftotext") or "/usr/bin/pdftotext")
SITES = 8

pytestmark = pytest.mark.skipif(not (SAMPLE / "tianhe.lamp").exists(), reason="the Tianhe sample is not generated")


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    from layers.project import Project
    from plugins.api import Context
    from plugins.runner import add_to_project, run_algorithm

    folder = tmp_path_factory.mktemp("tianhe")
    for name in ("tianhe.gpkg", "building_height_2m.tif", "tianhe.lamp"):
        shutil.copy(SAMPLE / name, folder / name)
    project = Project.load(folder / "tianhe.lamp")
    result = run_algorithm("siting.mclp", {"candidates": "lamp_poles", "demand": "demand", "sites": SITES,
                                           "method": "greedy", "radius": 150.0},
                           Context(project=project, crs=project.crs))
    add_to_project(result, project)
    return project.save(folder / "planned.lamp")


def test_one_command_briefing_from_the_sample(planned, tmp_path, capsys, qapp):
    status = main.main(["export", "--project", str(planned), "--layout", "a4-landscape", "--title", "Tianhe plan",
                        "--out", str(tmp_path / "map.pdf"), "--web", str(tmp_path / "map.html"),
                        "--report", str(tmp_path / "report.pdf")])
    assert status == 0
    written = json.loads(capsys.readouterr().out)
    sites_layer = f"Selected sites (MCLP greedy, {SITES} sites)"
    assert written["web"]["features"][sites_layer] == SITES
    assert written["web"]["features"]["lamp_poles"] == 3101
    assert written["report"]["figures"]["sites_selected"] == str(SITES)
    if PDFTOTEXT.exists():
        page = subprocess.run([PDFTOTEXT, "-layout", tmp_path / "map.pdf", "-"], capture_output=True, text=True,
                              check=True).stdout
        bar_m = written["layout"]["scale_bar_m"]
        bar_label = f"{bar_m / 1000:g} km" if bar_m >= 1000 else f"{bar_m:g} m"
        for expected in ("Tianhe plan", "Legend", "Selected sites", "phase 1", "lamp_poles", "EPSG:32649", bar_label):
            assert expected in page, expected
        report = subprocess.run([PDFTOTEXT, "-layout", tmp_path / "report.pdf", "-"], capture_output=True,
                                text=True, check=True).stdout
        assert f"Selected sites ({SITES})" in report and "Coverage vs number of sites" in report
    if available():
        with Browser(folder=tmp_path) as browser:
            browser.open(tmp_path / "map.html", settle=1.0)
            assert browser.errors == []
            drawn = browser.evaluate("Object.fromEntries(Lamplight.layers.map(e => [e.name, e.layer.getLayers ? "
                                     "e.layer.getLayers().length : -1]))")
            assert drawn[sites_layer] == SITES and drawn["lamp_poles"] == 3101
