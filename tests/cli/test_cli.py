"""``python main.py list/help/run`` in a subprocess, as a user or a script would call it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyogrio
import pytest

from layers import Project
from layers.io import open_layers, write_layer
from plugins.api import Context
from plugins.runner import run_algorithm
from tests.plugins.conftest import offices, schools  # noqa: F401 - fixtures shared with the plugin tests

MAIN = Path(__file__).resolve().parents[2] / "main.py"


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, LAMPLIGHT_PLUGIN_DIR=str(cwd / "no-user-plugins"))
    return subprocess.run([sys.executable, str(MAIN), *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def files(tmp_path: Path, offices, schools) -> Path:  # noqa: F811
    write_layer(offices, tmp_path / "offices.gpkg", layer_name="offices")
    write_layer(schools, tmp_path / "schools.geojson")
    return tmp_path


def test_list_and_help(tmp_path: Path):
    listing = cli("list", cwd=tmp_path)
    assert listing.returncode == 0
    assert "Vector tools" in listing.stdout and "tools.nearest" in listing.stdout
    as_json = json.loads(cli("list", "--json", cwd=tmp_path).stdout)
    assert {"id": "tools.buffer", "name": "Buffer", "group": "Vector tools"} in as_json["algorithms"]
    helped = cli("help", "tools.buffer", cwd=tmp_path)
    assert helped.returncode == 0
    assert "--distance  Buffer distance: distance in m, -100000 to 100000 [default 100.0]" in helped.stdout
    unknown = cli("help", "tools.bufer", cwd=tmp_path)
    assert unknown.returncode == 2 and "did you mean tools.buffer" in unknown.stderr


def test_run_writes_outputs_with_provenance_identical_to_a_direct_run(files: Path):
    done = cli("run", "tools.nearest", "--input", "offices.gpkg", "--target", "schools.geojson",
               "--target_field", "name", "--output-dir", "results", cwd=files)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    path = files / "results" / "output.gpkg"
    assert summary["outputs"]["output"]["path"] == "results/output.gpkg"
    assert summary["parameters"]["input"] == str(files / "offices.gpkg")
    written = open_layers(path)[0]
    direct = run_algorithm("tools.nearest", {"input": str(files / "offices.gpkg"),
                                             "target": str(files / "schools.geojson"), "target_field": "name"},
                           Context()).outputs["output"]
    assert np.array_equal(written.gdf["nearest_m"].to_numpy(), direct.gdf["nearest_m"].to_numpy())
    assert list(written.gdf["nearest_name"]) == list(direct.gdf["nearest_name"])
    assert summary["summary"]["mean_m"] == pytest.approx(direct.gdf["nearest_m"].mean(), abs=0.01)
    tags = pyogrio.read_info(path, layer=written.name)["layer_metadata"]
    provenance = json.loads(tags["lamplight.provenance"])
    assert provenance["algorithm"] == "tools.nearest" and provenance["run_id"] == summary["run_id"]
    assert provenance["parameters"]["target_field"] == "name"


def test_bad_parameters_exit_2_naming_the_parameter_and_write_nothing(files: Path):
    negative = cli("run", "tools.buffer", "--input", "offices.gpkg", "--distance", "-2e6", cwd=files)
    assert negative.returncode == 2
    assert "parameter 'distance' (Buffer distance): must be at least -100000 m" in negative.stderr
    missing = cli("run", "tools.buffer", "--input", "office.gpkg", cwd=files)
    assert missing.returncode == 2 and "parameter 'input' (Input layer): 'office.gpkg' is not an existing file" \
        in missing.stderr
    typo = cli("run", "tools.filter", "--input", "offices.gpkg", "--expression", "price < 100", cwd=files)
    assert typo.returncode == 2 and "unknown field 'price'; did you mean 'price_m2'?" in typo.stderr
    unknown = cli("run", "tools.buffer", "--input", "offices.gpkg", "--radius", "5", cwd=files)
    assert unknown.returncode == 2 and "unrecognized arguments: --radius 5" in unknown.stderr
    assert not (files / "output.gpkg").exists()


def test_existing_outputs_need_overwrite(files: Path):
    args = ("run", "tools.filter", "--input", "offices.gpkg", "--expression", 'industry == "tech"',
            "--output", "tech.csv")
    assert cli(*args, cwd=files).returncode == 0
    again = cli(*args, cwd=files)
    assert again.returncode == 2 and "tech.csv already exists; use --overwrite" in again.stderr
    assert cli(*args, "--overwrite", cwd=files).returncode == 0
    table = (files / "tech.csv").read_text().splitlines()
    assert table[0].startswith("listing_id,price_m2,industry") and all(",tech," in row for row in table[1:])


def test_layer_names_from_a_project(files: Path, offices, schools):  # noqa: F811
    project = Project("EPSG:32649")
    project.add_layers([offices, schools])
    project.save(files / "city.lamp")
    done = cli("run", "tools.buffer", "--project", "city.lamp", "--input", "schools", "--distance", "0.2 km",
               "--dissolve", "--output", "zones.geojson", cwd=files)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["parameters"] == {"input": "schools", "distance": 200.0, "segments": 8, "dissolve": True}
    assert len(open_layers(files / "zones.geojson")[0].gdf) == 1
    wrong = cli("run", "tools.buffer", "--project", "city.lamp", "--input", "poles", cwd=files)
    assert wrong.returncode == 2 and "'poles' is neither a layer of the project nor an existing file" in wrong.stderr


def test_the_command_line_never_imports_qt(tmp_path: Path):
    code = ("import sys, main; status = main.main(['list']); "
            "assert not [m for m in sys.modules if m.startswith('PyQt')], 'Qt imported'; sys.exit(status)")
    done = subprocess.run([sys.executable, "-c", code], cwd=MAIN.parent, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_progress_bar_only_on_a_terminal(files: Path):
    import pty

    args = ("run", "tools.buffer", "--input", "offices.gpkg", "--distance", "10", "--output-dir", "bar")
    master, slave = pty.openpty()
    env = dict(os.environ, LAMPLIGHT_PLUGIN_DIR=str(files / "none"))
    with subprocess.Popen([sys.executable, str(MAIN), *args], cwd=files, env=env, stdout=subprocess.PIPE,
                          stderr=slave, text=True) as process:
        os.close(slave)
        stdout, _ = process.communicate(timeout=120)
        terminal = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the other end is closed
                break
            if not chunk:
                break
            terminal += chunk
        os.close(master)
    assert process.returncode == 0
    assert json.loads(stdout)["status"] == "ok"
    assert "\rtools.buffer [" in terminal.decode() and "] 100.0%" in terminal.decode()
    piped = cli(*args[:-1], "piped", cwd=files)
    assert piped.returncode == 0 and "\r" not in piped.stderr and "%" not in piped.stderr


DENSITY_PLUGIN = '''
import numpy as np
import pandas as pd
from affine import Affine
from layers import RasterLayer
from plugins.api import Algorithm, DistanceParameter, LayerParameter, OutputRaster, OutputTable


class Density(Algorithm):
    id, name, group = "test.density", "Point density", "Tests"
    description = "Points per grid cell."

    def parameters(self):
        return [LayerParameter("points", "Points", geometry=("point",)),
                DistanceParameter("cell", "Cell size", minimum=1, default=100)]

    def outputs(self):
        return [OutputRaster("grid", "Points per cell"), OutputTable("columns", "Points per grid column")]

    def run(self, params, context, feedback):
        gdf, cell = params["points"].gdf, params["cell"]
        minx, miny, maxx, maxy = gdf.total_bounds
        xs = np.arange(minx, maxx + cell, cell)
        ys = np.arange(miny, maxy + cell, cell)
        counts, _, _ = np.histogram2d(gdf.geometry.y, gdf.geometry.x, bins=[ys, xs])
        grid = RasterLayer(counts[::-1].astype("float32"), Affine(cell, 0, minx, 0, -cell, ys[-1]), gdf.crs,
                           name="density", metadata={"quantity": "density", "unit": "points"})
        table = pd.DataFrame({"column": range(counts.shape[1]), "points": counts.sum(axis=0).astype(int)})
        return {"grid": grid, "columns": table}


def algorithms():
    return [Density()]
'''


def test_raster_and_table_outputs_from_a_user_folder_plugin(files: Path):
    import rasterio

    folder = files / "no-user-plugins"
    folder.mkdir()
    (folder / "density.py").write_text(DENSITY_PLUGIN)
    assert "test.density" in cli("list", cwd=files).stdout
    done = cli("run", "test.density", "--points", "offices.gpkg", "--cell", "250", "--grid", "grid.tif",
               "--output-dir", "tables", cwd=files)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["outputs"]["grid"] == {"path": "grid.tif", "type": "raster", "layer": "density"}
    assert summary["outputs"]["columns"] == {"path": "tables/columns.csv", "type": "table", "rows": 4}
    with rasterio.open(files / "grid.tif") as grid:
        assert grid.read(1).sum() == 200  # every office counted once
        assert grid.res == (250.0, 250.0)
        provenance = json.loads(grid.tags()["lamplight.provenance"])
    assert provenance["algorithm"] == "test.density" and provenance["parameters"]["cell"] == 250.0
    columns = (files / "tables" / "columns.csv").read_text().splitlines()
    assert columns[0] == "column,points" and sum(int(row.split(",")[1]) for row in columns[1:]) == 200


BUGGY_PLUGIN = '''
from plugins.api import Algorithm


class Buggy(Algorithm):
    id, name, group = "test.buggy", "Buggy", "Tests"

    def run(self, params, context, feedback):
        return {"share": 1 / 0}


def algorithms():
    return [Buggy()]
'''


def test_write_folders_are_created_and_a_plugin_bug_is_reported_in_one_line(files: Path):
    done = cli("run", "tools.buffer", "--input", "offices.gpkg", "--output", "new/sub/zones.gpkg", cwd=files)
    assert done.returncode == 0, done.stderr
    assert len(open_layers(files / "new" / "sub" / "zones.gpkg")[0].gdf) == 200
    folder = files / "no-user-plugins"
    folder.mkdir()
    (folder / "buggy.py").write_text(BUGGY_PLUGIN)
    failed = cli("run", "test.buggy", cwd=files)
    assert failed.returncode == 1
    headline = "error: algorithm test.buggy failed unexpectedly (ZeroDivisionError: division by zero)"
    assert failed.stderr.splitlines()[0].startswith(headline)
    assert "Traceback" in failed.stderr and failed.stdout == ""


def test_every_built_in_algorithm_prints_its_help():
    """argparse %-formats help texts: a parameter that says "number in %" once made ``run siting.lscp --help``
    crash with a traceback."""
    from plugins.cli import algorithm_parser
    from plugins.registry import Registry

    registry = Registry()
    registry.load_builtins()
    for algorithm in registry.algorithms():
        text = algorithm_parser(algorithm).format_help()
        assert all(f"--{parameter.name}" in text for parameter in algorithm.parameters()), algorithm.id
    assert "number in %, 0.01" in algorithm_parser(registry.get("siting.lscp")).format_help()


def test_save_records_the_run_in_the_project_as_the_workbench_does(files: Path, offices, schools):  # noqa: F811
    """A command-line pipeline (run --save, then export) sees the same project as after a run in the GUI: the
    outputs are layers of the project and the run is in its history, with the same summary."""
    project = Project("EPSG:32649")
    project.add_layers([offices, schools])
    project.save(files / "city.lamp")
    done = cli("run", "tools.buffer", "--project", "city.lamp", "--input", "schools", "--distance", "150",
               "--save", "--output-dir", "out", cwd=files)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["project"] == str((files / "city.lamp").resolve())
    saved = Project.load(files / "city.lamp")
    assert [layer.name for layer in saved] == [offices.name, "schools", "schools buffer 150 m"]
    (record,) = saved.history
    assert record["algorithm"] == "tools.buffer" and record["outputs"]["output"]["layer"] == "schools buffer 150 m"
    # the same run through the runner, as the Processing dialog makes it, records the same summary
    gui = Project("EPSG:32649")
    gui.add_layers([offices, schools])
    from plugins.runner import add_to_project

    add_to_project(run_algorithm("tools.buffer", {"input": schools, "distance": 150}, Context(project=gui)), gui)
    assert gui.history[0]["summary"] == record["summary"]
    assert len(saved.layer("schools buffer 150 m")) == len(schools)
    without_project = cli("run", "tools.buffer", "--input", "schools.geojson", "--save", cwd=files)
    assert without_project.returncode == 2 and "--save records the run in a project" in without_project.stderr


def test_a_reader_that_leaves_early_is_not_an_error(tmp_path: Path):
    """`lamplight list | head -1`: the pipe closes before Lamplight has written; no traceback, status 0."""
    env = dict(os.environ, LAMPLIGHT_PLUGIN_DIR=str(tmp_path / "none"))
    process = subprocess.Popen([sys.executable, str(MAIN), "list", "--json"], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # the reader is gone before anything is printed
    _, errors = process.communicate(timeout=120)
    assert process.returncode == 0 and b"Traceback" not in errors and b"BrokenPipe" not in errors


def test_argparse_words_follow_the_interface_language(capsys):
    """`--help`, a mistyped option and a missing algorithm read in Chinese under --lang zh_CN (argparse's own
    "usage:", "options", "unrecognized arguments"), from the real catalogue; --lang en gives argparse's English."""
    from lamplight.cli import main
    from layers.i18n import install_translator

    try:
        with pytest.raises(SystemExit) as done:
            main(["--lang", "zh_CN", "--help"])
        assert done.value.code == 0
        help_text = capsys.readouterr().out
        assert help_text.startswith("用法：") and "\n选项:\n" in help_text and "显示此帮助信息并退出" in help_text
        assert "usage:" not in help_text and "options" not in help_text
        assert main(["--lang", "zh_CN", "run", "tools.buffer", "--distanse", "5"]) == 2
        assert "错误：无法识别的参数：--distanse 5" in capsys.readouterr().err
        assert main(["--lang", "zh_CN", "run"]) == 2  # Lamplight's own usage errors too
        assert capsys.readouterr().err.startswith("错误：请指定算法：main.py run ALGORITHM")
        with pytest.raises(SystemExit):
            main(["--lang", "en", "--help"])
        assert capsys.readouterr().out.startswith("usage: ")
    finally:
        install_translator(None)
