"""The report's scenario comparison page: each scenario's figures and the cost per 1,000 more people covered
relative to the first, computed by hand from the run records; HTML section and its own PDF page."""

from __future__ import annotations

import re
import subprocess

from layers.scenarios import Scenario
from tests.export import sample_project as sample
from tests.export.test_report import POPPLER, needs_poppler
from tests.export.test_report_data import SITING_RUN
from workbench.export.report import ReportOptions, export_report
from workbench.export.report_scenarios import scenario_table

BIGGER_RUN = {**SITING_RUN, "run_id": "r2", "summary": {**SITING_RUN["summary"], "sites": 8,
                                                         "covered_people": 340_000.0, "total_cost": 340_000.0}}


def compared_project():
    project = sample.make_project()
    project.record_run(SITING_RUN)
    project.record_run(BIGGER_RUN)
    project.scenarios.add(Scenario("A: 5 sites", runs=["r1"], sites=["P1", "P2", "P3", "P4", "P5"]))
    project.scenarios.add(Scenario("B: 8 sites", runs=["r2"], sites=["P1", "P2", "P6", "P7", "P8", "P9", "P10",
                                                                     "P11"], note="<b>wider</b>"))
    return project


def test_table_rows_from_the_run_records():
    table = scenario_table(compared_project())
    # B over A: (340,000 - 215,500) / ((340,000 - 295,000) / 1,000) = 124,500 / 45 = 2,766.7 per 1,000 people
    assert table.rows[1][:7] == ["B: 8 sites", "8", "340,000.0", "340,000", "79.3 %", "2,766.7", "2"]
    assert table.rows[0][5:7] == ["", ""]           # the first scenario is the reference
    assert scenario_table(sample.make_project()) is None


def test_html_report_has_the_escaped_scenario_section(tmp_path, qapp):
    path = tmp_path / "briefing.html"
    export_report(compared_project(), path, ReportOptions(date="2025-03-14"))
    page = path.read_text(encoding="utf-8")
    assert "Scenarios compared with \u201cA: 5 sites\u201d" in page and "2,766.7" in page
    assert "&lt;b&gt;wider&lt;/b&gt;" in page and "<b>wider</b>" not in page


@needs_poppler
def test_pdf_report_ends_with_the_scenario_page(tmp_path, qapp):
    path = tmp_path / "briefing.pdf"
    export_report(compared_project(), path, ReportOptions(date="2025-03-14"))
    info = subprocess.run([POPPLER / "pdfinfo", path], check=True, capture_output=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)$", info, re.MULTILINE).group(1))
    last = subprocess.run([POPPLER / "pdftotext", "-f", str(pages), "-l", str(pages), "-layout", path, "-"],
                          check=True, capture_output=True, text=True).stdout
    assert "Scenarios compared with" in last and "2,766.7" in last and "B: 8 sites" in last
    table = scenario_table(compared_project())
    # no heading and no number cut; a note wider than the room left may be (the HTML shows it whole)
    assert all(heading in last for heading in table.headings)
    assert all(value in last for row in table.rows for value, numeric in zip(row, table.numeric, strict=True)
               if numeric)
