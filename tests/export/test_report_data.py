"""Report numbers and charts: key figures from the run records, charts that plot exactly the project's data."""

from __future__ import annotations

import numpy as np
import pytest

from tests.export import sample_project as sample
from workbench.export.report_charts import coverage_curve_figure, phase_figure, rsrp_histogram_figure
from workbench.export.report_data import collect_report_data
from workbench.export.report_table import site_table_rows

SITING_RUN = {"algorithm": "siting.mclp", "algorithm_name": "Maximal covering (MCLP)", "status": "ok",
              "run_id": "r1", "started": "2025-03-01T10:00:00", "duration_s": 2.5,
              "parameters": {"sites": 5, "radius": 150.0},
              "summary": {"model": "mclp", "method": "exact", "status": "optimal", "solver": "HiGHS", "sites": 5,
                          "gap_pct": 0.12, "covered_share_pct": 69.0, "covered_people": 295_000.0,
                          "total_people": 428_550.0, "demand_measure": "residents + workers",
                          "total_cost": 215_500.0}}
COVERAGE_RUN = {"algorithm": "coverage.rsrp", "algorithm_name": "RSRP coverage", "status": "ok", "run_id": "r0",
                "parameters": {"threshold_dbm": -100.0},
                "summary": {"residents_covered_pct": 83.4, "workers_covered_pct": 91.0, "schools_covered_pct": 100.0}}


@pytest.fixture()
def project():
    project = sample.make_project()
    project.record_run(COVERAGE_RUN)
    project.record_run(SITING_RUN)
    return project


def test_key_figures_come_from_the_latest_runs(project):
    figures = {f.label: f for f in collect_report_data(project).figures}
    assert figures["Sites selected"].value == "5"
    # a record from before plugins/figures.py: people from covered/total people, the differing share is weighted
    assert figures["People covered"].value == "68.8 %"  # 295,000 of 428,550
    assert figures["People covered"].note == "295,000 of 428,550 (residents + workers)"
    assert figures["Weighted demand covered"].value == "69.0 %" and "Demand covered" not in figures
    assert figures["Residents covered"].value == "83.4 %"
    assert figures["Workers covered"].value == "91.0 %"
    assert figures["Schools covered"].value == "100.0 %"
    assert figures["Optimality gap"].value == "0.12 %" and figures["Optimality gap"].note == "HiGHS"
    assert figures["Total cost"].value == "215,500"


def test_total_cost_without_a_summary_adds_the_sites_costs():
    project = sample.make_project()  # the sites layer alone, no run record
    figures = {f.label: f.value for f in collect_report_data(project).figures}
    assert figures == {"Sites selected": "5", "Total cost": "215,500"}  # 42,000 + 42,000 + 38,500 + 51,000 + 42,000


def test_a_project_without_runs_says_what_is_missing():
    project = sample.make_project()
    project.remove_layer("Selected sites")
    project.remove_layer("RSRP")
    data = collect_report_data(project)
    assert data.sites is None and data.rsrp is None and data.figures == []
    assert any("siting" in note for note in data.notes) and any("coverage" in note for note in data.notes)


def test_coverage_curve_plots_cumulative_coverage_in_rank_order(project):
    data = collect_report_data(project)
    line = coverage_curve_figure(data.curve).axes[0].lines[0]
    assert line.get_xdata().tolist() == [0, 1, 2, 3, 4, 5]
    assert line.get_ydata() == pytest.approx([0, 31, 49, 60, 66, 69])


@pytest.mark.parametrize("final_pct", [12.0, 69.0, 97.0, 100.0])
def test_the_curve_label_stays_inside_the_plot(final_pct):
    """At 97 % the end label once sat on the chart title above the plot, and then on the line."""
    import pandas as pd
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    curve = pd.DataFrame({"sites": np.arange(51), "covered_pct": final_pct * np.sqrt(np.arange(51) / 50)})
    fig = coverage_curve_figure(curve)
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    ax = fig.axes[0]
    label = ax.texts[0].get_window_extent(renderer)
    assert ax.texts[0].get_text() == f"{final_pct:.1f} % with 50 sites"
    # inside the plot area, so below the title above it, and under the curve, so clear of its line
    assert ax.bbox.contains(label.x0, label.y0) and ax.bbox.contains(label.x1, label.y1)
    left = ax.transData.inverted().transform((label.x0, label.y1))[0]
    curve_y = ax.transData.transform((left, np.interp(left, curve["sites"], curve["covered_pct"])))[1]
    assert curve_y > label.y1 + 2


