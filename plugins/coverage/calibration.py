"""Calibration to measurements: fit the model's offset and slope per LOS/NLOS class to measured RSRP.

Drive-test or crowd-sourced points carry a measured RSRP (dBm) and their serving cell. The model predicts RSRP
for each (point, serving cell) pair with the run's profile (``pairs.rsrp_of_pairs``) and decides its LOS state
as the maps do (``margin.links_los``). The calibration moves the prediction by

    a_c + b_c · 10·log10(d3D / d0),   d0 = 100 m, c = LOS or NLOS,

which is a change of the A and B of each ``A + B·log10(d3D)`` branch of the path loss (``kernel.calibrate_table``),
so the coverage maps, siting and statistics apply it exactly as fitted. The four parameters are fitted jointly
by robust least squares (``scipy.optimize.least_squares``: soft-L1, then Cauchy from there, each with its scale
at the residuals' robust σ, 1.4826·MAD), so a few wrong readings (a reflection, an indoor point, a wrong cell)
do not move it. A
class with fewer than ``MIN_POINTS`` measurements keeps its current values.

Example::

    data = read_measurements(drive_test, "rsrp", "cell", cells)
    fit = calibrate(cells, data, config, obstruction)
    fit.summary, fit.per_site, fit.calibration        # tables before/after and (a_los, b_los, a_nlos, b_nlos)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyproj
import shapely
from scipy.optimize import least_squares

from layers.errors import LayerError
from layers.i18n import translate
from layers.layer import VectorLayer
from plugins.coverage.config import CoverageConfig
from plugins.coverage.kernel import TX_H, TX_LOSS, TX_X, TX_Y, calibrate_table
from plugins.coverage.margin import links_los
from plugins.coverage.obstruction import Obstruction
from plugins.coverage.pairs import rsrp_of_pairs
from plugins.coverage.terrain import antennas_over_ground
from plugins.coverage.transmitters import Transmitters

#: Measurements a LOS class needs before its offset and slope are fitted.
MIN_POINTS = 10
#: Normal-consistent scale of the median absolute deviation.
MAD_TO_SIGMA = 1.4826


@dataclass(frozen=True)
class Measurements:
    """Measured points matched to cells: coordinates, RSRP (dBm) and the serving cell's index in ``cells``."""

    xy: np.ndarray
    rsrp: np.ndarray
    cell: np.ndarray
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Calibration:
    """The fit: the new (LOS offset, LOS slope, NLOS offset, NLOS slope), the error tables and the per-point
    prediction before and after, with each point's LOS state."""

    calibration: tuple[float, float, float, float]
    summary: pd.DataFrame
    per_site: pd.DataFrame
    before: np.ndarray
    after: np.ndarray
    los: np.ndarray
    fitted: tuple[bool, bool]


def read_measurements(layer: VectorLayer, rsrp_field: str, cell_field: str, cells: Transmitters) -> Measurements:
    """The points of ``layer`` with their RSRP and serving cell; a missing or text RSRP field, or ids that are no
    cell or site of ``cells``, are refused naming the field. Points without a value are left out with a note."""
    gdf = layer.gdf
    for name in (rsrp_field, cell_field):
        if name not in gdf.columns:
            raise LayerError(layer.source, translate(
                "CoverageCalibration", "has no field '{field}' (fields: {fields})").format(
                field=name, fields=", ".join(map(str, layer.fields))), layer=layer.name)
    column = gdf[rsrp_field]
    if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        raise LayerError(layer.source, translate(
            "CoverageCalibration", "field '{field}' holds text, not RSRP in dBm (e.g. "
                                   "{example!r}); give a numeric field").format(
            field=rsrp_field, example=str(column.dropna().iloc[0]) if column.notna().any() else ""), layer=layer.name)
    if cells.crs is not None and layer.crs is not None and not pyproj.CRS(cells.crs).equals(layer.crs):
        gdf = gdf.to_crs(cells.crs)
    points = shapely.centroid(gdf.geometry.to_numpy())
    xy = np.column_stack([shapely.get_x(points), shapely.get_y(points)])
    rsrp = column.to_numpy(float)
    ids = gdf[cell_field].astype(object).where(gdf[cell_field].notna(), "").astype(str).str.strip().to_numpy()
    keep = np.isfinite(rsrp) & np.all(np.isfinite(xy), axis=1) & (ids != "")
    notes = []
    if (~keep).any():
        notes.append(translate(
            "CoverageCalibration", "{count:,} measurements without a location, RSRP or cell left out").format(
            count=int((~keep).sum())))
    index = {str(c): k for k, c in enumerate(cells.cell_id)}
    sites = {str(s): k for k, s in reversed(list(enumerate(cells.site_id)))}
    cell = np.array([index.get(i, sites.get(i, -1)) for i in ids], np.int64)
    unknown = keep & (cell < 0)
    if unknown.any():
        listed = ", ".join(sorted(set(ids[unknown]))[:5])
        raise LayerError(layer.source, translate(
            "CoverageCalibration", "field '{field}': {count:,} measurements name cells that "
                                   "are not in the transmitters ({ids}); give the cell or "
                                   "site ids of the transmitters layer").format(
            field=cell_field, count=int(unknown.sum()), ids=listed), layer=layer.name)
    if not keep.any():
        raise LayerError(layer.source, translate(
            "CoverageCalibration", "field '{field}' has no measurement to calibrate "
                                   "with").format(field=rsrp_field), layer=layer.name)
    return Measurements(xy[keep], rsrp[keep], cell[keep], tuple(notes))


