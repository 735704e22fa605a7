"""Discovery: entry points of a real (throwaway) distribution, the user folder, built-ins; broken plugins skipped."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from plugins.api import Context
from plugins.registry import ENTRY_POINT_GROUP, Registry, discover, user_plugin_dir
from plugins.runner import run_algorithm

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "example_plugin" / "lamplight_example"


def make_distribution(site: Path, name: str, entry_points: dict[str, str]) -> None:
    """A minimal installed distribution (dist-info with METADATA and entry_points.txt), as pip leaves it."""
    info = site / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    lines = [f"[{ENTRY_POINT_GROUP}]"] + [f"{key} = {value}" for key, value in entry_points.items()]
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n")


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    site = tmp_path / "site-packages"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    yield site
    test_modules = ("lamplight_example", "broken_plugin", "exits", "no_function", "not_algorithms", "syntax",
                    "hangs", "hangs_plugin", "quits", "zz_after")
    for module in [m for m in sys.modules if m.split(".")[0] in test_modules]:
        del sys.modules[module]


def test_entry_point_of_an_installed_distribution_is_found(site: Path):
    shutil.copytree(EXAMPLE, site / "lamplight_example")
    make_distribution(site, "lamplight_example_plugin", {"example": "lamplight_example:algorithms"})
    registry = discover(builtins=False, folder=False)
    algorithm = registry.get("example.poles_within")
    assert algorithm.group == "Examples"
    assert "lamplight_example_plugin" in registry.origin("example.poles_within")
    assert registry.problems == []


def test_broken_entry_points_are_reported_and_skipped(site: Path):
    shutil.copytree(EXAMPLE, site / "lamplight_example")
    (site / "broken_plugin.py").write_text("import numpy\nraise RuntimeError('half-written plugin')\n")
    make_distribution(site, "lamplight_example_plugin", {"example": "lamplight_example:algorithms"})
    make_distribution(site, "broken_dist", {"broken": "broken_plugin:algorithms",
                                            "missing": "no_such_module_anywhere:algorithms"})
    registry = discover(builtins=False, folder=False)
    assert "example.poles_within" in registry  # the good plugin still loads
    messages = {problem.source.split(" = ")[0]: problem.message for problem in registry.problems}
    assert "RuntimeError: half-written plugin" in messages["broken"]
    assert "ModuleNotFoundError" in messages["missing"]
    assert "half-written plugin" in next(p.details for p in registry.problems if p.source.startswith("broken"))


def test_user_folder_modules_and_packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, site: Path):
    folder = tmp_path / "user plugins"
    folder.mkdir()
    shutil.copytree(EXAMPLE, folder / "lamplight_example")
    (folder / "exits.py").write_text("import sys\nsys.exit(3)\n")
    (folder / "no_function.py").write_text("X = 1\n")
    (folder / "not_algorithms.py").write_text("def algorithms():\n    return ['buffer']\n")
    (folder / "_private.py").write_text("raise RuntimeError('never imported')\n")
    monkeypatch.setenv("LAMPLIGHT_PLUGIN_DIR", str(folder))
    assert user_plugin_dir() == folder
    registry = discover(builtins=False, entry_points=False)
    assert [a.id for a in registry.algorithms()] == ["example.poles_within"]
    problems = {Path(p.source).name: p.message for p in registry.problems}
    assert problems["exits.py"] == "failed to import: SystemExit: 3"
    assert problems["no_function.py"] == "has no algorithms() function; a plugin must define one"
    assert "'buffer', which is not a plugins.api.Algorithm" in problems["not_algorithms.py"]
    assert "_private.py" not in problems


def test_default_user_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.delenv("LAMPLIGHT_PLUGIN_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert user_plugin_dir() == tmp_path / "lamplight" / "plugins"


def test_missing_or_broken_builtins_are_reported(site: Path):
    (site / "broken_plugin.py").write_text("raise ImportError('cannot import name engine')\n")
    registry = Registry()
    registry.load_builtins(("plugins.tools", "plugins.not_written_yet", "broken_plugin"))
    assert "tools.buffer" in registry
    problems = {p.source: p.message for p in registry.problems}
    assert problems["plugins.not_written_yet"] == "is not installed"
    assert problems["broken_plugin"] == "failed to import: ImportError: cannot import name engine"


def test_duplicate_ids_and_bad_declarations_are_skipped():
    from plugins.api import Algorithm, NumberParameter
    from plugins.tools.buffer import Buffer

    class BadDeclaration(Algorithm):
        id, name = "test.bad", "Bad"

        def parameters(self):
            return [NumberParameter("a value", "spaces are not allowed in names")]

    registry = Registry()
    assert registry.add_plugin("first", lambda: [Buffer]) == 1
    assert registry.add_plugin("second", lambda: [Buffer(), BadDeclaration()]) == 0
    assert [p.message.split(";")[0] for p in registry.problems] == [
        "algorithm id 'tools.buffer' is already provided by first",
        "algorithm 'test.bad' cannot declare its parameters: ValueError: parameter name 'a value' must be an "
        "identifier (letters, digits, underscore)",
    ]
    with pytest.raises(KeyError, match="did you mean tools.buffer"):
        registry.get("tools.bufer")


def test_start_up_discovery_survives_everything_broken(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (site / "broken_plugin.py").write_text("raise SystemExit('plugin tried to quit')\n")
    make_distribution(site, "broken_dist", {"broken": "broken_plugin:algorithms"})
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "syntax.py").write_text("def algorithms(:\n")
    monkeypatch.setenv("LAMPLIGHT_PLUGIN_DIR", str(folder))
    registry = discover()
    assert "tools.nearest" in registry
    assert {"broken", "syntax.py"} <= {Path(p.source.split(" = ")[0]).name for p in registry.problems}


def test_example_plugin_counts_like_brute_force(site: Path, schools, poles):
    shutil.copytree(EXAMPLE, site / "lamplight_example")
    make_distribution(site, "lamplight_example_plugin", {"example": "lamplight_example:algorithms"})
    algorithm = discover(builtins=False, folder=False).get("example.poles_within")
    result = run_algorithm(algorithm, {"features": schools, "poles": poles, "distance": 150, "powered_only": True},
                           Context(crs="EPSG:32649"))
    counts = result.outputs["output"].gdf["poles_within"].to_numpy()
    powered = poles.gdf[poles.gdf["has_power"]]
    expected = [sum(school.distance(p) <= 150 for p in powered.geometry) for school in schools.gdf.geometry]
    assert counts.tolist() == expected
    assert result.summary["without_poles"] == int(np.sum(np.array(expected) == 0))
    assert result.outputs["output"].metadata["provenance"]["algorithm"] == "example.poles_within"


def test_builtins_are_found_again_by_a_second_discovery():
    """Discovery imports each built-in's algorithm modules; a later discovery must still find every built-in."""
    first = {a.id for a in discover(entry_points=False, folder=False).algorithms()}
    second = discover(entry_points=False, folder=False)
    assert {"siting.mclp", "coverage.rsrp", "tools.buffer"} <= first
    assert {a.id for a in second.algorithms()} == first and second.problems == []


