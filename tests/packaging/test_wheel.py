"""The wheel, installed into a fresh virtual environment outside the checkout, runs like the checkout does.

Builds the wheel from a copy of the working tree (so no build/ folder lands in the checkout), installs it with
its dependencies at the versions of requirements.lock into a new venv, and runs the installed ``lamplight``
script and ``python -m lamplight`` from a temporary folder: list, sample, a siting run and a web map export.
Dependencies come from a wheelhouse filled once per requirements.lock (``pip download``, the only step that
needs the network); later runs install offline in well under a minute.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pyogrio
import pytest

pytestmark = [pytest.mark.packaging, pytest.mark.xdist_group("wheel")]

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("layers", "plugins", "workbench", "lamplight")
TOP_FILES = ("pyproject.toml", "setup.py", "README.md", "main.py")
SAMPLE = REPO / "sample_data" / "tianhe"
LOCK = REPO / "requirements.lock"


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"{' '.join(map(str, command))} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def _source_copy(folder: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in PACKAGES:
        shutil.copytree(REPO / package, folder / package, ignore=ignore)
    shutil.copytree(SAMPLE, folder / "sample_data" / "tianhe", ignore=ignore)
    for name in TOP_FILES:
        shutil.copy2(REPO / name, folder / name)
    return folder


def _wheelhouse() -> Path:
    """Dependency wheels pinned by requirements.lock, downloaded on first use and kept between runs."""
    key = hashlib.sha256(LOCK.read_bytes() + (REPO / "pyproject.toml").read_bytes()).hexdigest()[:16]
    root = Path(os.environ.get("LAMPLIGHT_WHEELHOUSE", Path.home() / ".cache" / "lamplight" / "wheelhouse"))
    return root / key


def _fill_wheelhouse(house: Path, wheel: Path) -> None:
    if (house / ".complete").is_file():
        return
    house.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([sys.executable, "-m", "pip", "download", "-q", "-d", str(house), "-c", str(LOCK),
                           str(wheel)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"could not download the dependency wheels (no network?): {done.stderr.strip()[-500:]}")
    (house / wheel.name).unlink(missing_ok=True)  # only the dependencies are kept; the wheel is rebuilt each run
    (house / ".complete").write_text("ok\n")


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    return _source_copy(tmp_path_factory.mktemp("source"))


@pytest.fixture(scope="module")
def wheel(source, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(source)], cwd=source)
    (built,) = out.glob("lamplight-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> dict:
    """A fresh venv (no system site-packages) with the wheel, and an environment for running it."""
    house = _wheelhouse()
    _fill_wheelhouse(house, wheel)
    venv = tmp_path_factory.mktemp("venv") / "v"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=venv.parent)
    python = venv / "bin" / "python"
    # --no-compile: bytecode is written on first import instead, for only the modules the commands use.
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-compile", "--no-index",
          "--find-links", str(house), str(wheel)], cwd=venv.parent)
    home = tmp_path_factory.mktemp("home")
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE", "LAMPLIGHT_PLUGIN_DIR", "VIRTUAL_ENV")}
    env.update(QT_QPA_PLATFORM="offscreen", HOME=str(home), XDG_DATA_HOME=str(home / "data"),
               LAMPLIGHT_CONFIG_DIR=str(home / "config"), LAMPLIGHT_TILE_CACHE=str(home / "tiles"),
               NUMBA_CACHE_DIR=str(home / "numba"))
    work = tmp_path_factory.mktemp("work")  # every command runs here, outside the checkout
    return {"python": python, "lamplight": venv / "bin" / "lamplight", "env": env, "work": work}


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
    done = _run([str(installed["python"]), "-c", "import lamplight, layers, plugins, workbench; "
                 "print(lamplight.__file__, layers.__file__, plugins.__file__, workbench.__file__)"],
                cwd=installed["work"], env=installed["env"])
    for module_file in done.stdout.split():
        assert "site-packages" in module_file and not Path(module_file).is_relative_to(REPO)


def test_lamplight_list_and_python_m_list_give_the_checkouts_algorithms(installed, source):
    script = _run([str(installed["lamplight"]), "list", "--json"], cwd=installed["work"], env=installed["env"])
    module = _run([str(installed["python"]), "-m", "lamplight", "list", "--json"], cwd=installed["work"],
                  env=installed["env"])
    # the checkout as the wheel was built from it (the tree may change while the test runs)
    checkout = _run([sys.executable, str(source / "main.py"), "list", "--json"], cwd=source, env=installed["env"])
    ids = [{row["id"] for row in json.loads(done.stdout)["algorithms"]} for done in (script, module, checkout)]
    assert ids[0] == ids[1] == ids[2]
    assert {"siting.mclp", "coverage.rsrp", "tools.buffer"} <= ids[0]
    assert json.loads(script.stdout)["problems"] == []


def test_sample_siting_run_and_web_map_from_outside_the_checkout(installed):
    work, env, lamplight = installed["work"], installed["env"], str(installed["lamplight"])
    written = _run([lamplight, "sample", "tianhe"], cwd=work, env=env)
    project = work / "tianhe" / "tianhe.lamp"
    assert (work / written.stdout.strip()).resolve() == project.resolve()
    for name in ("tianhe.gpkg", "building_height_2m.tif"):
        assert (work / "tianhe" / name).read_bytes() == (SAMPLE / name).read_bytes()

    sites = 3
    run = _run([lamplight, "run", "siting.mclp", "--project", str(project), "--candidates", "lamp_poles",
                "--demand", "demand", "--sites", str(sites), "--method", "greedy", "--radius", "100",
                "--phases", "1", "--curve_sites", str(sites), "--output-dir", "out", "--save"], cwd=work, env=env)
    summary = json.loads(run.stdout)
    selected = work / "out" / "selected_sites.gpkg"
    assert len(pyogrio.read_dataframe(selected, layer=0)) == sites  # layer 0: the sites (then layer_styles)
    assert summary["project"] == str(project.resolve())

    export = _run([lamplight, "export", "--project", str(project), "--web", "map.html"], cwd=work, env=env)
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
