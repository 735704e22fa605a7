"""Run one algorithm the same way everywhere (dialog, command line, tests): validate, run, time, record.

Every output layer carries the run's provenance in ``metadata["provenance"]`` (algorithm, parameters,
versions, time, duration); ``layers.io.write_layer`` stores it in GeoPackage metadata and GeoTIFF tags, so a
file says how it was made. ``add_to_project`` puts the outputs into a project and records the run in its
history. A cancelled or failed run raises and returns nothing, so the project stays as it was.

Example::

    result = run_algorithm("tools.buffer", {"input": "poles.gpkg", "distance": 150})
    result.outputs["output"].gdf.head()
"""

from __future__ import annotations

import functools
import importlib.metadata
import platform
import time
import tomllib
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from layers.layer import Layer, RasterLayer, VectorLayer
from layers.project import json_safe
from plugins.api import (
    Algorithm,
    AlgorithmError,
    Context,
    Feedback,
    OutputLayer,
    OutputRaster,
    OutputTable,
)
from plugins.compiled import ensure
from plugins.warmup import group_of

_LIBRARIES = ("numpy", "pandas", "shapely", "geopandas", "pyproj", "rasterio", "scipy")
_OUTPUT_TYPES = {OutputLayer: VectorLayer, OutputRaster: RasterLayer, OutputTable: pd.DataFrame}


@dataclass
class RunResult:
    """What a run produced (keyed by output name) and its record (JSON-able, as stored in the project)."""

    outputs: dict[str, Any]
    record: dict[str, Any]

    @property
    def summary(self) -> dict[str, Any]:
        """The plain values (counts, shares, ...) the algorithm returned beside its layers and tables."""
        return self.record["summary"]


@functools.cache
def versions() -> dict[str, str]:
    """Lamplight, Python and the main libraries' versions, for provenance."""
    found = {"lamplight": _lamplight_version(), "python": platform.python_version()}
    for name in _LIBRARIES:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return found


def _lamplight_version() -> str:
    try:
        return importlib.metadata.version("lamplight")
    except importlib.metadata.PackageNotFoundError:
        pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
        try:
            return tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"]
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            return "unknown"


def resolve_algorithm(algorithm_or_id: Algorithm | str) -> Algorithm:
    """The algorithm itself, or the registered one with that id (built-in, entry point or plugin folder)."""
    if isinstance(algorithm_or_id, Algorithm):
        return algorithm_or_id
    from plugins.registry import default_registry

    return default_registry().get(algorithm_or_id)


def run_algorithm(algorithm_or_id: Algorithm | str, raw_params: dict[str, Any], context: Context | None = None,
                  feedback: Feedback | None = None) -> RunResult:
    """Validate ``raw_params``, run, check the outputs, attach provenance and default styles.

    The same call the workbench (in a worker) and ``lamplight run`` make. A run that was cancelled while the
    algorithm did not notice is still discarded.

    Parameters
    ----------
    algorithm_or_id : Algorithm or str
        An algorithm, or a registered id such as ``"siting.mclp"`` (``lamplight list`` shows them).
    raw_params : dict
        Parameter values by name: layers, layer names (with ``context.project``) or file paths, numbers or their
        text; missing ones take their defaults.
    context : Context, optional
        The project (for layer names), the CRS and the compute resources; a fresh one by default.
    feedback : Feedback, optional
        Receives progress and log lines; cancel through it.

    Returns
    -------
    RunResult
        ``outputs`` by name (layers carry their provenance and style) and the JSON-able ``record``.

    Raises
    ------
    ParameterError
        A parameter is missing or wrong; raised before anything runs.
    AlgorithmError
        The run failed for a reason the planner can fix.
    Cancelled
        ``feedback.cancel()`` was called.

    Examples
    --------
    >>> result = run_algorithm("siting.mclp", {"candidates": "poles.gpkg", "demand": "demand.gpkg",
    ...                                        "sites": 40, "radius": 150})  # doctest: +SKIP
    >>> result.summary["people_covered_pct"]  # doctest: +SKIP
    """
    algorithm = resolve_algorithm(algorithm_or_id)
    # A copy: the CRS this run measures in is settled by its own inputs, not by an earlier run with the context.
    context = replace(context, measuring=None) if context is not None else Context()
    feedback = feedback if feedback is not None else Feedback()
    parameters = {p.name: p.serialize(raw_params.get(p.name, p.default), context) for p in algorithm.parameters()}
    values = algorithm.validate_parameters(raw_params, context)
    # Numbers and flags are recorded as the values used (43.0, not the command line's "43").
    parameters.update({name: value for name, value in values.items() if isinstance(value, bool | int | float)})
    if context.measuring is not None:
        feedback.log(context.measuring.note())
    feedback.raise_if_cancelled()
    kernels = group_of(algorithm)
    if kernels is not None:  # compiled before the clock starts: neither the duration nor a solver's limits count it
        ensure(kernels, notify=feedback.log)
    started = datetime.now(UTC)
    clock = time.perf_counter()
    feedback.set_progress(0)
    returned = algorithm.run(values, context, feedback)
    duration = time.perf_counter() - clock
    feedback.raise_if_cancelled()
    outputs = _in_output_crs(_check_outputs(algorithm, returned), context)
    feedback.set_progress(100)
    provenance = {
        "run_id": uuid.uuid4().hex,
        "algorithm": algorithm.id,
        "algorithm_name": algorithm.name,
        "algorithm_version": algorithm.version,
        "parameters": parameters,
        "crs": context.crs.to_string() if context.crs is not None else None,
        "versions": versions(),
        "started": started.isoformat(timespec="seconds"),
        "duration_s": round(duration, 3),
    }
    for value in outputs.values():
        if isinstance(value, Layer):
            _finish_layer(value, provenance)
    record = dict(provenance, status="ok", outputs=_describe_outputs(algorithm, outputs),
                  summary=json_safe({k: v for k, v in outputs.items() if not _is_data(v)}),
                  log=list(feedback.messages))
    return RunResult(outputs, json_safe(record))


