"""Briefing report files: the PDF's pages and text, the HTML's content and escaping, cancellation."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.export import sample_project as sample
from tests.export.test_report_data import COVERAGE_RUN, SITING_RUN
from workbench.export.progress import ExportCancelled
from workbench.export.report import ReportOptions, export_report

POPPLER = Path(shutil.which("pdftotext") or "/usr/bin/pdftotext").parent
needs_poppler = pytest.mark.skipif(not (POPPLER / "pdftotext").exists(), reason="poppler-utils is not installed")


def planned_project():
    project = sample.make_project()
    project.record_run(COVERAGE_RUN)
    project.record_run(SITING_RUN)
    return project


@needs_poppler
def test_pdf_report_pages_and_text(tmp_path, qapp):
    path = tmp_path / "briefing.pdf"
    export_report(planned_project(), path, ReportOptions(notes="Draft for the district briefing.",
                                                         date="2025-03-14"))
    info = subprocess.run([POPPLER / "pdfinfo", path], check=True, capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+2$", info, re.MULTILINE)  # summary with map and charts; histogram, runs, sites
    text = subprocess.run([POPPLER / "pdftotext", "-layout", path, "-"], check=True, capture_output=True,
                          text=True).stdout
    for expected in ("Zhujiang New Town small cells", "2025-03-14", "Sites selected", "83.4 %", "0.12 %", "HiGHS",
                     "Legend", "Coverage vs number of sites", "Sites per phase", "RSRP distribution",
                     "Maximal covering (MCLP)", "Selected sites (5)", "P0021", "38,500", "Page 1 of 2",
                     "Page 2 of 2", "Draft for the district briefing."):
        assert expected in text, expected
    # page 1 is a real picture: a good part of it is coloured (tiles, map, charts), not an empty page
    subprocess.run([POPPLER / "pdftoppm", "-r", "30", "-f", "1", "-l", "1", "-png", path, tmp_path / "p"],
                   check=True)
    from PyQt6.QtGui import QImage

    image = QImage(str(next(tmp_path.glob("p*.png"))))
    coloured = sum(1 for x in range(0, image.width(), 3) for y in range(0, image.height(), 3)
                   if image.pixelColor(x, y).saturation() > 60)
    assert coloured / ((image.width() // 3) * (image.height() // 3)) > 0.12


@needs_poppler
def test_a_long_site_table_continues_over_pages(tmp_path, qapp):
    project = planned_project()
    sites = project.layer("Selected sites")
    many = sites.gdf.iloc[[i % len(sites.gdf) for i in range(120)]].reset_index(drop=True)
    many["rank"] = range(1, 121)
    many["pole_id"] = [f"TH-{i:06d}" for i in range(120)]
    sites.gdf = many
    path = tmp_path / "long.pdf"
    export_report(project, path)
    text = subprocess.run([POPPLER / "pdftotext", "-layout", path, "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "Selected sites (120)" in text and "Selected sites (continued, from row" in text
    assert all(f"TH-{i:06d}" in text for i in range(120))
    pages = int(re.search(r"Page 1 of (\d+)", text).group(1))
    assert pages >= 4 and f"Page {pages} of {pages}" in text


def test_html_report_is_one_escaped_file(tmp_path, qapp):
    project = planned_project()
    project.layer("Selected sites").gdf.loc[0, "pole_id"] = sample.HOSTILE
    path = tmp_path / "briefing.html"
    export_report(project, path, ReportOptions(title="Plan <b>A</b>"))
    page = path.read_text(encoding="utf-8")
    assert sample.HOSTILE not in page and "<script" not in page
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in page
    assert "Plan &lt;b&gt;A&lt;/b&gt;" in page
    assert page.count("<svg") == 3  # the three charts, inline and vector
    assert page.count("data:image/png;base64,") == 1  # the map
    assert not re.search(r"(src|href)\s*=\s*[\"']?https?:", page)  # nothing is loaded from elsewhere


def test_report_without_runs_says_what_to_run(tmp_path, qapp):
    project = sample.make_project()
    project.remove_layer("Selected sites")
    path = tmp_path / "bare.html"
    export_report(project, path)
    page = path.read_text(encoding="utf-8")
    assert "No siting run in this project" in page
    assert page.count("<svg") == 1  # only the RSRP histogram has data


def test_cancelled_report_writes_nothing(tmp_path, qapp):
    with pytest.raises(ExportCancelled):
        export_report(planned_project(), tmp_path / "x.pdf", cancelled=lambda: True)
    assert list(tmp_path.iterdir()) == []


@needs_poppler
def test_run_details_print_long_parameter_names_whole(tmp_path, qapp):
    """The runs' name column fits its longest name; at a fixed 48 mm it cut "Time limit for the exact so…"."""
    project = sample.make_project()
    project.record_run({**SITING_RUN, "parameters": {**SITING_RUN["parameters"], "time_limit": 20.0,
                                                     "existing_weight": 0.5}})
    path = tmp_path / "briefing.pdf"
    export_report(project, path, ReportOptions(date="2025-03-14"))
    text = subprocess.run([POPPLER / "pdftotext", "-layout", path, "-"], check=True, capture_output=True,
                          text=True).stdout
    assert re.search(r"Outer safety time limit\s+20 s", text)
    assert re.search(r"Weight of demand already served\s+0.5", text)