def test_rsrp_histogram_bars_are_area_shares(project):
    data = collect_report_data(project)
    raster = project.layer("RSRP")
    values = raster.band(1).compressed()
    assert data.rsrp.size == values.size == raster.width * raster.height - 1  # one no-data cell
    axes = rsrp_histogram_figure(data.rsrp, data.rsrp_threshold).axes[0]
    heights = np.array([bar.get_height() for bar in axes.patches])
    assert heights.sum() == pytest.approx(100.0)
    edges = [bar.get_x() for bar in axes.patches] + [axes.patches[-1].get_x() + axes.patches[-1].get_width()]
    expected, _ = np.histogram(np.clip(values, edges[0], edges[-1] - 1e-9), bins=edges)
    assert heights == pytest.approx(100.0 * expected / values.size)
    label = " ".join(t.get_text() for t in axes.texts)
    assert f"{100.0 * np.mean(values >= -100.0):.1f} % of it at or above" in label


def test_sites_per_phase_counts_and_costs(project):
    data = collect_report_data(project)
    assert data.phases["sites"].tolist() == [2, 2, 1]
    assert data.phases["cost"].tolist() == [84_000.0, 89_500.0, 42_000.0]
    bars = phase_figure(data.phases).axes[0].patches
    assert [bar.get_height() for bar in bars] == [2, 2, 1]


def test_site_table_reads_like_a_briefing(project):
    table = site_table_rows(collect_report_data(project).sites)
    assert table.headings[:7] == ["Rank", "Pole", "Phase", "Adds (%)", "Covered (%)", "Adds (demand)", "Cost"]
    assert table.rows[0][:7] == ["1", "P0002", "1", "31.0", "31.0", "3,100", "42,000"]
    assert [row[3] for row in table.rows] == ["31.0", "18.0", "11.0", "6.0", "3.0"]  # steps of the cumulative
    assert [row[0] for row in table.rows] == ["1", "2", "3", "4", "5"]
    assert "Cumulative demand" not in table.headings and len(table.headings) == 9
    assert table.headings[7:] == ["Height (m)", "Status"]  # other fields read as words, units in brackets


def test_coverage_figures_say_which_transmitters_they_are_of(project):
    project.record_run({**COVERAGE_RUN, "run_id": "r2",
                        "parameters": {"transmitters": "Lamp poles", "threshold_dbm": -100.0},
                        "summary": {**COVERAGE_RUN["summary"], "sites": 24}})
    data = collect_report_data(project)
    figures = {f.label: f for f in data.figures}
    assert figures["Residents covered"].note == "RSRP of 24 sites"
    # every pole's coverage is not the plan's: the report says so and what to run
    assert ("The RSRP coverage figures are of the coverage run on 'Lamp poles' (24 sites), not of the 5 sites in "
            "'Selected sites'; run the coverage on 'Selected sites' for the coverage of this plan.") in data.notes
    project.record_run({**COVERAGE_RUN, "run_id": "r3", "parameters": {"transmitters": "Selected sites"},
                        "summary": {**COVERAGE_RUN["summary"], "sites": 5}})
    data = collect_report_data(project)
    assert {f.label: f.note for f in data.figures}["Residents covered"] == "RSRP of 5 sites"
    assert not any("not of the" in note for note in data.notes)


def test_runs_list_the_inputs_and_the_assumptions_with_units():
    from workbench.export.report_runs import run_details

    project = sample.make_project()
    project.record_run({"algorithm": "coverage.rsrp", "algorithm_name": "Coverage", "status": "ok", "run_id": "c",
                        "parameters": {"transmitters": "lamp_poles", "buildings": None, "surface": "heights",
                                       "obstruction_resolution": 2.0, "demand": "demand", "model": "auto",
                                       "frequency_mhz": 3500.0, "eirp_dbm": "43", "noise_figure_db": 9.0,
                                       "threshold_dbm": -100.0, "max_radius": 400.0, "resolution": 5.0,
                                       "rx_height_m": 3.0}, "summary": {}})
    project.record_run({"algorithm": "siting.mclp", "algorithm_name": "MCLP", "status": "ok", "run_id": "s",
                        "parameters": {"candidates": "lamp_poles", "method": "greedy", "sites": 30,
                                       "coverage_mode": "radius", "radius": 150.0, "threshold_dbm": -100.0,
                                       "time_limit": 0.0}, "summary": {}})
    lines = [(k.strip(), v) for k, v in run_details(collect_report_data(project))]
    split = [k for k, _ in lines].index("Coverage run")
    siting, coverage = lines[1:split], lines[split + 1:]
    # given layers, changed settings (EIRP, receiver height) and the radio assumptions even at their defaults
    assert coverage == [("Transmitters", "lamp_poles"), ("Height raster", "heights"), ("Demand", "demand"),
                        ("Path-loss model", "auto"), ("Carrier frequency", "3500 MHz"), ("EIRP per cell", "43 dBm"),
                        ("Receiver noise figure", "9 dB"), ("RSRP threshold", "-100 dBm"), ("Maximum radius", "400 m"),
                        ("Raster resolution", "5 m"),
                        ("Receiver height", "3 m")]
    # a radius-mode siting run: its RF settings are not what it assumed, the radius is; the safety limit is default
    assert siting == [("Candidate lamp poles", "lamp_poles"), ("Solver", "greedy"), ("Number of sites", "30"),
                      ("Coverage relation", "radius"), ("Coverage radius", "150 m")]