def test_a_submodule_hiding_algorithms_is_named(site: Path):
    package = site / "shadowed_plugin"
    package.mkdir()
    (package / "__init__.py").write_text("def algorithms():\n    from shadowed_plugin.algorithms import ALL\n"
                                         "    return ALL\n")
    (package / "algorithms.py").write_text("ALL = []\n")
    registry = Registry()
    registry.load_module("shadowed_plugin")
    registry.load_module("shadowed_plugin")
    assert "submodule named 'algorithms'" in registry.problems[-1].message
    del sys.modules["shadowed_plugin"], sys.modules["shadowed_plugin.algorithms"]


FINE_PLUGIN = """
from plugins.api import Algorithm


class After(Algorithm):
    id, name, group, description = "after.hello", "Hello", "Tests", "a plugin loaded after a slow one"

    def parameters(self):
        return []

    def outputs(self):
        return []

    def run(self, params, context, feedback):
        return {}


def algorithms():
    return [After()]
"""


def test_plugins_that_hang_or_kill_python_on_import_are_skipped(site: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch):
    """A module-level endless loop in the user folder and in an entry point, and os._exit: each named and
    skipped, and the plugins after them in the folder still load."""
    folder = tmp_path / "plugins"
    folder.mkdir()
    shutil.copytree(EXAMPLE, folder / "lamplight_example")
    (folder / "hangs.py").write_text("while True:\n    pass\n")
    (folder / "quits.py").write_text("import os\nos._exit(0)\n")
    (folder / "zz_after.py").write_text(FINE_PLUGIN)
    (site / "hangs_plugin.py").write_text("import time\nwhile True:\n    time.sleep(0.01)\n")
    make_distribution(site, "hanging_dist", {"hanging": "hangs_plugin:algorithms"})
    monkeypatch.setenv("LAMPLIGHT_PLUGIN_DIR", str(folder))
    registry = discover(builtins=False, load_seconds=3)
    assert {a.id for a in registry.algorithms()} == {"example.poles_within", "after.hello"}
    problems = {Path(p.source.split(" = ")[0]).name: p.message for p in registry.problems}
    assert problems == {"hangs.py": "took longer than 3 s to load; skipped",
                        "quits.py": "ended the Python process while loading; skipped",
                        "hanging": "took longer than 3 s to load; skipped"}
    assert "hangs" not in sys.modules and "hangs_plugin" not in sys.modules  # never imported here
    assert "took longer than 3 s" in registry.get("broken.hangs").description


def test_main_list_survives_a_plugin_that_hangs_on_import(tmp_path: Path):
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "hangs.py").write_text("while True:\n    pass\n")
    (folder / "zz_after.py").write_text(FINE_PLUGIN)
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "LAMPLIGHT_PLUGIN_DIR": str(folder)}
    done = subprocess.run([sys.executable, str(root / "main.py"), "list"], cwd=root, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert f"plugin {folder / 'hangs.py'} took longer than 10 s to load; skipped" in done.stderr + done.stdout
    assert "after.hello" in done.stdout and "siting.mclp" in done.stdout
