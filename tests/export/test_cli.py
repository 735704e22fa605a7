"""``python main.py export``: one command writes the page, the web map and the report from a project file."""

from __future__ import annotations

import json

import pytest

import main
from tests.export import sample_project as sample
from tests.export.test_report_data import COVERAGE_RUN, SITING_RUN


@pytest.fixture()
def project_file(tmp_path):
    project = sample.make_project()
    project.record_run(COVERAGE_RUN)
    project.record_run(SITING_RUN)
    return project.save(tmp_path / "plan.lamp")


def test_one_command_writes_all_three(project_file, tmp_path, capsys, qapp):
    status = main.main(["export", "--project", str(project_file), "--layout", "a3-portrait",
                        "--out", str(tmp_path / "map.pdf"), "--title", "Tianhe", "--dpi", "150",
                        "--web", str(tmp_path / "map.html"), "--fields", "Lamp poles=pole_id,status",
                        "--report", str(tmp_path / "briefing.pdf")])
    assert status == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["layout"]["scale_bar_m"] in (100.0, 200.0, 500.0)
    assert summary["web"]["features"]["Lamp poles"] == sample.POLE_COUNT
    assert summary["report"]["figures"]["sites_selected"] == "5"
    for name in ("map.pdf", "map.html", "briefing.pdf"):
        assert (tmp_path / name).stat().st_size > 10_000
    assert (tmp_path / "map.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(("arguments", "message"), [
    (["--extent", "1,2,3", "--out", "x.pdf"], "--extent"),
    (["--extent", "5,0,1,1", "--out", "x.pdf"], "minx < maxx"),
    (["--fields", "poles", "--web", "x.html"], "--fields"),
    ([], "nothing to export"),
])
def test_wrong_command_lines_exit_2_with_the_option_named(project_file, capsys, arguments, message):
    assert main.main(["export", "--project", str(project_file), *arguments]) == 2
    assert message in capsys.readouterr().err


def test_a_failing_export_exits_1_and_names_the_problem(project_file, tmp_path, capsys):
    status = main.main(["export", "--project", str(project_file), "--web", str(tmp_path / "map.html"),
                        "--fields", "Lamp poles=colour"])
    assert status == 1
    assert "'colour'" in capsys.readouterr().err
    assert not (tmp_path / "map.html").exists()


def test_a_project_whose_data_files_are_all_missing_is_refused_not_drawn_empty(tmp_path, capsys):
    import pyogrio

    from layers import Project, VectorLayer

    source = tmp_path / "poles.gpkg"
    poles = sample.make_project().layer("Lamp poles")
    pyogrio.write_dataframe(poles.gdf, source, layer="poles")
    project = Project(poles.crs)
    project.add_layer(VectorLayer(pyogrio.read_dataframe(source), "poles", source=str(source)))
    path = project.save(tmp_path / "plan.lamp")
    source.unlink()
    assert main.main(["export", "--project", str(path), "--out", str(tmp_path / "map.png")]) == 1
    err = capsys.readouterr().err
    assert "poles.gpkg" in err and "nothing to draw: its layers could not be restored (1)" in err
    assert not (tmp_path / "map.png").exists()
