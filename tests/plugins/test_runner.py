"""The runner: validation first, provenance and styles on outputs, project history, cancel from another thread."""

from __future__ import annotations

import threading

import geopandas as gpd
import numpy as np
import pytest

from layers import Project, VectorLayer
from layers.io import open_layers, write_layer
from plugins.api import Algorithm, AlgorithmError, Cancelled, Context, Feedback, OutputLayer, ParameterError
from plugins.runner import add_to_project, run_algorithm
from tests.plugins.conftest import CRS, points


def test_outputs_carry_provenance_and_a_default_style(project, schools, tmp_path):
    result = run_algorithm("tools.buffer", {"input": "schools", "distance": 150}, Context(project=project))
    layer = result.outputs["output"]
    provenance = layer.metadata["provenance"]
    assert provenance["algorithm"] == "tools.buffer"
    assert provenance["parameters"] == {"input": "schools", "distance": 150, "segments": 8, "dissolve": False}
    assert {"lamplight", "python", "shapely", "geopandas"} <= set(provenance["versions"])
    assert provenance["duration_s"] >= 0 and provenance["started"].endswith("+00:00")
    assert layer.style is not None
    # The provenance survives a round trip through a GeoPackage.
    path = write_layer(layer, tmp_path / "buffer.gpkg")
    assert open_layers(path)[0].metadata["provenance"] == provenance
    assert result.record["outputs"]["output"] == {"type": "layer", "description": "Buffered features",
                                                  "layer": layer.name, "features": len(schools)}


def test_add_to_project_records_the_run_and_saves_it(project, tmp_path):
    before = len(project)
    result = run_algorithm("tools.filter", {"input": "offices", "expression": "price_m2 > 300"},
                           Context(project=project))
    added = add_to_project(result, project)
    assert len(project) == before + 1 and project.layers[-1] is added[0]
    assert project.history[-1] is result.record
    assert result.record["summary"]["matching"] == len(added[0])
    project.save(tmp_path / "city.lamp")
    reopened = Project.load(tmp_path / "city.lamp")
    assert reopened.history[-1]["run_id"] == result.record["run_id"]
    assert reopened.history[-1]["parameters"] == {"input": "offices", "expression": "price_m2 > 300"}


def test_bad_parameters_stop_before_the_algorithm_runs(project):
    calls = []

    class Spy(Algorithm):
        id, name = "test.spy", "Spy"

        def parameters(self):
            from plugins.api import IntegerParameter

            return [IntegerParameter("n", "Count", minimum=1)]

        def run(self, params, context, feedback):
            calls.append(params)
            return {}

    with pytest.raises(ParameterError, match="parameter 'n' \\(Count\\): must be at least 1"):
        run_algorithm(Spy(), {"n": 0})
    assert calls == []
    assert run_algorithm(Spy(), {"n": "3"}).record["status"] == "ok" and calls == [{"n": 3}]


def test_undeclared_or_mistyped_outputs_are_refused():
    class Liar(Algorithm):
        id, name = "test.liar", "Liar"

        def outputs(self):
            return [OutputLayer("output", "Layer")]

        def run(self, params, context, feedback):
            return {"output": gpd.GeoDataFrame()}

    with pytest.raises(AlgorithmError, match="returned GeoDataFrame for output 'output'; a VectorLayer was declared"):
        run_algorithm(Liar(), {})


def test_cancel_from_another_thread_stops_a_long_run_and_leaves_the_project_unchanged():
    many = VectorLayer(gpd.GeoDataFrame({"id": np.arange(100_000)}, geometry=points(100_000, 9, 5000), crs=CRS),
                       "many points")
    project = Project(CRS)
    project.add_layer(many)
    started, cancelled = threading.Event(), threading.Event()
    reports: list[float] = []

    def progress(percent: float) -> None:
        reports.append(percent)
        if percent > 0 and not started.is_set():
            started.set()
            cancelled.wait(30)  # hold the run after its first chunk until the other thread has pressed Cancel

    feedback = Feedback(on_progress=progress)

    def press_cancel() -> None:
        started.wait(30)
        feedback.cancel()
        cancelled.set()

    canceller = threading.Thread(target=press_cancel)
    canceller.start()
    with pytest.raises(Cancelled):
        run_algorithm("tools.buffer", {"input": "many points", "distance": 30, "segments": 64},
                      Context(project=project), feedback)
    canceller.join()
    # It stopped before the chunk after the cancel (the first of 20 chunks of 5,000): nothing added or recorded.
    assert reports == [0.0, 5.0]
    assert project.layers == [many] and project.history == []
    assert "notes" in many.metadata and "provenance" not in many.metadata


def test_a_cancel_the_algorithm_ignores_still_discards_its_outputs():
    class Stubborn(Algorithm):
        id, name = "test.stubborn", "Stubborn"

        def run(self, params, context, feedback):
            feedback.cancel()  # as if the user pressed Cancel during a step that does not poll
            return {"answer": 42}

    with pytest.raises(Cancelled):
        run_algorithm(Stubborn(), {})


def test_feedback_steps_map_progress_into_the_parent():
    seen: list[float] = []
    parent = Feedback(on_progress=seen.append, on_log=seen.append)
    child = parent.step(50, 80)
    child.set_progress(50)
    child.log("half of the second stage")
    assert seen == [65.0, "half of the second stage"]
    parent.cancel()
    assert child.is_cancelled()
    with pytest.raises(Cancelled):
        child.raise_if_cancelled()


def test_numbers_given_as_text_are_recorded_as_numbers(project):
    result = run_algorithm("tools.buffer", {"input": "schools", "distance": "150", "dissolve": "true"},
                           Context(project=project))
    parameters = result.record["parameters"]
    assert parameters["distance"] == 150.0 and isinstance(parameters["distance"], float)
    assert parameters["dissolve"] is True


class _RasterRun(Algorithm):
    """A run with two rasters, a polygon and a point output, as coverage makes."""

    id, name = "test.raster_run", "Raster run"

    def outputs(self):
        from plugins.api import OutputRaster

        return [OutputRaster("rsrp", "RSRP"), OutputRaster("sinr", "SINR"), OutputLayer("areas", "Areas"),
                OutputLayer("sites", "Sites")]

    def run(self, params, context, feedback):
        from shapely import box

        from layers import RasterLayer

        raster = {name: RasterLayer(np.zeros((2, 2), "float32"), (5, 0, 760000, 0, -5, 2560010), CRS, name=name)
                  for name in ("rsrp", "sinr")}
        areas = VectorLayer(gpd.GeoDataFrame(geometry=[box(760000, 2560000, 760010, 2560010)], crs=CRS), "areas")
        sites = VectorLayer(gpd.GeoDataFrame(geometry=points(2, 0), crs=CRS), "sites")
        return {**raster, "areas": areas, "sites": sites}


def test_run_outputs_are_added_in_a_readable_order(project):
    before = len(project)
    result = run_algorithm(_RasterRun(), {}, Context(project=project))
    add_to_project(result, project)
    names = [layer.name for layer in project.layers[before:]]
    assert names[-1] == "sites" and names.index("areas") > max(names.index("rsrp"), names.index("sinr"))
    rsrp, sinr, areas = project.layer("rsrp"), project.layer("sinr"), project.layer("areas")
    assert rsrp.visible and rsrp.opacity == 0.75 and not sinr.visible and not areas.visible
    assert project.layer("sites").visible