def calibrate(cells: Transmitters, data: Measurements, config: CoverageConfig, obstruction: Obstruction | None,
              *, min_points: int = MIN_POINTS) -> Calibration:
    """Fit the change of offset and slope per LOS class that best explains ``data`` on top of ``config``'s own
    calibration; the result's ``calibration`` is the total (current + fitted), ready for the profile."""
    obstruction = obstruction if obstruction is not None else Obstruction.none(cells.crs)
    points = np.arange(data.rsrp.size)
    before = rsrp_of_pairs(cells, data.cell, data.xy, points, config, obstruction)
    los = links_los(cells, data.cell, data.xy[:, 0], data.xy[:, 1], config, obstruction)
    table = antennas_over_ground(cells.table(config), obstruction)[data.cell]
    d2d = np.hypot(data.xy[:, 0] - table[:, TX_X], data.xy[:, 1] - table[:, TX_Y])
    dh = table[:, TX_H] - (config.rx_height_m + obstruction.ground_at(data.xy[:, 0], data.xy[:, 1]))
    base_loss = _loss(table[:, TX_LOSS:], d2d, dh, los)
    fitted = (int(los.sum()) >= min_points, int((~los).sum()) >= min_points)
    free = np.repeat(fitted, 2)

    def predicted(step: np.ndarray) -> np.ndarray:
        full = np.zeros(4)
        full[free] = step
        moved = calibrate_table(table, tuple(full))
        return before + base_loss - _loss(moved[:, TX_LOSS:], d2d, dh, los)

    step = np.zeros(4)
    if free.any():
        residual = data.rsrp - before
        spread = np.concatenate([residual[los] - np.median(residual[los]) if los.any() else [],
                                 residual[~los] - np.median(residual[~los]) if (~los).any() else []])
        scale = max(1.0, MAD_TO_SIGMA * float(np.median(np.abs(spread))))
        x0 = np.zeros(int(free.sum()))
        first = least_squares(lambda x: predicted(x) - data.rsrp, x0, loss="soft_l1", f_scale=scale)
        # soft-L1 still leans a little towards gross errors (5 % at +30 dB moved it 0.3 dB); the Cauchy loss
        # started from it, at the fitted residuals' robust σ, does not (0.1 dB)
        left = predicted(first.x) - data.rsrp
        scale = max(1.0, MAD_TO_SIGMA * float(np.median(np.abs(left - np.median(left)))))
        step[free] = least_squares(lambda x: predicted(x) - data.rsrp, first.x, loss="cauchy", f_scale=scale).x
    after = predicted(step[free])
    los_a, los_b, nlos_a, nlos_b = (float(c + s) for c, s in zip(config.calibration, step, strict=True))
    return Calibration((los_a, los_b, nlos_a, nlos_b), _summary(data.rsrp, before, after, los),
                       _per_site(cells.site_id[data.cell], data.rsrp, before, after), before, after, los, fitted)


def _loss(c: np.ndarray, d2d: np.ndarray, dh: np.ndarray, los: np.ndarray) -> np.ndarray:
    """``pathloss.loss_from_coefficients`` over arrays of links (coefficients one row per link)."""
    d2 = np.maximum(d2d, c[:, 0])
    log_d3 = np.log10(np.maximum(np.sqrt(d2 * d2 + dh * dh), 1.0))
    los_loss = np.where(d2 <= c[:, 1], c[:, 2] + c[:, 3] * log_d3, c[:, 4] + c[:, 5] * log_d3)
    with np.errstate(invalid="ignore"):
        nlos_loss = np.maximum(los_loss, c[:, 6] + c[:, 7] * log_d3)
    return np.where(los, los_loss, nlos_loss)


def error_figures(measured: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    """n, mean error (measured − predicted), RMSE and σ (dB); σ² + ME² = RMSE²."""
    error = np.asarray(measured, float) - np.asarray(predicted, float)
    if error.size == 0:
        return {"n": 0, "me_db": math.nan, "rmse_db": math.nan, "sigma_db": math.nan}
    return {"n": int(error.size), "me_db": float(error.mean()), "rmse_db": float(np.sqrt(np.mean(error**2))),
            "sigma_db": float(error.std())}


def _row(scope: str, measured: np.ndarray, before: np.ndarray, after: np.ndarray) -> dict:
    b, a = error_figures(measured, before), error_figures(measured, after)
    return {"scope": scope, "n": b["n"], **{f"{k}_before": round(v, 3) for k, v in b.items() if k != "n"},
            **{f"{k}_after": round(v, 3) for k, v in a.items() if k != "n"}}


def _summary(measured: np.ndarray, before: np.ndarray, after: np.ndarray, los: np.ndarray) -> pd.DataFrame:
    rows = [_row("all", measured, before, after)]
    for scope, mask in (("LOS", los), ("NLOS", ~los)):
        rows.append(_row(scope, measured[mask], before[mask], after[mask]))
    return pd.DataFrame(rows)


def _per_site(site: np.ndarray, measured: np.ndarray, before: np.ndarray, after: np.ndarray) -> pd.DataFrame:
    rows = []
    for name in sorted(set(site.tolist()), key=str):
        row = _row(str(name), measured[site == name], before[site == name], after[site == name])
        rows.append({"site_id": row.pop("scope"), **row})
    return pd.DataFrame(rows)


__all__ = ["MIN_POINTS", "Calibration", "Measurements", "calibrate", "error_figures", "read_measurements"]
