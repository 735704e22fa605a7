"""Turn a coverage result into layers: RSRP, best-server and SINR rasters, and service-area polygons.

Rasters carry their CRS, a no-data value and ``metadata["quantity"]``/``["unit"]`` so the default styles colour
them (RSRP and SINR classes, best server as categories) and GeoTIFF export keeps them.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from rasterio.features import shapes

from layers.i18n import translate
from layers.layer import RasterLayer, VectorLayer
from plugins.coverage.engine import CoverageResult

NODATA_DB = -9999.0
NODATA_SERVER = -1


def _describe(result: CoverageResult) -> dict:
    config = result.config
    return {"frequency_mhz": config.frequency_mhz, "bandwidth_mhz": config.bandwidth_mhz, "n_rb": config.n_rb,
            "subcarrier_khz": config.scs_khz, "model": config.model, "rx_height_m": config.rx_height_m,
            "indoor_loss": config.indoor_loss, "max_radius_m": config.max_radius_m,
            "location_probability": config.location_probability, "load_factor": config.load_factor}


def rsrp_raster(result: CoverageResult, name: str = "RSRP") -> RasterLayer:
    """Best-server RSRP in dBm per resource element."""
    data = np.where(np.isfinite(result.rsrp), result.rsrp, NODATA_DB).astype(np.float32)
    metadata = {"quantity": "rsrp", "unit": "dBm", "power": "per resource element", **_describe(result)}
    return RasterLayer(data, result.grid.transform, result.grid.crs, name=name, nodata=NODATA_DB,
                       metadata=metadata, band_names=[translate("CoverageOutputs", "RSRP (dBm per RE)")])


def sinr_raster(result: CoverageResult, name: str = "SINR") -> RasterLayer:
    """Downlink SINR of the best server against all other cells of the carrier at full load, plus noise."""
    data = np.where(np.isfinite(result.sinr), result.sinr, NODATA_DB).astype(np.float32)
    metadata = {"quantity": "sinr", "unit": "dB", "noise_dbm_per_re": result.config.noise_re_dbm, **_describe(result)}
    return RasterLayer(data, result.grid.transform, result.grid.crs, name=name, nodata=NODATA_DB,
                       metadata=metadata, band_names=[translate("CoverageOutputs", "SINR (dB)")])


def server_raster(result: CoverageResult, name: str = "Best server") -> RasterLayer:
    """Index of the best cell (row of the per-cell table), -1 where no cell reaches."""
    metadata = {"quantity": "best_server", "unit": "", "values": "cell index (see the coverage polygons' "
                "'server' field and 'cell_id')", **_describe(result),
                # What each index means, so identify and legends name the serving pole, not a row number.
                "cell_ids": [str(c) for c in result.transmitters.cell_id],
                "site_ids": [str(s) for s in result.transmitters.site_id]}
    return RasterLayer(result.server.astype(np.int32), result.grid.transform, result.grid.crs, name=name,
                       nodata=NODATA_SERVER, metadata=metadata,
                       band_names=[translate("CoverageOutputs", "best server cell index")])


def covered_mask(result: CoverageResult) -> np.ndarray:
    """Cells whose best-server RSRP, less the shadow-fading margin of the location probability, reaches the
    threshold (the one definition of a covered cell; ``plugins.coverage.margin``)."""
    margin = result.margin_db if result.margin_db is not None else 0.0
    with np.errstate(invalid="ignore"):
        return np.isfinite(result.rsrp) & (result.rsrp - margin >= result.config.rsrp_threshold_dbm)


def coverage_polygons(result: CoverageResult, name: str = "Coverage") -> VectorLayer:
    """One (multi)polygon per serving cell: where it is the best server and RSRP >= threshold."""
    covered = covered_mask(result)
    cells = result.transmitters
    pieces = [(shapely.geometry.shape(geom), int(value))
              for geom, value in shapes(result.server.astype(np.int32), mask=covered, transform=result.grid.transform)]
    if pieces:
        frame = gpd.GeoDataFrame({"server": [v for _, v in pieces]}, geometry=[g for g, _ in pieces],
                                 crs=result.grid.crs)
        frame = frame.dissolve(by="server", as_index=False)
    else:
        frame = gpd.GeoDataFrame({"server": np.zeros(0, int)}, geometry=[], crs=result.grid.crs)
    servers = frame["server"].to_numpy(int)
    frame["cell_id"] = cells.cell_id[servers] if servers.size else []
    frame["site_id"] = cells.site_id[servers] if servers.size else []
    frame["area_m2"] = frame.geometry.area.to_numpy()
    server_rsrp = np.where(covered, result.rsrp, np.nan)
    sums = np.bincount(result.server[covered], weights=server_rsrp[covered], minlength=len(cells))
    counts = np.bincount(result.server[covered], minlength=len(cells))
    with np.errstate(invalid="ignore", divide="ignore"):
        frame["mean_rsrp_dbm"] = (sums / counts)[servers] if servers.size else []
    frame = frame[["server", "cell_id", "site_id", "area_m2", "mean_rsrp_dbm", "geometry"]]
    metadata = {"threshold_dbm": result.config.rsrp_threshold_dbm, **_describe(result)}
    return VectorLayer(frame, name, metadata=metadata)


__all__ = ["NODATA_DB", "NODATA_SERVER", "coverage_polygons", "covered_mask", "rsrp_raster", "server_raster",
           "sinr_raster"]
