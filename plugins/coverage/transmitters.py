"""Transmitting cells (one per sector, or one per omni site) read from a lamp_poles or sites_5g point layer.

A site with azimuths "0,120,240" becomes three cells ``S12-1``, ``S12-2``, ``S12-3``; an omni site is one cell
named after the site. Only cells on the carrier under study are kept: a site whose ``band_mhz`` is more than
half the bandwidth away from ``config.frequency_mhz`` does not overlap the carrier and neither serves nor
interferes. Removed lamp poles / sites (``status`` "removed") are left out.

Example::

    cells = Transmitters.from_layer(poles_layer, CoverageConfig(frequency_mhz=3500, sector_azimuths=(0, 180)))
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import pyproj
import shapely

from layers.errors import LayerError
from layers.i18n import translate
from layers.layer import VectorLayer
from plugins.coverage.config import MACRO_HEIGHT_M, CoverageConfig
from plugins.coverage.kernel import (
    TX_AZIMUTH,
    TX_BEAMWIDTH,
    TX_CALIBRATION,
    TX_COLUMNS,
    TX_EIRP_RE,
    TX_H,
    TX_LOSS,
    TX_TILT,
    TX_X,
    TX_Y,
    calibrate_table,
)
from plugins.coverage.obstruction import require_metric
from plugins.coverage.pathloss import MODEL_CODES, UMA, UMI, loss_coefficients
from plugins.metric import require_true_distances

#: Antennas must stand above the 1 m effective environment height of the 3GPP models.
MIN_ANTENNA_HEIGHT_M = 1.0
_ID_FIELDS = ("site_id", "pole_id", "id", "name")


@dataclass(frozen=True)
class Transmitters:
    """Parallel arrays, one entry per cell. ``azimuth_deg`` is NaN for omni cells; ``eirp_dbm`` is the carrier
    EIRP at boresight; ``model`` holds path-loss codes (``pathloss.FREE_SPACE``/``UMI``/``UMA``);
    ``feature_index`` is the row of the site in the source layer."""

    x: np.ndarray
    y: np.ndarray
    height_m: np.ndarray
    eirp_dbm: np.ndarray
    azimuth_deg: np.ndarray
    beamwidth_deg: np.ndarray
    tilt_deg: np.ndarray
    model: np.ndarray
    site_id: np.ndarray
    cell_id: np.ndarray
    feature_index: np.ndarray
    crs: pyproj.CRS | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __len__(self) -> int:
        return int(self.x.shape[0])

    @property
    def xy(self) -> np.ndarray:
        return np.column_stack([self.x, self.y])

    def table(self, config: CoverageConfig) -> np.ndarray:
        """The float64 table the kernels read (columns ``kernel.TX_*``): EIRP per resource element and the
        path-loss coefficients for the carrier and receiver height of ``config`` are worked out here."""
        table = np.empty((len(self), TX_COLUMNS))
        table[:, TX_X], table[:, TX_Y], table[:, TX_H] = self.x, self.y, self.height_m
        table[:, TX_EIRP_RE] = self.eirp_dbm - config.re_offset_db
        table[:, TX_AZIMUTH], table[:, TX_BEAMWIDTH], table[:, TX_TILT] = (self.azimuth_deg, self.beamwidth_deg,
                                                                          self.tilt_deg)
        table[:, TX_LOSS:TX_CALIBRATION] = loss_coefficients(self.model, self.height_m, config.rx_height_m,
                                               config.frequency_mhz / 1000.0)
        return calibrate_table(table, config.calibration)

    def subset(self, index: np.ndarray) -> Transmitters:
        """The cells at ``index`` (integer positions or a boolean mask), in that order."""
        arrays = {name: getattr(self, name)[index] for name in _ARRAY_FIELDS}
        return replace(self, **arrays)

    @classmethod
    def from_arrays(cls, x, y, height_m, config: CoverageConfig, *, eirp_dbm=None, azimuth_deg=None,
                    beamwidth_deg=None, tilt_deg=None, site_id=None, crs: pyproj.CRS | None = None) -> Transmitters:
        """Cells from plain arrays (NaN azimuth = omni); missing arrays take the ``config`` defaults."""
        x = np.asarray(x, float).ravel()
        n = x.shape[0]

        def column(values, default) -> np.ndarray:
            if values is None:
                return np.full(n, np.nan if default is None else default, float)
            return np.broadcast_to(np.asarray(values, float), (n,)).copy()

        height = column(height_m, config.default_height_m)
        eirp = column(eirp_dbm, None)
        eirp = np.array([config.total_eirp_dbm(v) for v in eirp], float)
        ids = np.array([str(i) for i in (site_id if site_id is not None else range(1, n + 1))], dtype=object)
        _check_heights(height, ids, None, "transmitters")
        return cls(x=x, y=np.asarray(y, float).ravel(), height_m=height, eirp_dbm=eirp,
                   azimuth_deg=column(azimuth_deg, np.nan), beamwidth_deg=column(beamwidth_deg, config.beamwidth_deg),
                   tilt_deg=column(tilt_deg, config.tilt_deg), model=_models(height, config), site_id=ids,
                   cell_id=ids.copy(), feature_index=np.arange(n), crs=crs)

    @classmethod
    def from_layer(cls, layer: VectorLayer, config: CoverageConfig) -> Transmitters:
        """Cells of a point layer (lamp_poles, sites_5g or any points with the same field names)."""
        require_metric(layer.crs, layer.source, layer.name)
        require_true_distances(layer)  # projected is not enough: Web Mercator's "metres" are not
        gdf = layer.gdf
        if len(gdf) == 0:
            raise LayerError(layer.source, translate("CoverageTransmitters", "has no features; coverage needs at "
                                                                             "least one transmitter"),
                             layer=layer.name)
        geoms = gdf.geometry.to_numpy()
        if not np.all(np.isin(shapely.get_type_id(geoms), (0, 4)) | shapely.is_empty(geoms)):
            raise LayerError(layer.source, translate("CoverageTransmitters", "must hold points (transmitter "
                                                                             "locations)"), layer=layer.name)
        points = shapely.centroid(geoms)
        xs, ys = shapely.get_x(points), shapely.get_y(points)
        keep = np.isfinite(xs) & np.isfinite(ys)
        notes = []
        if (~keep).any():
            notes.append(translate("CoverageTransmitters", "{count} features without a location left out").format(
                count=int((~keep).sum())))
        keep &= _active(gdf, notes)
        keep &= _on_carrier(gdf, config, notes)
        if not keep.any():
            raise LayerError(layer.source, translate("CoverageTransmitters", "has no transmitter on the carrier "
                                                                             "under study ({frequency:g} MHz, "
                                                                             "{bandwidth:g} MHz wide)").format(
                frequency=config.frequency_mhz, bandwidth=config.bandwidth_mhz) + _bands_present(gdf),
                layer=layer.name)
        ids = _site_ids(layer)
        height = _numeric(gdf, "height_m", config.default_height_m, notes)
        _check_heights(height[keep], ids[keep], layer, "height_m")
        eirp_field = _numeric(gdf, "eirp_dbm", np.nan, [])
        beamwidth = _numeric(gdf, "beamwidth_deg", config.beamwidth_deg, notes)
        tilt = _numeric(gdf, "tilt_deg", config.tilt_deg, notes)
        azimuths = _azimuth_lists(gdf, config, layer)
        rows: list[int] = []
        cell_azimuth: list[float] = []
        cell_ids: list[str] = []
        for row in np.flatnonzero(keep).tolist():
            sectors = azimuths[row]
            if not sectors:
                rows.append(row)
                cell_azimuth.append(np.nan)
                cell_ids.append(ids[row])
            for k, azimuth in enumerate(sectors, start=1):
                rows.append(row)
                cell_azimuth.append(azimuth)
                cell_ids.append(f"{ids[row]}-{k}")
        index = np.asarray(rows, dtype=np.int64)
        eirp = np.array([config.total_eirp_dbm(v) for v in eirp_field[index]], float)
        return cls(x=xs[index], y=ys[index], height_m=height[index], eirp_dbm=eirp,
                   azimuth_deg=np.asarray(cell_azimuth, float), beamwidth_deg=beamwidth[index],
                   tilt_deg=tilt[index], model=_models(height[index], config), site_id=ids[index],
                   cell_id=np.asarray(cell_ids, dtype=object), feature_index=index, crs=layer.crs,
                   notes=tuple(notes))


_ARRAY_FIELDS = ("x", "y", "height_m", "eirp_dbm", "azimuth_deg", "beamwidth_deg", "tilt_deg", "model", "site_id",
                 "cell_id", "feature_index")


def _models(height: np.ndarray, config: CoverageConfig) -> np.ndarray:
    if config.model == "auto":
        return np.where(height >= MACRO_HEIGHT_M, UMA, UMI).astype(np.int8)
    return np.full(height.shape, MODEL_CODES[config.model], np.int8)


def _check_heights(height: np.ndarray, ids: np.ndarray, layer: VectorLayer | None, what: str) -> None:
    low = ~(height > MIN_ANTENNA_HEIGHT_M)
    if low.any():
        listed = ", ".join(str(i) for i in ids[low][:8])
        raise LayerError(layer.source if layer else None, f"{what}: " + translate(
            "CoverageTransmitters", "{count} antennas are not above {minimum:g} m ({listed}); antenna heights are "
                                    "metres above ground").format(count=int(low.sum()), minimum=MIN_ANTENNA_HEIGHT_M,
                                                                  listed=listed),
                         layer=layer.name if layer else None)


def _numeric(gdf: pd.DataFrame, name: str, default: float, notes: list[str]) -> np.ndarray:
    if name not in gdf.columns:
        return np.full(len(gdf), default, float)
    values = pd.to_numeric(gdf[name], errors="coerce").to_numpy(float)
    empty = ~np.isfinite(values)
    if empty.any() and np.isfinite(default):
        notes.append(translate("CoverageTransmitters", "{field}: {count} empty values taken as {default:g}").format(
            field=name, count=int(empty.sum()), default=default))
        values = np.where(empty, default, values)
    return values


def _site_ids(layer: VectorLayer) -> np.ndarray:
    gdf = layer.gdf
    candidates = ([layer.kind and _kind_id_field(layer.kind)] if layer.kind else []) + list(_ID_FIELDS)
    for name in candidates:
        if name and name in gdf.columns:
            values = gdf[name].astype(object).to_numpy()
            blank = pd.isna(values) | (pd.Series(values).astype(str).str.strip() == "").to_numpy()
            numbered = np.array([f"#{i + 1}" for i in range(len(gdf))], dtype=object)
            return np.where(blank, numbered, pd.Series(values).astype(str).to_numpy()).astype(object)
    return np.array([f"#{i + 1}" for i in range(len(gdf))], dtype=object)


def _kind_id_field(kind: str) -> str | None:
    from layers.kinds import KINDS

    spec = KINDS.get(kind)
    return spec.id_field if spec else None


def _active(gdf: pd.DataFrame, notes: list[str]) -> np.ndarray:
    if "status" not in gdf.columns:
        return np.ones(len(gdf), bool)
    removed = gdf["status"].astype(str).str.strip().str.lower().eq("removed").to_numpy()
    if removed.any():
        notes.append(translate("CoverageTransmitters", "{count} removed sites left out").format(
            count=int(removed.sum())))
    return ~removed


def _on_carrier(gdf: pd.DataFrame, config: CoverageConfig, notes: list[str]) -> np.ndarray:
    if "band_mhz" not in gdf.columns:
        return np.ones(len(gdf), bool)
    band = pd.to_numeric(gdf["band_mhz"], errors="coerce").to_numpy(float)
    unknown = ~np.isfinite(band)
    if unknown.any():
        notes.append(translate("CoverageTransmitters", "band_mhz: {count} sites without a band taken to be on "
                                                       "{frequency:g} MHz").format(count=int(unknown.sum()),
                                                                                   frequency=config.frequency_mhz))
    on = unknown | (np.abs(band - config.frequency_mhz) <= config.bandwidth_mhz / 2)
    if (~on).any():
        others = ", ".join(f"{b:g}" for b in np.unique(band[~on]))
        notes.append(translate("CoverageTransmitters", "{count} sites on other bands ({others} MHz) left out of the "
                                                       "{frequency:g} MHz carrier (they neither serve nor interfere "
                                                       "on it; run the coverage again at their frequency for their "
                                                       "map)").format(count=int((~on).sum()), others=others,
                                                                      frequency=config.frequency_mhz))
    return on


def _bands_present(gdf: pd.DataFrame) -> str:
    if "band_mhz" not in gdf.columns:
        return ""
    bands = np.unique(pd.to_numeric(gdf["band_mhz"], errors="coerce").dropna().to_numpy(float))
    return translate("CoverageTransmitters", "; its sites are on {bands} MHz").format(
        bands=", ".join(f"{b:g}" for b in bands)) if bands.size else ""


def _azimuth_lists(gdf: pd.DataFrame, config: CoverageConfig, layer: VectorLayer) -> list[tuple[float, ...]]:
    if "azimuths" not in gdf.columns:
        return [config.sector_azimuths] * len(gdf)
    lists = []
    for number, value in enumerate(gdf["azimuths"].to_numpy(), start=1):
        text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
        try:
            items = tuple(float(a) % 360.0 for a in re.split(r"[,;，\s]+", text.strip()) if a)
        except ValueError:
            raise LayerError(layer.source, "azimuths: " + translate(
                "CoverageTransmitters", "feature #{number} has {text!r}; expected comma-separated degrees or empty for "
                                        "omni").format(number=number, text=text), layer=layer.name) from None
        lists.append(items)
    return lists


__all__ = ["MIN_ANTENNA_HEIGHT_M", "Transmitters"]