def _is_data(value: Any) -> bool:
    return isinstance(value, Layer | pd.DataFrame)


def _check_outputs(algorithm: Algorithm, returned: Any) -> dict[str, Any]:
    if not isinstance(returned, dict):
        raise AlgorithmError(f"algorithm {algorithm.id} returned {type(returned).__name__}, not a dict of outputs")
    for output in algorithm.outputs():
        if output.name not in returned:
            raise AlgorithmError(f"algorithm {algorithm.id} did not return its output '{output.name}'")
        expected = _OUTPUT_TYPES.get(type(output))
        if expected is not None and not isinstance(returned[output.name], expected):
            raise AlgorithmError(f"algorithm {algorithm.id} returned {type(returned[output.name]).__name__} for "
                                 f"output '{output.name}'; a {expected.__name__} was declared")
    return returned


def _in_output_crs(outputs: dict[str, Any], context: Context) -> dict[str, Any]:
    """Vector outputs back in the project CRS when distances were measured in another one (rasters stay: warping
    would resample their values; the canvas shows them in the project CRS anyway)."""
    target = context.measuring.output_crs if context.measuring is not None else None
    if target is None:
        return outputs
    return {name: value.to_crs(target) if isinstance(value, VectorLayer) and value.crs == context.crs else value
            for name, value in outputs.items()}


def _finish_layer(layer: Layer, provenance: dict[str, Any]) -> None:
    from layers.styles import default_style

    layer.metadata["provenance"] = json_safe(provenance)
    if layer.style is None:
        layer.style = default_style(layer)


def _describe_outputs(algorithm: Algorithm, outputs: dict[str, Any]) -> dict[str, Any]:
    described = {}
    for output in algorithm.outputs():
        value = outputs[output.name]
        entry: dict[str, Any] = {"type": output.type_name, "description": output.description}
        if isinstance(value, VectorLayer):
            entry.update(layer=value.name, features=len(value))
        elif isinstance(value, RasterLayer):
            entry.update(layer=value.name, shape=[value.count, value.height, value.width])
        elif isinstance(value, pd.DataFrame):
            entry.update(rows=len(value), columns=[str(c) for c in value.columns])
        described[output.name] = entry
    return described


#: Opacity of the raster a run shows, so the map under a coverage raster stays legible.
OUTPUT_RASTER_OPACITY = 0.75
#: Draw order of a run's outputs among themselves, bottom first: rasters, polygons, lines, points.
_DRAW_RANK = {"raster": 0, "polygon": 1, "mixed": 1, "empty": 1, "line": 2, "point": 3}


def add_to_project(result: RunResult, project: Any) -> list[Layer]:
    """Add the output layers on top of ``project`` and record the run in its history (the final layer names).

    The outputs go on top in a readable order (points over lines over polygons over rasters), and a run that
    makes several rasters shows only the first (e.g. RSRP, with SINR and best server one click away) and hides
    its polygon outputs that would cover it, so a map exported right after a run can be read.
    """
    layers = [(output, result.outputs[output]) for output in result.record["outputs"]
              if isinstance(result.outputs[output], Layer)]
    rasters = [layer for _, layer in layers if isinstance(layer, RasterLayer)]
    for raster in rasters[1:]:
        raster.visible = False
    if rasters and rasters[0].opacity == 1.0:
        rasters[0].opacity = OUTPUT_RASTER_OPACITY  # the buildings and streets stay readable underneath
    if rasters:
        for _, layer in layers:
            if isinstance(layer, VectorLayer) and layer.geometry_type == "polygon":
                layer.visible = False
    added = []
    for output, layer in sorted(layers, key=lambda item: _DRAW_RANK[_family(item[1])]):
        added.append(project.add_layer(layer))
        result.record["outputs"][output]["layer"] = layer.name
    project.record_run(result.record)
    return added


def _family(layer: Layer) -> str:
    return layer.geometry_type if isinstance(layer, VectorLayer) else "raster"


__all__ = ["RunResult", "add_to_project", "resolve_algorithm", "run_algorithm", "versions"]
