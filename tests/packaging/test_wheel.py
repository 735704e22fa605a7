"""The wheel, installed into a fresh virtual environment outside the checkout, runs like the checkout does.

Builds the wheel from a copy of the working tree (so no build/ folder lands in the checkout), installs it with
its dependencies at the versions of requirements.lock into a new venv, and runs the installed ``lamplight``
script and ``python -m lamplight`` from a temporary folder: list, sample, a siting run and a web map export.
Dependencies come from a wheelhouse filled once per requirements.lock (``pip download``, the only step that
needs the network); later runs install offline in well under a minute. The wheel and the venv are session
fixtures (``conftest.py``), shared with the Dask cluster tests.
"""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

import pyogrio
import pytest

from tests.packaging.wheel_venv import PACKAGES, REPO, SAMPLE, run

pytestmark = [pytest.mark.packaging, pytest.mark.xdist_group("wheel")]


def test_wheel_holds_every_data_file_of_the_packages(wheel, source):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {path.relative_to(source).as_posix() for package in PACKAGES for path in (source / package).rglob("*")
                if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"}
    assert expected - names == set()
    for name in ("tianhe.lamp", "tianhe.gpkg", "building_height_2m.tif", "README.md"):
        assert f"lamplight/sample_data/{name}" in names
    entry_points = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "lamplight = lamplight.cli:main" in entry_points


def test_installed_copy_imports_from_site_packages_not_the_checkout(installed):
    done = run([str(installed["python"]), "-c", "import lamplight, layers, plugins, workbench; "
               "print(lamplight.__file__, layers.__file__, plugins.__file__, workbench.__file__)"],
               cwd=installed["work"], env=installed["env"])
    for module_file in done.stdout.split():
        assert "site-packages" in module_file and not Path(module_file).is_relative_to(REPO)


def test_lamplight_list_and_python_m_list_give_the_checkouts_algorithms(installed, source):
    script = run([str(installed["lamplight"]), "list", "--json"], cwd=installed["work"], env=installed["env"])
    module = run([str(installed["python"]), "-m", "lamplight", "list", "--json"], cwd=installed["work"],
                 env=installed["env"])
    # the checkout as the wheel was built from it (the tree may change while the test runs)
    checkout = run([sys.executable, str(source / "main.py"), "list", "--json"], cwd=source, env=installed["env"])
    ids = [{row["id"] for row in json.loads(done.stdout)["algorithms"]} for done in (script, module, checkout)]
    assert ids[0] == ids[1] == ids[2]
    assert {"siting.mclp", "coverage.rsrp", "tools.buffer"} <= ids[0]
    assert json.loads(script.stdout)["problems"] == []


def test_sample_siting_run_and_web_map_from_outside_the_checkout(installed):
    work, env, lamplight = installed["work"], installed["env"], str(installed["lamplight"])
    written = run([lamplight, "sample", "tianhe"], cwd=work, env=env)
    project = work / "tianhe" / "tianhe.lamp"
    assert (work / written.stdout.strip()).resolve() == project.resolve()
    for name in ("tianhe.gpkg", "building_height_2m.tif"):
        assert (work / "tianhe" / name).read_bytes() == (SAMPLE / name).read_bytes()

    sites = 3
    siting = run([lamplight, "run", "siting.mclp", "--project", str(project), "--candidates", "lamp_poles",
                  "--demand", "demand", "--sites", str(sites), "--method", "greedy", "--radius", "100",
                  "--phases", "1", "--curve_sites", str(sites), "--output-dir", "out", "--save"], cwd=work, env=env)
    summary = json.loads(siting.stdout)
    selected = work / "out" / "selected_sites.gpkg"
    assert len(pyogrio.read_dataframe(selected, layer=0)) == sites  # layer 0: the sites (then layer_styles)
    assert summary["project"] == str(project.resolve())

    export = run([lamplight, "export", "--project", str(project), "--web", "map.html"], cwd=work, env=env)
    features = json.loads(export.stdout)["web"]["features"]
    page = (work / "map.html").read_text(encoding="utf-8")
    assert ".leaflet-pane" in page  # the vendored leaflet.css is inlined from the installed package data
    saved = json.loads(zipfile.ZipFile(project).read("project.json"))
    names = [layer["name"] for layer in saved["layers"] if layer.get("visible", True)]  # the web map's layers
    assert "lamp_poles" in names and any(name.startswith("Selected sites") for name in names)
    for name in names:
        assert f"Lamplight.register({json.dumps(name)}" in page, name
    (site_layer,) = [name for name in names if name.startswith("Selected sites")]
    assert features[site_layer] == sites
    assert features["lamp_poles"] == len(pyogrio.read_dataframe(SAMPLE / "tianhe.gpkg", layer="lamp_poles"))
