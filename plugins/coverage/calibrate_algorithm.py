"""The ``coverage.calibrate`` algorithm: fit the RF model to drive-test or crowd-sourced RSRP measurements and
save the fitted offsets and slopes in the project's RF profile, so later coverage and siting runs use them."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from layers.atomic import write_atomically
from layers.errors import LayerError
from layers.i18n import QT_TRANSLATE_NOOP, translate
from layers.layer import VectorLayer
from plugins.api import (
    Algorithm,
    AlgorithmError,
    BoolParameter,
    ChoiceParameter,
    Context,
    DistanceParameter,
    Feedback,
    FieldParameter,
    FileParameter,
    LayerParameter,
    Output,
    OutputTable,
    Parameter,
)
from plugins.coverage.algorithm import project_profile, site_class
from plugins.coverage.config import MODELS, config_from_profile, model_labels
from plugins.coverage.obstruction import Obstruction

if TYPE_CHECKING:  # the transmitters' kernels import numba: loaded by a run, not when the toolbox lists it
    from plugins.coverage.transmitters import Transmitters

#: Building data is burnt this far around the transmitters and measurements.
MARGIN_M = 50.0
NAMES = ("calibration_los_offset_db", "calibration_los_slope", "calibration_nlos_offset_db", "calibration_nlos_slope")


class CoverageCalibrate(Algorithm):
    id = "coverage.calibrate"
    name = QT_TRANSLATE_NOOP("Algorithm", "Coverage: calibrate to measurements")
    group = QT_TRANSLATE_NOOP("Algorithm", "Coverage")
    version = "1"
    description = QT_TRANSLATE_NOOP("Algorithm", (
        "Fits the coverage model to measured RSRP (drive tests or crowd-sourced points with the serving cell): an "
        "offset and a slope per line-of-sight class, by robust least squares, on top of the project's RF "
        "profile. Reports mean error, RMSE and spread before and after, overall, per class and per site, and "
        "saves the fitted values in the project's RF profile (and a JSON file when asked), so later coverage "
        "runs use them. See docs/coverage_model.md."))

    def parameters(self) -> list[Parameter]:
        return [
            LayerParameter("transmitters", self.tr("Transmitters (lamp poles or 5G sites)"), geometry=("point",)),
            LayerParameter("measurements", self.tr("Measurements (points)"), geometry=("point",)),
            FieldParameter("rsrp_field", self.tr("Measured RSRP field (dBm)"), parent="measurements"),
            FieldParameter("cell_field", self.tr("Serving cell or site id field"), parent="measurements"),
            LayerParameter("buildings", self.tr("Buildings (footprints with height_m)"), kinds=("buildings",),
                           geometry=("polygon",), optional=True),
            DistanceParameter("obstruction_resolution", self.tr("Building grid resolution"), default=2.0, minimum=0.25,
                              maximum=50.0),
            ChoiceParameter("model", self.tr("Path-loss model"), default="auto", options=MODELS,
                            labels=model_labels()),
            BoolParameter("save_to_profile", self.tr("Save in the project's RF profile"), default=True),
            FileParameter("json_file", self.tr("Also write the calibration to (JSON)"), optional=True, must_exist=False,
                          extensions=(".json",)),
        ]

    def outputs(self) -> list[Output]:
        return [OutputTable("statistics", self.tr("Error before and after, overall and per LOS class")),
                OutputTable("per_site", self.tr("Error before and after per site"))]

    def run(self, params: dict[str, Any], context: Context, feedback: Feedback) -> dict[str, Any]:
        from plugins.coverage.calibration import calibrate, read_measurements
        from plugins.coverage.transmitters import Transmitters

        profile = project_profile(context)
        feedback.log(profile.describe())
        config = config_from_profile(profile, site_class(params["transmitters"]), model=params["model"])
        try:
            cells = Transmitters.from_layer(params["transmitters"], config)
            data = read_measurements(params["measurements"], params["rsrp_field"], params["cell_field"], cells)
            obstruction = _obstruction(params, cells, data.xy)
        except (LayerError, ValueError) as exc:
            raise AlgorithmError(str(exc)) from exc
        for note in data.notes:
            feedback.log(note)
        feedback.set_progress(20)
        fit = calibrate(cells, data, config, obstruction)
        for fitted, scope in zip(fit.fitted, ("LOS", "NLOS"), strict=True):
            if not fitted:
                feedback.log(translate(
                    "CoverageCalibrate", "fewer than 10 {scope} measurements: the {scope} offset and "
                                         "slope are left as they were").format(scope=scope))
        values = dict(zip(NAMES, (round(v, 4) for v in fit.calibration), strict=True))
        try:
            calibrated = profile.with_values(**values)
        except ValueError as exc:
            raise AlgorithmError(translate(
                "CoverageCalibrate", "the fit lies outside the RF profile's bounds ({problem}); "
                                     "check the measurements' cell ids and units").format(
                problem=exc)) from None
        if params["save_to_profile"] and context.project is not None:
            context.project.rf_profile = calibrated
            feedback.log(translate(
                "CoverageCalibrate", "saved in the project's RF profile '{name}'").format(name=profile.name))
        if params["json_file"] is not None:
            text = json.dumps({"rf_profile": calibrated.to_dict(), **values}, indent=2, ensure_ascii=False)
            write_atomically(params["json_file"], lambda path: path.write_text(text, encoding="utf-8"))
        overall = fit.summary.iloc[0]
        return {"statistics": fit.summary, "per_site": fit.per_site, **values,
                "measurements": int(overall["n"]), "rmse_before_db": float(overall["rmse_db_before"]),
                "rmse_after_db": float(overall["rmse_db_after"]), "rf_profile": calibrated.to_dict()}


def _obstruction(params: dict[str, Any], cells: Transmitters, xy: Any) -> Obstruction | None:
    buildings: VectorLayer | None = params["buildings"]
    if buildings is None:
        return None
    bounds = (min(cells.x.min(), xy[:, 0].min()) - MARGIN_M, min(cells.y.min(), xy[:, 1].min()) - MARGIN_M,
              max(cells.x.max(), xy[:, 0].max()) + MARGIN_M, max(cells.y.max(), xy[:, 1].max()) + MARGIN_M)
    return Obstruction.from_buildings(buildings, params["obstruction_resolution"], extent=bounds)


__all__ = ["CoverageCalibrate"]
